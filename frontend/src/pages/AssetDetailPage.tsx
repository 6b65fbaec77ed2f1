import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAsset, useAssetAction, type AssetStatus } from '@/api/assets';
import { useAuth } from '@/contexts/AuthContext';
import { AssetSections } from '@/components/assets/detail/AssetSectionsLayout';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Icon } from '@/components/ui/Icon';
import { PageHeader } from '@/components/ui/PageHeader';
import { AssetStatusBadge } from '@/components/ui/StatusBadge';
import { QueryBoundary } from '@/components/ui/States';
import { toast } from '@/lib/toast';

export default function AssetDetailPage() {
  const id = Number(useParams().id);
  const asset = useAsset(id);
  const action = useAssetAction();
  const { isEditor } = useAuth();
  const [confirm, setConfirm] = useState<'decommission' | 'restore' | null>(null);

  const run = (name: 'decommission' | 'restore' | 'mark-reviewed', message: string) =>
    action.mutate({ id, action: name }, { onSuccess: () => toast.success(message), onSettled: () => setConfirm(null) });

  return (
    <QueryBoundary query={asset}>
      {(data) => {
        const status = data.status as AssetStatus;
        const retired = status === 'DECOMMISSIONED' || status === 'REMOVED';
        return (
          <>
            <nav aria-label="Breadcrumb">
              <ol className="breadcrumb small mb-1">
                <li className="breadcrumb-item">
                  <Link to="/assets">Assets</Link>
                </li>
                <li className="breadcrumb-item active" aria-current="page">
                  {data.asset_id}
                </li>
              </ol>
            </nav>
            <PageHeader
              title={data.name || data.asset_id}
              subtitle={
                <span className="d-flex gap-2 align-items-center">
                  <span className="font-monospace">{data.asset_id}</span> <AssetStatusBadge status={status} />
                </span>
              }
              actions={
                isEditor && (
                  <>
                    <Link to={`/assets/${id}/edit`} className="btn btn-primary">
                      <Icon name="pencil" /> Edit
                    </Link>
                    {status === 'DECOMMISSIONED' ? (
                      <button type="button" className="btn btn-outline-success" onClick={() => setConfirm('restore')}>
                        <Icon name="arrow-counterclockwise" /> Restore
                      </button>
                    ) : (
                      !retired && (
                        <button type="button" className="btn btn-outline-danger" onClick={() => setConfirm('decommission')}>
                          <Icon name="archive" /> Decommission
                        </button>
                      )
                    )}
                  </>
                )
              }
            />
            <AssetSections asset={data} onMarkReviewed={() => run('mark-reviewed', 'Marked as reviewed.')} reviewing={action.isPending} />
            {confirm === 'decommission' && (
              <ConfirmDialog title="Decommission asset" confirmLabel="Decommission" busy={action.isPending} onClose={() => setConfirm(null)} onConfirm={() => run('decommission', 'Asset decommissioned.')}>
                “{data.name}” will be hidden from the default asset list and kept with its history. You can restore it later.
              </ConfirmDialog>
            )}
            {confirm === 'restore' && (
              <ConfirmDialog title="Restore asset" confirmLabel="Restore" variant="primary" busy={action.isPending} onClose={() => setConfirm(null)} onConfirm={() => run('restore', 'Asset restored.')}>
                “{data.name}” will be active again.
              </ConfirmDialog>
            )}
          </>
        );
      }}
    </QueryBoundary>
  );
}

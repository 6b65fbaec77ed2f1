import { useNavigate, useParams } from 'react-router';
import { useAsset, useCreateAsset, useUpdateAsset } from '@/api/assets';
import { AssetForm } from '@/components/assets/AssetForm';
import { PageHeader } from '@/components/ui/PageHeader';
import { QueryBoundary } from '@/components/ui/States';

function CreateAsset() {
  const create = useCreateAsset();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="New asset" subtitle="A SaaS, self-hosted or on-premise asset. AWS resources come from discovery." />
      <AssetForm
        error={create.error}
        busy={create.isPending}
        onCancel={() => navigate('/assets')}
        onSubmit={(payload) => create.mutate({ name: '', ...payload }, { onSuccess: (asset) => navigate(`/assets/${asset.id}`) })}
      />
    </>
  );
}

function EditAsset({ id }: { id: number }) {
  const asset = useAsset(id);
  const update = useUpdateAsset();
  const navigate = useNavigate();
  return (
    <QueryBoundary query={asset}>
      {(data) => (
        <>
          <PageHeader title={`Edit ${data.name || data.asset_id}`} subtitle={data.asset_id} />
          <AssetForm
            asset={data}
            error={update.error}
            busy={update.isPending}
            onCancel={() => navigate(`/assets/${id}`)}
            onSubmit={(payload) => update.mutate({ id, ...payload }, { onSuccess: () => navigate(`/assets/${id}`) })}
          />
        </>
      )}
    </QueryBoundary>
  );
}

export default function AssetFormPage() {
  const { id } = useParams();
  return id ? <EditAsset id={Number(id)} /> : <CreateAsset />;
}

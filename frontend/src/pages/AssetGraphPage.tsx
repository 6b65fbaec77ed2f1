import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAsset, useAssetGraph } from '@/api/assets';
import { GraphLegend, RelationshipGraph } from '@/components/assets/RelationshipGraph';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, QueryBoundary } from '@/components/ui/States';

export default function AssetGraphPage() {
  const id = Number(useParams().id);
  const [depth, setDepth] = useState(1);
  const asset = useAsset(id);
  const graph = useAssetGraph(id, depth);
  const name = asset.data ? asset.data.name || asset.data.asset_id : `Asset ${id}`;
  return (
    <>
      <nav aria-label="Breadcrumb">
        <ol className="breadcrumb small mb-1">
          <li className="breadcrumb-item">
            <Link to="/assets">Assets</Link>
          </li>
          <li className="breadcrumb-item">
            <Link to={`/assets/${id}`}>{asset.data?.asset_id ?? id}</Link>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            Graph
          </li>
        </ol>
      </nav>
      <PageHeader
        title={`Relationships of ${name}`}
        actions={
          <div className="d-flex align-items-center gap-2">
            <label htmlFor="graph-depth" className="small text-nowrap">
              Depth
            </label>
            <select id="graph-depth" className="form-select form-select-sm" value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
              {[1, 2, 3].map((d) => (
                <option key={d} value={d}>
                  {d} {d === 1 ? 'hop' : 'hops'}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <p className="small text-body-secondary">Drag nodes to rearrange. Hover or focus a node to see its links; click a node to centre the graph on it, press Enter to open it.</p>
      <QueryBoundary query={graph}>
        {(data) =>
          data.nodes.length <= 1 ? (
            <EmptyState title="This asset has no relationships yet" icon="diagram-3" />
          ) : (
            <>
              {data.truncated && <div className="alert alert-warning small">The neighbourhood is large; only part of it is shown.</div>}
              <RelationshipGraph key={`${id}-${depth}`} graph={data} centreId={id} />
              <GraphLegend />
            </>
          )
        }
      </QueryBoundary>
    </>
  );
}

import { useState } from 'react';
import { Link } from 'react-router';
import { useAssetHistory, type AssetChange } from '@/api/assets';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { formatDateTime, humanize } from '@/lib/format';
import { Section } from './DefinitionList';

const HISTORY_PAGE_SIZE = 50;

export function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function Actor({ change }: { change: AssetChange }) {
  if (change.job) return <Link to={`/discovery/${change.job}`}>discovery job #{change.job}</Link>;
  if (change.user) return <strong>{change.user}</strong>;
  return <span>system</span>;
}

function ChangeDiff({ changes }: { changes: AssetChange['changes'] }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return null;
  return (
    <table className="table table-sm small mb-0 mt-1">
      <caption className="visually-hidden">Changed fields</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([field, pair]) => (
          <tr key={field}>
            <th scope="row" className="fw-normal">
              {humanize(field)}
            </th>
            <td className="text-break">
              <span className="diff-old">{displayValue(pair?.[0])}</span>
            </td>
            <td className="text-break">
              <span className="diff-new">{displayValue(pair?.[1])}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HistoryTimeline({ assetId }: { assetId: number }) {
  const [page, setPage] = useState(1);
  const history = useAssetHistory(assetId, page);
  return (
    <Section title="History">
      <QueryBoundary query={history}>
        {(data) =>
          data.results.length === 0 ? (
            <EmptyState title="No changes recorded" icon="clock-history" />
          ) : (
            <>
              <ol className="timeline" aria-label="Change history">
                {data.results.map((change) => (
                  <li key={change.id}>
                    <div className="small">
                      <span className="fw-semibold">{humanize(change.action)}</span> by <Actor change={change} /> ·{' '}
                      <time dateTime={change.timestamp}>{formatDateTime(change.timestamp)}</time>
                    </div>
                    <ChangeDiff changes={change.changes} />
                  </li>
                ))}
              </ol>
              {data.count > HISTORY_PAGE_SIZE && <Pagination label="History pages" page={page} pageSize={HISTORY_PAGE_SIZE} count={data.count} onPage={setPage} />}
            </>
          )
        }
      </QueryBoundary>
    </Section>
  );
}

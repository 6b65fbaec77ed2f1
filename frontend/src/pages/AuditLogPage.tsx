import { useState } from 'react';
import { useAuditEvents, type AuditEvent } from '@/api/audit';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, QueryBoundary } from '@/components/ui/States';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { AUDIT_EVENT_CHOICES } from '@/lib/choices';
import { formatDateTime, formatDetailValue, humanize } from '@/lib/format';

const PAGE_SIZE = 50;


const COLUMNS: Column<AuditEvent>[] = [
  { key: 'time', header: 'When', render: (e) => <span className="text-nowrap">{formatDateTime(e.timestamp)}</span> },
  { key: 'event', header: 'Event', render: (e) => <span className="text-nowrap">{humanize(e.event)}</span> },
  { key: 'success', header: 'Result', render: (e) => (e.success ? <span className="badge text-bg-success">ok</span> : <span className="badge text-bg-danger">failed</span>) },
  { key: 'actor', header: 'Who', render: (e) => e.actor_username || '—' },
  { key: 'target', header: 'Target', render: (e) => (e.target ? <span className="text-nowrap">{e.target}</span> : '—') },
  { key: 'ip', header: 'From', render: (e) => <span className="font-monospace small">{e.ip_address || '—'}</span> },
  {
    key: 'details',
    header: 'Details',
    render: (e) => {
      const details = (e.details ?? {}) as Record<string, unknown>;
      const text = Object.entries(details)
        .map(([k, v]) => `${k}: ${formatDetailValue(v)}`)
        .join('; ');
      return <span className="small" style={{ overflowWrap: 'anywhere' }} title={e.user_agent}>{text || '—'}</span>;
    },
  },
];

export default function AuditLogPage() {
  useDocumentTitle('Audit log');
  const [page, setPage] = useState(1);
  const [event, setEvent] = useState('');
  const [success, setSuccess] = useState('');
  const [actor, setActor] = useState('');
  const events = useAuditEvents({ page, page_size: PAGE_SIZE, event: event || undefined, success: success || undefined, actor_username: actor || undefined });
  return (
    <>
      <h1 className="h4">Audit log</h1>
      <div className="row g-2 mb-3" role="group" aria-label="Audit log filters">
        <div className="col-sm-4 col-lg-3">
          <label htmlFor="audit-event" className="form-label small">
            Event
          </label>
          <select id="audit-event" className="form-select form-select-sm" value={event} onChange={(e) => { setEvent(e.target.value); setPage(1); }}>
            <option value="">All events</option>
            {AUDIT_EVENT_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="col-sm-4 col-lg-2">
          <label htmlFor="audit-success" className="form-label small">
            Result
          </label>
          <select id="audit-success" className="form-select form-select-sm" value={success} onChange={(e) => { setSuccess(e.target.value); setPage(1); }}>
            <option value="">Any</option>
            <option value="true">Succeeded</option>
            <option value="false">Failed</option>
          </select>
        </div>
        <div className="col-sm-4 col-lg-3">
          <label htmlFor="audit-actor" className="form-label small">
            Username
          </label>
          <input id="audit-actor" className="form-control form-control-sm" value={actor} onChange={(e) => { setActor(e.target.value); setPage(1); }} />
        </div>
      </div>
      <QueryBoundary query={events}>
        {(data) =>
          data.results.length === 0 ? (
            <EmptyState title="No events" icon="journal-text" />
          ) : (
            <>
              <div className="card">
                <DataTable caption="Audit events" columns={COLUMNS} rows={data.results} rowId={(e) => e.id} busy={events.isPlaceholderData} />
              </div>
              <Pagination label="Audit log pages" page={page} pageSize={PAGE_SIZE} count={data.count} onPage={setPage} />
            </>
          )
        }
      </QueryBoundary>
    </>
  );
}

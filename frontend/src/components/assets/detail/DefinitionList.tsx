import type { ReactNode } from 'react';

export interface Definition {
  term: string;
  value: ReactNode;
  hidden?: boolean;
}

const empty = <span className="text-body-secondary">—</span>;

export function DefinitionList({ items }: { items: Definition[] }) {
  return (
    <dl className="row mb-0 small">
      {items
        .filter((item) => !item.hidden)
        .map((item) => (
          <div key={item.term} className="col-12 d-flex border-bottom py-1">
            <dt className="fw-normal text-body-secondary" style={{ width: '40%', flexShrink: 0 }}>
              {item.term}
            </dt>
            <dd className="mb-0 text-break">{item.value === '' || item.value === null || item.value === undefined ? empty : item.value}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className="card mb-3" aria-labelledby={id}>
      <div className="card-body">
        <div className="d-flex justify-content-between align-items-center mb-2">
          <h2 id={id} className="h6 mb-0">
            {title}
          </h2>
          {actions}
        </div>
        {children}
      </div>
    </section>
  );
}

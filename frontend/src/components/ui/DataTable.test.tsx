import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DataTable, type Column } from './DataTable';

interface Row {
  id: number;
  code: string;
  name: string;
}

const columns: Column<Row>[] = [
  { key: 'code', header: 'Code', render: (row) => row.code },
  { key: 'name', header: 'Name', sticky: true, render: (row) => <a href={`/rows/${row.id}`}>{row.name}</a> },
];
const rows: Row[] = [{ id: 1, code: 'A-1', name: 'first' }];
const selection = { selected: new Set<number>(), onToggle: () => {}, onTogglePage: () => {} };

describe('DataTable pinned column', () => {
  it('pins the sticky column and the checkboxes before it in a grid', () => {
    render(<DataTable caption="Rows" columns={columns} rows={rows} rowId={(row) => row.id} rowLabel={(row) => row.name} selection={selection} grid />);
    const table = screen.getByRole('table', { name: 'Rows' });
    const [selectHeader, codeHeader, nameHeader] = within(table).getAllByRole('columnheader');
    expect(nameHeader).toHaveClass('col-sticky', 'col-sticky-last');
    expect(selectHeader).toHaveClass('col-select', 'col-sticky');
    expect(codeHeader).not.toHaveClass('col-sticky');
    const cells = within(table).getAllByRole('cell');
    expect(cells[0]).toHaveClass('col-sticky');
    expect(cells[1]).not.toHaveClass('col-sticky');
    expect(cells[2]).toHaveClass('col-sticky-last');
  });

  it('pins nothing outside a grid, or when no column asks for it', () => {
    const { unmount } = render(<DataTable caption="Rows" columns={columns} rows={rows} rowId={(row) => row.id} selection={selection} />);
    expect(document.querySelector('.col-sticky')).toBeNull();
    unmount();
    render(<DataTable caption="Rows" columns={columns.map((c) => ({ ...c, sticky: false }))} rows={rows} rowId={(row) => row.id} selection={selection} grid />);
    expect(document.querySelector('.col-sticky')).toBeNull();
    expect(screen.getAllByRole('columnheader')[0]).toHaveClass('col-select');
  });
});

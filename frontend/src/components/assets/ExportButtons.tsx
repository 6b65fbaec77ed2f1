import { exportUrl } from '@/api/assets';
import { Icon } from '@/components/ui/Icon';

/** Export links carry the list's query string unchanged, so the file holds exactly what is filtered. */
export function ExportButtons({ query }: { query: string }) {
  return (
    <div className="btn-group" role="group" aria-label="Export">
      <a className="btn btn-outline-secondary" href={exportUrl('csv', query)} download>
        <Icon name="filetype-csv" /> Export CSV
      </a>
      <a className="btn btn-outline-secondary" href={exportUrl('excel', query)} download>
        <Icon name="file-earmark-spreadsheet" /> Export Excel
      </a>
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useImportAssets, type ImportResult } from '@/api/assets';
import { FormAlert } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';
import { PageHeader } from '@/components/ui/PageHeader';
import { errorMessage } from '@/api/client';

function ImportReport({ result }: { result: ImportResult }) {
  if (result.errors.length === 0) {
    return (
      <div className="alert alert-success" role="status">
        Imported {result.created} {result.created === 1 ? 'asset' : 'assets'}. <Link to="/assets?ordering=-id">See the newest assets</Link>
      </div>
    );
  }
  return (
    <div role="alert">
      <div className="alert alert-danger">
        Nothing was imported: {result.errors.length} {result.errors.length === 1 ? 'row has' : 'rows have'} errors. Fix them and upload the file again.
      </div>
      <table className="table table-sm">
        <caption className="visually-hidden">Rows with errors</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {result.errors.flatMap((row) =>
            Object.entries(row.errors).map(([field, messages]) => (
              <tr key={`${row.row}-${field}`}>
                <td>{row.row}</td>
                <td>
                  <code>{field}</code>
                </td>
                <td>{messages.join(' ')}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

const IMPORT_COLUMNS = [
  'asset_type', 'status', 'service', 'resource_type', 'resource_id', 'region', 'owner', 'owner_name', 'department', 'criticality',
  'data_classification', 'confidentiality', 'integrity', 'availability', 'personal_data', 'gdpr_relevant', 'backup_enabled',
  'monitoring_enabled', 'vendor', 'url', 'version', 'description', 'notes', 'category', 'tags', 'ip_addresses', 'dns_names',
]; // prettier-ignore

export default function AssetImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const upload = useImportAssets();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (file) upload.mutate(file);
  }

  return (
    <>
      <PageHeader title="Import assets from CSV" />
      <div className="row g-4">
        <div className="col-lg-6">
          <form onSubmit={onSubmit} className="card card-body" aria-label="Import CSV">
            <label htmlFor="import-file" className="form-label">
              CSV file
            </label>
            <input id="import-file" type="file" accept=".csv,text/csv" className="form-control mb-3" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <FormAlert error={upload.error ? errorMessage(upload.error) : null} />
            <div>
              <button type="submit" className="btn btn-primary" disabled={!file || upload.isPending}>
                <Icon name="upload" /> {upload.isPending ? 'Importing…' : 'Import'}
              </button>
            </div>
          </form>
          {upload.data && (
            <div className="mt-3">
              <ImportReport result={upload.data} />
            </div>
          )}
        </div>
        <div className="col-lg-6 small">
          <h2 className="h6">File format</h2>
          <p>
            UTF-8, comma separated, with a header row. Every row becomes one hand-entered asset; if any row has an error nothing is imported and each
            problem is listed by line and column.
          </p>
          <p>
            Columns (header names): <code>name</code> (required) and any of {IMPORT_COLUMNS.map((c, i) => (
              <span key={c}>
                {i > 0 && ', '}
                <code>{c}</code>
              </span>
            ))}
            . Yes/no columns take yes/no, true/false or 1/0; lists (IP addresses, DNS names) are separated by semicolons; tags are written as
            <code>key=value;key2=value2</code>; <code>category</code> is a category name and <code>owner</code> a username.
          </p>
        </div>
      </div>
    </>
  );
}

import { Link } from 'react-router';
import type { Asset } from '@/api/assets';
import { useAuth } from '@/contexts/AuthContext';
import { CopyButton } from '@/components/ui/CopyButton';
import { Icon } from '@/components/ui/Icon';
import { CriticalityBadge } from '@/components/ui/StatusBadge';
import { ASSET_TYPE_CHOICES } from '@/lib/choices';
import { formatDateTime, formatRelative, humanize } from '@/lib/format';
import { DefinitionList, Section } from './DefinitionList';

const human = (value: string | null | undefined) => (value ? humanize(value) : '');
const yesNo = (value: boolean) => (value ? <span className="badge text-bg-info">Yes</span> : 'No');

export function GeneralSection({ asset }: { asset: Asset }) {
  return (
    <Section title="General">
      <DefinitionList
        items={[
          { term: 'Asset ID', value: <span className="font-monospace">{asset.asset_id}</span> },
          { term: 'Type', value: ASSET_TYPE_CHOICES.find((c) => c.value === asset.asset_type)?.label ?? human(asset.asset_type) },
          { term: 'Category', value: asset.category ? <Link to={`/assets?category=${asset.category}`}>{asset.category_name}</Link> : '' },
          { term: 'Service', value: asset.service },
          { term: 'Resource type', value: asset.resource_type },
          { term: 'Description', value: asset.description },
          { term: 'Vendor', value: asset.vendor, hidden: asset.is_aws },
          { term: 'URL', value: asset.url ? <a href={asset.url} target="_blank" rel="noreferrer noopener">{asset.url}</a> : '', hidden: asset.is_aws },
          { term: 'Version', value: asset.version, hidden: asset.is_aws },
          { term: 'First seen', value: formatDateTime(asset.first_seen) },
          { term: 'Last seen', value: formatDateTime(asset.last_seen) },
          { term: 'Removed at', value: asset.removed_at ? formatDateTime(asset.removed_at) : '', hidden: !asset.removed_at },
          { term: 'Created', value: formatDateTime(asset.created_at) },
          { term: 'Updated', value: formatDateTime(asset.updated_at) },
          { term: 'Notes', value: asset.notes ? <span style={{ whiteSpace: 'pre-wrap' }}>{asset.notes}</span> : '' },
        ]}
      />
    </Section>
  );
}

export function AwsSection({ asset }: { asset: Asset }) {
  return (
    <Section title="AWS details">
      <DefinitionList
        items={[
          {
            term: 'Account',
            value: asset.account ? (
              <>
                <Link to={`/assets?account=${asset.account}`}>{asset.account_name}</Link>{' '}
                <span className="font-monospace text-body-secondary">{asset.aws_account_id}</span>
              </>
            ) : (
              ''
            ),
          },
          { term: 'Region', value: asset.region },
          { term: 'Environment', value: human(asset.environment) },
          { term: 'Resource ID', value: <span className="font-monospace">{asset.resource_id}</span> },
          {
            term: 'ARN',
            value: asset.arn ? (
              <span className="d-flex align-items-start gap-2">
                <code className="text-break-all">{asset.arn}</code>
                <CopyButton text={asset.arn} label="Copy ARN" />
              </span>
            ) : (
              ''
            ),
          },
          { term: 'State', value: asset.raw_state },
          {
            term: 'AWS console',
            value: asset.console_url ? (
              <a href={asset.console_url} target="_blank" rel="noreferrer noopener">
                Open in the AWS console <Icon name="box-arrow-up-right" />
              </a>
            ) : (
              ''
            ),
          },
        ]}
      />
    </Section>
  );
}

interface OwnershipProps {
  asset: Asset;
  onMarkReviewed: () => void;
  reviewing: boolean;
}

export function OwnershipSection({ asset, onMarkReviewed, reviewing }: OwnershipProps) {
  const { isEditor } = useAuth();
  return (
    <Section
      title="Ownership & compliance"
      actions={
        isEditor && (
          <button type="button" className="btn btn-sm btn-outline-success" onClick={onMarkReviewed} disabled={reviewing}>
            <Icon name="patch-check" /> Mark reviewed
          </button>
        )
      }
    >
      <DefinitionList
        items={[
          { term: 'Owner', value: asset.owner_display },
          { term: 'Department', value: asset.department },
          { term: 'Criticality', value: asset.criticality ? <CriticalityBadge value={asset.criticality} /> : '' },
          { term: 'Data classification', value: human(asset.data_classification) },
          { term: 'Confidentiality', value: human(asset.confidentiality) },
          { term: 'Integrity', value: human(asset.integrity) },
          { term: 'Availability', value: human(asset.availability) },
          { term: 'Personal data', value: yesNo(asset.personal_data ?? false) },
          { term: 'GDPR relevant', value: yesNo(asset.gdpr_relevant ?? false) },
          { term: 'Backup enabled', value: yesNo(asset.backup_enabled ?? false) },
          { term: 'Monitoring enabled', value: yesNo(asset.monitoring_enabled ?? false) },
          {
            term: 'Last review',
            value: asset.last_reviewed_at ? (
              <span title={formatDateTime(asset.last_reviewed_at)}>
                {formatRelative(asset.last_reviewed_at)}
                {asset.last_reviewed_by && ` by ${asset.last_reviewed_by}`}
              </span>
            ) : (
              <span className="text-warning-emphasis">Never reviewed</span>
            ),
          },
        ]}
      />
    </Section>
  );
}

export function TagsSection({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Section title="Tags">
      {entries.length === 0 ? (
        <p className="text-body-secondary small mb-0">No tags.</p>
      ) : (
        <table className="table table-sm mb-0 small">
          <caption className="visually-hidden">Tags</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <td>
                  <Link to={`/assets?tag=${encodeURIComponent(key)}`}>{key}</Link>
                </td>
                <td className="text-break">
                  <Link to={`/assets?tag=${encodeURIComponent(`${key}:${value}`)}`}>{value}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function NetworkSection({ asset }: { asset: Asset }) {
  const list = (values: string[]) =>
    values.length ? (
      <ul className="list-unstyled mb-0 font-monospace">
        {values.map((value) => (
          <li key={value}>{value}</li>
        ))}
      </ul>
    ) : (
      ''
    );
  return (
    <Section title="Network">
      <DefinitionList
        items={[
          { term: 'IP addresses', value: list(asset.ip_addresses ?? []) },
          { term: 'DNS names', value: list(asset.dns_names ?? []) },
        ]}
      />
    </Section>
  );
}

function renderValue(value: unknown) {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'object') return <code className="small text-break" style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(value, null, 1)}</code>;
  return String(value);
}

export function AttributesSection({ attributes }: { attributes: Record<string, unknown> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Section title="Attributes">
      {entries.length === 0 ? (
        <p className="text-body-secondary small mb-0">No attributes recorded.</p>
      ) : (
        <DefinitionList items={entries.map(([key, value]) => ({ term: key, value: renderValue(value) }))} />
      )}
    </Section>
  );
}

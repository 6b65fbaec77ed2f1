import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Asset, AssetInput } from '@/api/assets';
import { useFilterOptions } from '@/api/assets';
import { useCategories } from '@/api/categories';
import { CheckboxField, FormAlert, SelectField, TextAreaField, TextField } from '@/components/ui/FormField';
import { CLASSIFICATION_CHOICES, CRITICALITY_CHOICES, MANUAL_ASSET_TYPE_CHOICES, PROTECTION_CHOICES } from '@/lib/choices';
import { normalizeOptions } from '@/lib/filterOptions';
import { splitErrors } from '@/lib/formErrors';
import { rowsToTags, TagsEditor, tagsToRows, type TagRow } from './TagsEditor';

type Values = Required<Omit<AssetInput, 'owner' | 'category' | 'tags' | 'ip_addresses' | 'dns_names' | 'asset_type' | 'status'>> & {
  asset_type: string;
  status: string;
  owner: string;
  category: string;
  ip_addresses: string;
  dns_names: string;
};

/** Fields anyone may set on any asset; discovery never overwrites them. */
const PEOPLE_FIELDS = [
  'owner', 'owner_name', 'department', 'criticality', 'data_classification', 'confidentiality', 'integrity', 'availability',
  'personal_data', 'gdpr_relevant', 'backup_enabled', 'monitoring_enabled', 'vendor', 'url', 'version', 'description', 'notes', 'category',
] as const; // prettier-ignore
/** Extra fields of hand-entered (non-AWS) assets. */
const MANUAL_ONLY = ['name', 'asset_type', 'status', 'service', 'resource_type', 'resource_id', 'region', 'tags', 'ip_addresses', 'dns_names'] as const;
export const ASSET_FORM_FIELDS: readonly string[] = [...PEOPLE_FIELDS, ...MANUAL_ONLY];

function initialValues(asset?: Asset): Values {
  return {
    name: asset?.name ?? '',
    asset_type: asset?.asset_type ?? 'saas',
    status: asset?.status ?? 'ACTIVE',
    service: asset?.service ?? '',
    resource_type: asset?.resource_type ?? '',
    resource_id: asset?.resource_id ?? '',
    region: asset?.region ?? '',
    owner: asset?.owner ? String(asset.owner) : '',
    owner_name: asset?.owner_name ?? '',
    department: asset?.department ?? '',
    criticality: asset?.criticality ?? '',
    data_classification: asset?.data_classification ?? '',
    confidentiality: asset?.confidentiality ?? '',
    integrity: asset?.integrity ?? '',
    availability: asset?.availability ?? '',
    personal_data: asset?.personal_data ?? false,
    gdpr_relevant: asset?.gdpr_relevant ?? false,
    backup_enabled: asset?.backup_enabled ?? false,
    monitoring_enabled: asset?.monitoring_enabled ?? false,
    vendor: asset?.vendor ?? '',
    url: asset?.url ?? '',
    version: asset?.version ?? '',
    description: asset?.description ?? '',
    notes: asset?.notes ?? '',
    category: asset?.category ? String(asset.category) : '',
    ip_addresses: (asset?.ip_addresses ?? []).join('\n'),
    dns_names: (asset?.dns_names ?? []).join('\n'),
  };
}

const lines = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

/** The request body: people-owned fields always; identity fields only for hand-entered assets. */
export function toPayload(values: Values, tags: TagRow[], isAws: boolean): Partial<AssetInput> {
  const people: Partial<AssetInput> = {
    owner: values.owner ? Number(values.owner) : null,
    owner_name: values.owner_name,
    department: values.department,
    criticality: values.criticality,
    data_classification: values.data_classification,
    confidentiality: values.confidentiality,
    integrity: values.integrity,
    availability: values.availability,
    personal_data: values.personal_data,
    gdpr_relevant: values.gdpr_relevant,
    backup_enabled: values.backup_enabled,
    monitoring_enabled: values.monitoring_enabled,
    vendor: values.vendor,
    url: values.url,
    version: values.version,
    description: values.description,
    notes: values.notes,
    category: values.category ? Number(values.category) : null,
  };
  if (isAws) return people;
  return {
    ...people,
    name: values.name,
    asset_type: values.asset_type as AssetInput['asset_type'],
    status: values.status as AssetInput['status'],
    service: values.service,
    resource_type: values.resource_type,
    resource_id: values.resource_id,
    region: values.region,
    tags: rowsToTags(tags),
    ip_addresses: lines(values.ip_addresses),
    dns_names: lines(values.dns_names),
  };
}

/**
 * One titled group of the form: a fieldset named by its legend (screen readers announce the group
 * with each field) whose legend holds a heading, so the sections are also in the page's outline.
 */
function FormSection({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  const helpId = useId();
  return (
    <fieldset className="form-section" aria-describedby={help ? helpId : undefined}>
      <legend className="form-section-legend">
        <h2 className="h6 fw-semibold mb-0">{title}</h2>
      </legend>
      {help && (
        <p id={helpId} className="form-text mt-0 mb-2">
          {help}
        </p>
      )}
      {children}
    </fieldset>
  );
}

interface AssetFormProps {
  asset?: Asset;
  error: unknown;
  busy: boolean;
  onSubmit: (payload: Partial<AssetInput>) => void;
  onCancel: () => void;
}

export function AssetForm({ asset, error, busy, onSubmit, onCancel }: AssetFormProps) {
  const [values, setValues] = useState<Values>(() => initialValues(asset));
  const [tags, setTags] = useState<TagRow[]>(() => tagsToRows(asset?.tags ?? {}));
  const categories = useCategories();
  const owners = (normalizeOptions(useFilterOptions().data).owner ?? []).filter((o) => /^\d+$/.test(o.value));
  const isAws = asset?.is_aws ?? false;
  const { fieldErrors, formError } = splitErrors(error, ASSET_FORM_FIELDS);
  const text = (name: keyof Values) => ({
    value: values[name] as string,
    onChange: (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value })),
    error: fieldErrors[name],
  });
  const flag = (name: keyof Values) => ({
    checked: values[name] as boolean,
    onChange: (event: { target: { checked: boolean } }) => setValues((v) => ({ ...v, [name]: event.target.checked })),
    error: fieldErrors[name],
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(toPayload(values, tags, isAws));
  }

  return (
    <form onSubmit={submit} noValidate aria-label={asset ? 'Edit asset' : 'New asset'}>
      <FormAlert error={formError} />
      {isAws && <div className="alert alert-info small">This asset comes from AWS discovery: only the fields people own can be edited here.</div>}
      <div className="row gx-5 mb-2">
        <div className="col-xl-6">
          <FormSection title="Identity" help={isAws ? 'Name, type and location come from AWS.' : undefined}>
            {!isAws && (
              <>
                <TextField label="Name" required {...text('name')} />
                <div className="row">
                  <div className="col-sm-6">
                    <SelectField label="Type" options={MANUAL_ASSET_TYPE_CHOICES} {...text('asset_type')} />
                  </div>
                  <div className="col-sm-6">
                    <SelectField label="Status" options={[{ value: 'ACTIVE', label: 'Active' }, { value: 'INACTIVE', label: 'Inactive' }, { value: 'UNKNOWN', label: 'Unknown' }]} {...text('status')} />
                  </div>
                  <div className="col-sm-6">
                    <TextField label="Service / product" {...text('service')} />
                  </div>
                  <div className="col-sm-6">
                    <TextField label="Kind" help="e.g. application, server, database" {...text('resource_type')} />
                  </div>
                  <div className="col-sm-6">
                    <TextField label="Identifier" {...text('resource_id')} />
                  </div>
                  <div className="col-sm-6">
                    <TextField label="Location / region" {...text('region')} />
                  </div>
                </div>
              </>
            )}
            <SelectField label="Category" emptyLabel="(none)" options={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))} {...text('category')} />
            <div className="row">
              <div className="col-sm-6">
                <TextField label="Vendor" {...text('vendor')} />
              </div>
              <div className="col-sm-6">
                <TextField label="Version" {...text('version')} />
              </div>
            </div>
            <TextField label="URL" type="url" {...text('url')} />
            {!isAws && <TagsEditor rows={tags} onChange={setTags} error={fieldErrors.tags} />}
          </FormSection>
        </div>
        <div className="col-xl-6">
          <FormSection title="Ownership">
            <div className="row">
              {owners.length > 0 && (
                <div className="col-sm-6">
                  <SelectField label="Owner (user)" emptyLabel="(none)" options={owners} {...text('owner')} />
                </div>
              )}
              <div className="col-sm-6">
                <TextField label={owners.length > 0 ? 'Owner (team or person)' : 'Owner'} {...text('owner_name')} />
              </div>
              <div className="col-sm-6">
                <TextField label="Department" {...text('department')} />
              </div>
            </div>
          </FormSection>
          <FormSection title="Classification & protection needs">
            <div className="row">
              <div className="col-sm-6">
                <SelectField label="Criticality" emptyLabel="(not set)" options={CRITICALITY_CHOICES} {...text('criticality')} />
              </div>
              <div className="col-sm-6">
                <SelectField label="Data classification" emptyLabel="(not set)" options={CLASSIFICATION_CHOICES} {...text('data_classification')} />
              </div>
            </div>
            <fieldset className="border rounded p-2 mb-3">
              <legend className="float-none w-auto px-1 fs-6 mb-0">Protection needs (CIA)</legend>
              <div className="row">
                <div className="col-sm-4">
                  <SelectField label="Confidentiality" emptyLabel="(not set)" options={PROTECTION_CHOICES} {...text('confidentiality')} />
                </div>
                <div className="col-sm-4">
                  <SelectField label="Integrity" emptyLabel="(not set)" options={PROTECTION_CHOICES} {...text('integrity')} />
                </div>
                <div className="col-sm-4">
                  <SelectField label="Availability" emptyLabel="(not set)" options={PROTECTION_CHOICES} {...text('availability')} />
                </div>
              </div>
            </fieldset>
            <CheckboxField label="Processes personal data" {...flag('personal_data')} />
            <CheckboxField label="GDPR relevant" {...flag('gdpr_relevant')} />
          </FormSection>
        </div>
        <div className="col-xl-6">
          <FormSection title="Operations">
            <CheckboxField label="Backup enabled" {...flag('backup_enabled')} />
            <CheckboxField label="Monitoring enabled" {...flag('monitoring_enabled')} />
            {!isAws && (
              <>
                <TextAreaField label="IP addresses" help="One per line." rows={2} {...text('ip_addresses')} />
                <TextAreaField label="DNS names" help="One per line." rows={2} {...text('dns_names')} />
              </>
            )}
          </FormSection>
        </div>
        <div className="col-xl-6">
          <FormSection title="Notes">
            <TextAreaField label="Description" rows={3} {...text('description')} />
            <TextAreaField label="Notes" rows={4} {...text('notes')} />
          </FormSection>
        </div>
      </div>
      <div className="d-flex gap-2 justify-content-end border-top pt-3">
        <button type="button" className="btn btn-outline-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {asset ? 'Save changes' : 'Create asset'}
        </button>
      </div>
    </form>
  );
}

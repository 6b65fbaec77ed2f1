import { useState, type FormEvent } from 'react';
import { useBulkAction, type BulkActionInput } from '@/api/assets';
import { useCategories } from '@/api/categories';
import { FormAlert, SelectField, TextField } from '@/components/ui/FormField';
import { Modal } from '@/components/ui/Modal';
import { CLASSIFICATION_CHOICES, CRITICALITY_CHOICES, PROTECTION_CHOICES } from '@/lib/choices';
import { splitErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';

export type BulkTarget = Pick<BulkActionInput, 'ids' | 'query'> & { count: number };

const TEXT_FIELDS = [
  { name: 'owner_name', label: 'Owner' },
  { name: 'department', label: 'Department' },
] as const;

const SELECT_FIELDS = [
  { name: 'criticality', label: 'Criticality', options: CRITICALITY_CHOICES },
  { name: 'data_classification', label: 'Data classification', options: CLASSIFICATION_CHOICES },
  { name: 'confidentiality', label: 'Confidentiality', options: PROTECTION_CHOICES },
  { name: 'integrity', label: 'Integrity', options: PROTECTION_CHOICES },
  { name: 'availability', label: 'Availability', options: PROTECTION_CHOICES },
] as const;

/** Sets the chosen people-owned fields on every selected asset; untouched fields stay as they are. */
export function BulkEditModal({ target, onClose, onDone }: { target: BulkTarget; onClose: () => void; onDone?: () => void }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const bulk = useBulkAction();
  const categories = useCategories();
  const fieldNames = [...TEXT_FIELDS.map((f) => f.name), ...SELECT_FIELDS.map((f) => f.name), 'category'];
  const { fieldErrors, formError } = splitErrors(bulk.error, fieldNames);
  const set = (name: string, value: string) => setFields((current) => ({ ...current, [name]: value }));
  const changes = Object.fromEntries(
    Object.entries(fields)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => [name, name === 'category' ? Number(value) : value]),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    bulk.mutate(
      { ids: target.ids, query: target.query, action: 'update', fields: changes },
      {
        onSuccess: (result) => {
          toast.success(`Updated ${result.changed} of ${result.matched} assets.`);
          onClose();
          onDone?.();
        },
      },
    );
  }

  return (
    <Modal title={`Edit ${target.count} assets`} onClose={onClose} size="lg">
      <form onSubmit={onSubmit}>
        <p className="small text-body-secondary">Only the fields you fill in are changed.</p>
        <FormAlert error={formError} />
        <div className="row">
          {TEXT_FIELDS.map((field) => (
            <div className="col-md-6" key={field.name}>
              <TextField label={field.label} value={fields[field.name] ?? ''} onChange={(e) => set(field.name, e.target.value)} error={fieldErrors[field.name]} />
            </div>
          ))}
          {SELECT_FIELDS.map((field) => (
            <div className="col-md-6" key={field.name}>
              <SelectField
                label={field.label}
                emptyLabel="(unchanged)"
                options={[...field.options]}
                value={fields[field.name] ?? ''}
                onChange={(e) => set(field.name, e.target.value)}
                error={fieldErrors[field.name]}
              />
            </div>
          ))}
          <div className="col-md-6">
            <SelectField
              label="Category"
              emptyLabel="(unchanged)"
              options={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
              value={fields.category ?? ''}
              onChange={(e) => set('category', e.target.value)}
              error={fieldErrors.category}
            />
          </div>
        </div>
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={Object.keys(changes).length === 0 || bulk.isPending}>
            Apply to {target.count} assets
          </button>
        </div>
      </form>
    </Modal>
  );
}

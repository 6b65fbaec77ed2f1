import { useState, type FormEvent } from 'react';
import { useBulkAction, type AssetRow } from '@/api/assets';
import { FormAlert, SelectField } from '@/components/ui/FormField';
import { Modal } from '@/components/ui/Modal';
import { RELATIONSHIP_CHOICES } from '@/lib/relationships';
import { splitErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { AssetPicker } from './AssetPicker';
import type { BulkTarget } from './BulkEditModal';

/** Links every selected asset to one other asset, in either direction. */
export function BulkRelationshipModal({ target, onClose, onDone }: { target: BulkTarget; onClose: () => void; onDone?: () => void }) {
  const [other, setOther] = useState<AssetRow | null>(null);
  const [type, setType] = useState(RELATIONSHIP_CHOICES[0]?.value ?? 'depends_on');
  const [direction, setDirection] = useState<'outgoing' | 'incoming'>('outgoing');
  const bulk = useBulkAction();
  const { fieldErrors, formError } = splitErrors(bulk.error, ['relationship_type', 'target', 'direction']);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!other) return;
    bulk.mutate(
      { ids: target.ids, query: target.query, action: 'add_relationship', fields: { relationship_type: type, target: other.id, direction } },
      {
        onSuccess: (result) => {
          toast.success(`Added ${result.changed} relationships.`);
          onClose();
          onDone?.();
        },
      },
    );
  }

  return (
    <Modal title={`Add a relationship to ${target.count} assets`} onClose={onClose} size="lg">
      <form onSubmit={onSubmit}>
        <FormAlert error={formError ?? fieldErrors.target?.join(' ')} />
        <SelectField
          label="Direction"
          value={direction}
          onChange={(e) => setDirection(e.target.value as 'outgoing' | 'incoming')}
          options={[
            { value: 'outgoing', label: 'Selected assets → the asset below' },
            { value: 'incoming', label: 'The asset below → selected assets' },
          ]}
        />
        <SelectField label="Relationship" value={type} onChange={(e) => setType(e.target.value)} options={RELATIONSHIP_CHOICES} error={fieldErrors.relationship_type} />
        <AssetPicker label="Other asset" value={other} onChange={setOther} exclude={target.ids ?? []} />
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!other || bulk.isPending}>
            Add relationship
          </button>
        </div>
      </form>
    </Modal>
  );
}

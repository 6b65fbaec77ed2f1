import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useAssetRelationships, type AssetRow, type RelationshipType } from '@/api/assets';
import { useCreateRelationship, useDeleteRelationship, type Relationship } from '@/api/relationships';
import { useAuth } from '@/contexts/AuthContext';
import { FormAlert, SelectField } from '@/components/ui/FormField';
import { Icon } from '@/components/ui/Icon';
import { Modal } from '@/components/ui/Modal';
import { QueryBoundary } from '@/components/ui/States';
import { splitErrors } from '@/lib/formErrors';
import { RELATIONSHIP_CHOICES, relationshipLabel } from '@/lib/relationships';
import { AssetPicker } from '../AssetPicker';
import { Section } from './DefinitionList';

function AddRelationshipModal({ assetId, onClose }: { assetId: number; onClose: () => void }) {
  const [other, setOther] = useState<AssetRow | null>(null);
  const [type, setType] = useState(RELATIONSHIP_CHOICES[0]!.value);
  const [direction, setDirection] = useState<'outgoing' | 'incoming'>('outgoing');
  const create = useCreateRelationship();
  const { fieldErrors, formError } = splitErrors(create.error, ['relationship_type']);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!other) return;
    const [source, target] = direction === 'outgoing' ? [assetId, other.id] : [other.id, assetId];
    create.mutate({ source, target, relationship_type: type as RelationshipType }, { onSuccess: onClose });
  }

  return (
    <Modal title="Add relationship" onClose={onClose}>
      <form onSubmit={onSubmit}>
        <FormAlert error={formError} />
        <SelectField
          label="Direction"
          value={direction}
          onChange={(e) => setDirection(e.target.value as 'outgoing' | 'incoming')}
          options={[
            { value: 'outgoing', label: 'This asset → other asset' },
            { value: 'incoming', label: 'Other asset → this asset' },
          ]}
        />
        <SelectField label="Relationship" value={type} onChange={(e) => setType(e.target.value)} options={RELATIONSHIP_CHOICES} error={fieldErrors.relationship_type} />
        <AssetPicker label="Other asset" value={other} onChange={setOther} exclude={[assetId]} />
        <div className="d-flex justify-content-end gap-2">
          <button type="button" className="btn btn-outline-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!other || create.isPending}>
            Add
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RelationshipList({ title, items, side, onDelete }: { title: string; items: Relationship[]; side: 'source' | 'target'; onDelete?: (r: Relationship) => void }) {
  return (
    <div className="mb-2">
      <h3 className="h6 small text-body-secondary">{title}</h3>
      {items.length === 0 ? (
        <p className="small text-body-secondary mb-0">None.</p>
      ) : (
        <ul className="list-group list-group-flush small">
          {items.map((rel) => {
            const id = rel[side];
            const name = side === 'target' ? rel.target_name : rel.source_name;
            const assetId = side === 'target' ? rel.target_asset_id : rel.source_asset_id;
            return (
              <li key={rel.id} className="list-group-item px-0 d-flex align-items-center gap-2">
                <span className="badge bg-body-secondary text-body-emphasis border">{relationshipLabel(rel.relationship_type)}</span>
                <Link to={`/assets/${id}`}>{name || assetId}</Link>
                <span className="text-body-secondary font-monospace">{assetId}</span>
                {rel.origin === 'discovery' && <span className="badge text-bg-secondary">discovered</span>}
                {onDelete && (
                  <button type="button" className="btn btn-sm btn-link text-danger ms-auto" aria-label={`Remove relationship to ${name || assetId}`} onClick={() => onDelete(rel)}>
                    <Icon name="x-lg" />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function RelationshipsSection({ assetId }: { assetId: number }) {
  const relationships = useAssetRelationships(assetId);
  const remove = useDeleteRelationship();
  const { isEditor } = useAuth();
  const [adding, setAdding] = useState(false);
  const onDelete = isEditor ? (rel: Relationship) => remove.mutate(rel.id) : undefined;
  return (
    <Section
      title="Relationships"
      actions={
        <div className="d-flex gap-2">
          <Link to={`/assets/${assetId}/graph`} className="btn btn-sm btn-outline-secondary">
            <Icon name="diagram-3" /> Graph
          </Link>
          {isEditor && (
            <button type="button" className="btn btn-sm btn-outline-primary" onClick={() => setAdding(true)}>
              <Icon name="plus-lg" /> Add
            </button>
          )}
        </div>
      }
    >
      <QueryBoundary query={relationships}>
        {(data) => (
          <>
            <RelationshipList title="Outgoing (this asset → …)" items={data.outgoing} side="target" onDelete={onDelete} />
            <RelationshipList title="Incoming (… → this asset)" items={data.incoming} side="source" onDelete={onDelete} />
          </>
        )}
      </QueryBoundary>
      {adding && <AddRelationshipModal assetId={assetId} onClose={() => setAdding(false)} />}
    </Section>
  );
}

import type { Choice } from './choices';

// The backend's RelationshipType choices (assets/models.py); replace with generated enum values once
// the schema names them.
export const RELATIONSHIP_CHOICES: Choice[] = [
  { value: 'depends_on', label: 'Depends on' },
  { value: 'contains', label: 'Contains' },
  { value: 'connects_to', label: 'Connects to' },
  { value: 'managed_by', label: 'Managed by' },
  { value: 'runs_in', label: 'Runs in' },
];

export const relationshipLabel = (value: string) => RELATIONSHIP_CHOICES.find((c) => c.value === value)?.label ?? value.replace(/_/g, ' ');

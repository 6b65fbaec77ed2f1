import { relationshipTypeEnumValues } from '@/types/api';
import type { Choice } from './choices';
import { humanize } from './format';

export const RELATIONSHIP_CHOICES: Choice[] = relationshipTypeEnumValues.map((value) => ({ value, label: humanize(value) }));

export const relationshipLabel = (value: string) => RELATIONSHIP_CHOICES.find((c) => c.value === value)?.label ?? humanize(value);

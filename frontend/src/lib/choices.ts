/** Select options built from the enum values generated out of the OpenAPI schema. */
import {
  accountTypeEnumValues,
  assetTypeEnumValues,
  assetChangeActionEnumValues,
  eventEnumValues,
  criticalityEnumValues,
  dataClassificationEnumValues,
  discoveryIntervalEnumValues,
  environmentEnumValues,
  protectionNeedEnumValues,
  roleEnumValues,
} from '@/types/api';
import { humanize } from './format';

export interface Choice {
  value: string;
  label: string;
}

const toChoices = (values: ReadonlyArray<string>): Choice[] =>
  values.filter(Boolean).map((value) => ({ value, label: humanize(value.toLowerCase()) }));

export const ASSET_TYPE_CHOICES = toChoices(assetTypeEnumValues).map((c) => (c.value === 'aws' ? { ...c, label: 'AWS resource' } : c));
const SEVERITY = ['critical', 'high', 'medium', 'low'];
export const CRITICALITY_CHOICES = toChoices([...criticalityEnumValues].sort((a, b) => SEVERITY.indexOf(a) - SEVERITY.indexOf(b)));
export const CLASSIFICATION_CHOICES = toChoices(dataClassificationEnumValues);
export const PROTECTION_CHOICES = toChoices(protectionNeedEnumValues);
export const ENVIRONMENT_CHOICES = toChoices(environmentEnumValues);
export const ACCOUNT_TYPE_CHOICES = toChoices(accountTypeEnumValues);
export const DISCOVERY_INTERVAL_CHOICES = toChoices(discoveryIntervalEnumValues);
export const ROLE_CHOICES = toChoices(roleEnumValues);
/** Hand-entered assets: every type but AWS (those come from discovery). */
export const MANUAL_ASSET_TYPE_CHOICES = ASSET_TYPE_CHOICES.filter((c) => c.value !== 'aws');
export const CHANGE_ACTION_CHOICES = toChoices(assetChangeActionEnumValues);
export const AUDIT_EVENT_CHOICES = toChoices(eventEnumValues);

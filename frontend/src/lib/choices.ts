/** Select options built from the enum values generated out of the OpenAPI schema. */
import {
  accountTypeEnumValues,
  assetAssetTypeEnumValues,
  assetBriefAssetTypeEnumValues,
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

export const ASSET_TYPE_CHOICES = toChoices(assetBriefAssetTypeEnumValues).map((c) => (c.value === 'aws' ? { ...c, label: 'AWS resource' } : c));
const SEVERITY = ['critical', 'high', 'medium', 'low'];
export const CRITICALITY_CHOICES = toChoices([...criticalityEnumValues].sort((a, b) => SEVERITY.indexOf(a) - SEVERITY.indexOf(b)));
export const CLASSIFICATION_CHOICES = toChoices(dataClassificationEnumValues);
export const PROTECTION_CHOICES = toChoices(protectionNeedEnumValues);
export const ENVIRONMENT_CHOICES = toChoices(environmentEnumValues);
export const ACCOUNT_TYPE_CHOICES = toChoices(accountTypeEnumValues);
export const DISCOVERY_INTERVAL_CHOICES = toChoices(discoveryIntervalEnumValues);
export const ROLE_CHOICES = toChoices(roleEnumValues);
export const MANUAL_ASSET_TYPE_CHOICES = toChoices(assetAssetTypeEnumValues);
export const CHANGE_ACTION_CHOICES = toChoices(assetChangeActionEnumValues);
export const AUDIT_EVENT_CHOICES = toChoices(eventEnumValues);

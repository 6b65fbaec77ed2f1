/**
 * The asset list's state lives in the URL query string, which is also exactly what the API list,
 * the exports and bulk actions receive. These pure helpers read and change it.
 */
export const LIST_FILTERS = [
  'asset_type',
  'service',
  'resource_type',
  'status',
  'criticality',
  'data_classification',
  'account',
  'region',
  'category',
  'environment',
  'owner',
  'department',
  'confidentiality',
  'integrity',
  'availability',
] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];
export type FilterMode = 'include' | 'exclude';

export const MISSING_OPTIONS = ['owner', 'department', 'category', 'criticality', 'classification', 'review'] as const;
export const FLAG_FILTERS = ['personal_data', 'gdpr_relevant', 'backup_enabled', 'monitoring_enabled'] as const;
export const DATE_FILTERS = ['first_seen_after', 'first_seen_before', 'last_seen_after', 'last_seen_before'] as const;
export const HIDDEN_STATUSES = ['REMOVED', 'DECOMMISSIONED'];
export const DEFAULT_PAGE_SIZE = 50;

/** Parameters that are not filters: changing a filter keeps them (except page, which resets). */
const VIEW_PARAMS = new Set(['page', 'page_size', 'ordering']);

const paramName = (field: string, mode: FilterMode) => (mode === 'include' ? field : `${field}_exclude`);

export function listValues(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

export function filterMode(params: URLSearchParams, field: string, value: string): FilterMode | null {
  if (listValues(params, paramName(field, 'include')).includes(value)) return 'include';
  if (listValues(params, paramName(field, 'exclude')).includes(value)) return 'exclude';
  return null;
}

function setList(params: URLSearchParams, name: string, values: string[]) {
  if (values.length) params.set(name, values.join(','));
  else params.delete(name);
}

/** Clicking "include" (or "exclude") on a value toggles it there and takes it out of the other list. */
export function toggleFilterValue(current: URLSearchParams, field: string, value: string, mode: FilterMode): URLSearchParams {
  const params = new URLSearchParams(current);
  const other: FilterMode = mode === 'include' ? 'exclude' : 'include';
  const target = listValues(params, paramName(field, mode));
  const next = target.includes(value) ? target.filter((v) => v !== value) : [...target, value];
  setList(params, paramName(field, mode), next);
  setList(params, paramName(field, other), listValues(params, paramName(field, other)).filter((v) => v !== value));
  params.delete('page');
  return params;
}

/** Sets (or, with an empty value, removes) one parameter; any change but paging goes back to page 1. */
export function setParam(current: URLSearchParams, name: string, value: string | null | undefined): URLSearchParams {
  const params = new URLSearchParams(current);
  if (value === null || value === undefined || value === '') params.delete(name);
  else params.set(name, value);
  if (name !== 'page') params.delete('page');
  return params;
}

export function addTag(current: URLSearchParams, tag: string, mode: FilterMode = 'include'): URLSearchParams {
  const params = new URLSearchParams(current);
  const name = mode === 'include' ? 'tag' : 'tag_exclude';
  const trimmed = tag.trim();
  if (trimmed && !params.getAll(name).includes(trimmed)) params.append(name, trimmed);
  params.delete('page');
  return params;
}

export function removeTag(current: URLSearchParams, tag: string, mode: FilterMode = 'include'): URLSearchParams {
  const params = new URLSearchParams();
  const name = mode === 'include' ? 'tag' : 'tag_exclude';
  for (const [key, value] of current) if (!(key === name && value === tag)) params.append(key, value);
  params.delete('page');
  return params;
}

export function toggleMissing(current: URLSearchParams, what: string): URLSearchParams {
  const values = listValues(current, 'missing');
  const next = values.includes(what) ? values.filter((v) => v !== what) : [...values, what];
  const params = new URLSearchParams(current);
  setList(params, 'missing', next);
  params.delete('page');
  return params;
}

/** Drops every filter, keeping page size and ordering. */
export function clearFilters(current: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of current) if (VIEW_PARAMS.has(key) && key !== 'page') params.append(key, value);
  return params;
}

export function activeFilterCount(params: URLSearchParams): number {
  let count = 0;
  for (const [key] of params) if (!VIEW_PARAMS.has(key)) count++;
  return count;
}

/** Removed and decommissioned assets show when include_removed is set or the status filter names them. */
export function showsRemoved(params: URLSearchParams): boolean {
  return params.get('include_removed') === 'true' || listValues(params, 'status').some((s) => HIDDEN_STATUSES.includes(s));
}

export function pageOf(params: URLSearchParams): number {
  const page = Number(params.get('page'));
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function pageSizeOf(params: URLSearchParams): number {
  const size = Number(params.get('page_size'));
  return Number.isInteger(size) && size > 0 ? Math.min(size, 500) : DEFAULT_PAGE_SIZE;
}

/** The query string without paging, for saved views and "select all matching" bulk actions. */
export function filterQuery(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  copy.delete('page');
  copy.delete('page_size');
  return copy.toString();
}

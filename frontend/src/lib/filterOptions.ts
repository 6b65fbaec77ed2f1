import { humanize } from './format';

export interface FilterOption {
  value: string;
  label: string;
  count?: number;
}

function toOption(item: unknown): FilterOption | null {
  if (typeof item === 'string' || typeof item === 'number') {
    const value = String(item);
    return value ? { value, label: value } : null;
  }
  if (!item || typeof item !== 'object') return null;
  const record = item as Record<string, unknown>;
  const raw = record.value ?? record.id ?? record.key ?? record.code;
  if (raw === undefined || raw === null || raw === '') return null;
  const label = record.label ?? record.name ?? record.display ?? raw;
  const count = typeof record.count === 'number' ? record.count : undefined;
  return { value: String(raw), label: String(label), count };
}

/**
 * The filter-options endpoint answers {field: values}; values may be plain strings or
 * {value, label, count} objects (accounts and categories need a label besides their id).
 */
export function normalizeOptions(raw: unknown): Record<string, FilterOption[]> {
  const result: Record<string, FilterOption[]> = {};
  if (!raw || typeof raw !== 'object') return result;
  for (const [field, values] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(values)) continue;
    result[field] = values.map(toOption).filter((option): option is FilterOption => option !== null);
  }
  return result;
}

const UPPER = /^[A-Z_]+$/;

/** Enum values read better humanized ("DECOMMISSIONED" → "Decommissioned", "on_premise" → "On premise"). */
export function optionLabel(option: FilterOption): string {
  if (option.label !== option.value) return option.label;
  if (UPPER.test(option.value)) return humanize(option.value.toLowerCase());
  if (/^[a-z]+(_[a-z]+)+$/.test(option.value)) return humanize(option.value);
  return option.label;
}

import { ApiError, errorMessage, type FieldErrors } from '@/api/client';

/** Splits an API error into messages for known fields and one message for the rest. */
export function splitErrors(error: unknown, fields: readonly string[]): { fieldErrors: FieldErrors; formError: string | null } {
  if (!error) return { fieldErrors: {}, formError: null };
  if (!(error instanceof ApiError)) return { fieldErrors: {}, formError: errorMessage(error) };
  const fieldErrors: FieldErrors = {};
  const other: string[] = [];
  for (const [field, messages] of Object.entries(error.errors)) {
    if (fields.includes(field)) fieldErrors[field] = messages;
    else other.push(...messages);
  }
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  const formError = other.length ? other.join(' ') : hasFieldErrors ? null : error.detail;
  return { fieldErrors, formError };
}

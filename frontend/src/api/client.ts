/**
 * The one HTTP client of the SPA: session cookie + CSRF header, the API's error shape parsed into
 * ApiError, and a 401 sends the browser to the login page with `next` set to where it was.
 */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldErrors;
  readonly body: unknown;

  constructor(status: number, detail: string, errors: FieldErrors = {}, body: unknown = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.body = body;
  }
}

export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'X-CSRFToken';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

let csrfRequest: Promise<void> | null = null;

/** Makes sure the csrftoken cookie exists before an unsafe request (Django sets it on this GET). */
async function ensureCsrfCookie(): Promise<void> {
  if (readCookie(CSRF_COOKIE)) return;
  csrfRequest ??= fetch('/api/auth/csrf/', { credentials: 'same-origin' })
    .then(() => undefined)
    .catch(() => undefined)
    .finally(() => {
      csrfRequest = null;
    });
  await csrfRequest;
}

export function currentLocation(): string {
  return `${window.location.pathname}${window.location.search}${window.location.hash}`;
}

export function loginPath(next: string = currentLocation()): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

export function redirectToLogin() {
  if (window.location.pathname === '/login') return;
  window.location.assign(loginPath());
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'The request was not valid.',
  401: 'Your session has ended. Please sign in again.',
  403: "You don't have permission to do that.",
  404: 'Not found.',
  409: 'This conflicts with the current state. Reload and try again.',
  429: 'Too many requests. Please wait a moment and try again.',
  503: 'The service is temporarily unavailable.',
};

function toFieldErrors(value: unknown): FieldErrors {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const errors: FieldErrors = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) errors[field] = messages.map((message) => String(message));
    else if (messages && typeof messages === 'object') errors[field] = Object.values(messages).flat().map(String);
    else if (messages !== undefined && messages !== null) errors[field] = [String(messages)];
  }
  return errors;
}

export async function parseError(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const detail =
    typeof record.detail === 'string' && record.detail
      ? record.detail
      : (STATUS_MESSAGES[response.status] ?? `Request failed (${response.status}).`);
  return new ApiError(response.status, detail, toFieldErrors(record.errors), body);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** false for calls that expect 401 as an answer (who am I?) rather than a lost session. */
  redirectOn401?: boolean;
}

export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  const isForm = options.body instanceof FormData;
  if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  const body: BodyInit | undefined =
    options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body);
  if (!SAFE_METHODS.has(method)) {
    await ensureCsrfCookie();
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }

  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }

  if (response.status === 401 && options.redirectOn401 !== false) redirectToLogin();
  if (!response.ok) throw await parseError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Path plus query string; accepts a ready query string or a record (empty values dropped). */
export function withQuery(
  path: string,
  query?: string | URLSearchParams | Record<string, string | number | boolean | null | undefined>,
): string {
  if (query === undefined) return path;
  let search: string;
  if (typeof query === 'string') search = query.replace(/^\?/, '');
  else if (query instanceof URLSearchParams) search = query.toString();
  else {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    search = params.toString();
  }
  return search ? `${path}?${search}` : path;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** Paginated lists answer {count, next, previous, results}. */
export interface Page<T> {
  count: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

/** Some endpoints answer a plain array, others a page; callers that need all rows use this. */
export function rowsOf<T>(data: Page<T> | T[] | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.results;
}

/** Only same-site paths are followed after login (never "//evil.example" or "https://…"). */
export function safeNext(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.startsWith('/login')) return fallback;
  return value;
}

export function ssoUrl(base: string | null | undefined, next: string): string {
  const url = new URL(base || '/oidc/authenticate/', window.location.origin);
  url.searchParams.set('next', next);
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.toString();
}

import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { server } from '@/test/server';
import { ApiError, apiFetch, loginPath, withQuery } from './client';

function stubLocation(path: string) {
  const assign = vi.fn();
  const url = new URL(path, 'http://localhost');
  vi.stubGlobal('location', { ...window.location, pathname: url.pathname, search: url.search, hash: '', origin: url.origin, assign });
  return assign;
}

describe('apiFetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the csrftoken cookie as X-CSRFToken on unsafe requests, with the session cookie', async () => {
    document.cookie = 'csrftoken=abc123; path=/';
    let seen: { csrf: string | null; contentType: string | null; body: unknown } | null = null;
    server.use(
      http.post('/api/assets/', async ({ request }) => {
        seen = { csrf: request.headers.get('X-CSRFToken'), contentType: request.headers.get('Content-Type'), body: await request.json() };
        return HttpResponse.json({ id: 1 }, { status: 201 });
      }),
    );
    await expect(apiFetch('/api/assets/', { method: 'POST', body: { name: 'x' } })).resolves.toEqual({ id: 1 });
    expect(seen).toEqual({ csrf: 'abc123', contentType: 'application/json', body: { name: 'x' } });
  });

  it('fetches the CSRF cookie first when it is missing', async () => {
    const calls: string[] = [];
    server.use(
      http.get('/api/auth/csrf/', () => {
        calls.push('csrf');
        document.cookie = 'csrftoken=fresh; path=/';
        return HttpResponse.json({ csrfToken: 'fresh' });
      }),
      http.post('/api/auth/logout/', ({ request }) => {
        calls.push(`logout:${request.headers.get('X-CSRFToken')}`);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(apiFetch('/api/auth/logout/', { method: 'POST' })).resolves.toBeUndefined();
    expect(calls).toEqual(['csrf', 'logout:fresh']);
  });

  it('does not send the CSRF header on GET', async () => {
    document.cookie = 'csrftoken=abc123; path=/';
    let header: string | null = 'unset';
    server.use(
      http.get('/api/dashboard/', ({ request }) => {
        header = request.headers.get('X-CSRFToken');
        return HttpResponse.json({});
      }),
    );
    await apiFetch('/api/dashboard/');
    expect(header).toBeNull();
  });

  it('parses {detail, errors} into an ApiError', async () => {
    server.use(
      http.patch('/api/assets/5/', () =>
        HttpResponse.json({ detail: 'owner: Too long.', errors: { owner: ['Too long.'] } }, { status: 400 }),
      ),
    );
    const error = await apiFetch('/api/assets/5/', { method: 'PATCH', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, detail: 'owner: Too long.', errors: { owner: ['Too long.'] } });
  });

  it('falls back to a readable message when the body is not JSON', async () => {
    server.use(http.get('/api/assets/', () => new HttpResponse('<html>oops</html>', { status: 503 })));
    await expect(apiFetch('/api/assets/')).rejects.toMatchObject({ status: 503, detail: 'The service is temporarily unavailable.' });
  });

  it('redirects to the login page with next=<current location> on 401', async () => {
    const assign = stubLocation('/assets?service=ec2');
    server.use(http.get('/api/assets/', () => HttpResponse.json({ detail: 'Not authenticated.' }, { status: 401 })));
    await expect(apiFetch('/api/assets/')).rejects.toMatchObject({ status: 401 });
    expect(assign).toHaveBeenCalledWith('/login?next=%2Fassets%3Fservice%3Dec2');
  });

  it('does not redirect when the caller expects 401 as an answer', async () => {
    const assign = stubLocation('/');
    server.use(http.get('/api/auth/me/', () => HttpResponse.json({ detail: 'Not authenticated.' }, { status: 401 })));
    await expect(apiFetch('/api/auth/me/', { redirectOn401: false })).rejects.toMatchObject({ status: 401 });
    expect(assign).not.toHaveBeenCalled();
  });
});

describe('helpers', () => {
  it('builds query strings and login paths', () => {
    expect(withQuery('/api/x/', { a: 1, b: '', c: null, d: 'z' })).toBe('/api/x/?a=1&d=z');
    expect(withQuery('/api/x/', '?q=1')).toBe('/api/x/?q=1');
    expect(withQuery('/api/x/', '')).toBe('/api/x/');
    expect(loginPath('/')).toBe('/login');
    expect(loginPath('/assets/3')).toBe('/login?next=%2Fassets%2F3');
  });
});

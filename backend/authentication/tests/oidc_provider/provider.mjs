// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for Cloudtally's SSO tests.
//
// It does the genuine authorization-code flow: /auth → interaction (login) → consent (granted
// automatically) → redirect with code → /token (client_secret_post) → id token signed RS256 with a key
// generated at start-up, published at /jwks → /me (userinfo).
//
// Headless login: the authorize step redirects to /interaction/<uid>. GET shows a tiny HTML form (for a
// browser); POST /interaction/<uid>/login with form fields `username` and optional `claims` (a JSON
// object) signs that user in. The claims are remembered per username and override the defaults
// (email, email_verified, name, given_name, family_name, preferred_username, groups; `sub` is the username), so a test decides what the provider
// asserts, e.g. {"groups": ["cloudtally-admins"], "email_verified": false}.
//
// Environment: PORT (default 0 = any free port), CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS (comma list),
// POST_LOGOUT_REDIRECT_URIS (comma list). Listens on 127.0.0.1 only. When ready it prints one JSON line
// to stdout: {"ready": true, "issuer": "http://127.0.0.1:<port>", "port": <port>}.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const list = (value, fallback) => (value || fallback).split(',').map((s) => s.trim()).filter(Boolean);

const CLIENT_ID = process.env.CLIENT_ID || 'cloudtally';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'cloudtally-test-client-secret';
const REDIRECT_URIS = list(process.env.REDIRECT_URIS, 'http://testserver/oidc/callback/');
const POST_LOGOUT_REDIRECT_URIS = list(process.env.POST_LOGOUT_REDIRECT_URIS, 'http://testserver/login');

const accounts = new Map(); // username -> claim overrides

function claimsFor(username) {
  return {
    email: `${username}@example.com`,
    email_verified: true,
    name: `${username} Example`,
    given_name: username,
    family_name: 'Example',
    preferred_username: username,
    groups: [],
    ...(accounts.get(username) || {}),
    sub: username, // the provider's subject is the account id
  };
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 100_000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.end(body);
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, clientId) {
  return `<!doctype html><html><head><title>Test IdP sign-in</title></head><body>
<h1>Test identity provider</h1><p>Signing in to ${escapeHtml(clientId)}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Username <input name="username" autofocus required></label>
<label>Claims (JSON, optional) <textarea name="claims"></textarea></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function grantConsent(provider, req, res, details) {
  const { prompt, grantId, session, params } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const result = { consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

async function handleInteraction(provider, req, res, url) {
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch', 'text/plain');
  if (req.method === 'GET') {
    if (details.prompt.name === 'consent') return grantConsent(provider, req, res, details);
    return send(res, 200, loginPage(uid, details.params.client_id));
  }
  if (req.method === 'POST' && action === 'login') {
    const body = await readBody(req);
    const username = (body.get('username') || '').trim();
    if (!username) return send(res, 400, 'username is required', 'text/plain');
    const claims = body.get('claims');
    if (claims) accounts.set(username, JSON.parse(claims));
    const result = { login: { accountId: username } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return send(res, 405, 'method not allowed', 'text/plain');
}

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: REDIRECT_URIS,
        post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomUUID()] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => claimsFor(id) }),
    pkce: { required: () => false },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const url = new URL(req.url, issuer);
    if (!url.pathname.startsWith('/interaction/')) return callback(req, res);
    handleInteraction(provider, req, res, url).catch((err) => {
      if (!res.headersSent) send(res, 400, `interaction failed: ${err.message}`, 'text/plain');
    });
    return undefined;
  });
  process.stdout.write(`${JSON.stringify({ ready: true, issuer, port })}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

// A real OAuth 2.0 / OpenID Connect server (the `oidc-provider` package) on loopback, for
// Vouch's connect-flow tests (tests/api/oauth_e2e.rs). Not a fake: codes, PKCE, client
// authentication, refresh tokens and token validation are oidc-provider's own.
//
//   node tests/oidc/server.mjs --redirect-base http://127.0.0.1:PORT [--port 0] [--exit-with-stdin]
//
// --redirect-base: Vouch's public URL; each client's only redirect URI is
//   {base}/oauth/callback/{network}.
// --port: where to listen on 127.0.0.1 (0, the default, picks a free port).
// --exit-with-stdin: stop when standard input closes (the test holds it open, so an
//   interrupted test run leaves no server behind).
//
// Prints one line `ready ISSUER` on stdout once it serves.
//
// oidc-provider 8 (package-lock.json), not 9: 9 needs Node.js 20.19+, while 8 also runs on
// the Node.js 18 that Debian 12's own packages install (what `.ci/run` falls back to).
//
// Clients (ids and secrets are test constants, repeated in the Rust test):
// - vouch-x: as X's OAuth 2.0: confidential, HTTP Basic client authentication
//   (client_secret_basic), PKCE S256 required, a refresh token with `offline.access`,
//   rotated on every refresh.
// - vouch-linkedin: as LinkedIn's web flow: the secret in the form body
//   (client_secret_post), no PKCE, a refresh token always (LinkedIn's approved partners),
//   kept across refreshes.
// - vouch-x-public: as X's public clients: no secret (token_endpoint_auth_method none), PKCE
//   only; otherwise as vouch-x.
//
// One user, who signs in on the login page with `ada` / `correct horse`.
// Besides oidc-provider's own endpoints (discovery at /.well-known/openid-configuration), it
// serves the profile endpoints Vouch's connectors call with the access token, each checking
// the token with oidc-provider itself:
// - GET /v2/userinfo: LinkedIn's path for OIDC userinfo; it *is* oidc-provider's userinfo.
// - GET /2/users/me: X's shape, `{"data":{"id","name","username"}}`, needs `users.read`.

import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_PORT ?? '0' },
    'redirect-base': { type: 'string', default: process.env.OIDC_REDIRECT_BASE },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!args['redirect-base']) {
  console.error('usage: node server.mjs --redirect-base http://127.0.0.1:PORT [--port 0]');
  process.exit(2);
}
const redirectBase = args['redirect-base'].replace(/\/+$/, '');

const USER = {
  login: 'ada',
  password: 'correct horse',
  sub: 'ada-1815',
  name: 'Ada Lovelace',
  username: 'ada_lovelace',
};

// Scopes the networks use: oidc-provider keeps only the scopes it knows in a grant.
const SCOPES = [
  'openid', 'offline_access', 'profile',
  'w_member_social',
  'tweet.read', 'tweet.write', 'users.read', 'offline.access',
];

const CLIENTS = [
  {
    client_id: 'vouch-x',
    client_secret: 'vouch-x-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [`${redirectBase}/oauth/callback/x`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    client_id: 'vouch-x-public',
    token_endpoint_auth_method: 'none',
    redirect_uris: [`${redirectBase}/oauth/callback/x`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    client_id: 'vouch-linkedin',
    client_secret: 'vouch-linkedin-secret',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [`${redirectBase}/oauth/callback/linkedin`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
];
const X_CLIENTS = new Set(['vouch-x', 'vouch-x-public']);

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const account = {
  accountId: USER.sub,
  async claims() {
    return { sub: USER.sub, name: USER.name, preferred_username: USER.username };
  },
};

const findAccount = (id) => (id === USER.sub ? account : undefined);

const provider = new Provider(issuer, {
  clients: CLIENTS,
  scopes: SCOPES,
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  findAccount: async (_ctx, id) => findAccount(id),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  routes: { userinfo: '/v2/userinfo' },
  pkce: { required: (_ctx, client) => X_CLIENTS.has(client.clientId) },
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed('refresh_token')
    && (!X_CLIENTS.has(client.clientId) || code.scopes.has('offline.access')),
  // X's refresh tokens are single use (a new one with every refresh); LinkedIn's are kept.
  rotateRefreshToken: (ctx) => X_CLIENTS.has(ctx.oidc.client.clientId),
  features: {
    // Our own login and consent pages below, not the development ones.
    devInteractions: { enabled: false },
    // Revoking a token at /token/revocation is how a test has the server end a grant.
    revocation: { enabled: true },
  },
  cookies: { keys: ['vouch-oidc-test-cookie-key-not-a-secret'] },
  // Development signing keys are fine: nothing here checks an ID token's signature.
});
// Plain http on loopback is what the tests use.
provider.proxy = false;
// Why a request was refused, on stderr (the tests show it when they fail).
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'server_error']) {
  provider.on(event, (_ctx, err) => {
    console.error(`${event}: ${err.error ?? err.name}: ${err.error_description ?? err.message}`
      + `${err.error_detail ? ` (${err.error_detail})` : ''}`);
  });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html><meta charset=utf-8><title>${escape(title)}</title>${body}`);
}

function json(res, status, value) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(value));
}

async function form(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

function abortForm(uid) {
  return `<form id="abort" method="post" action="/interaction/${uid}/abort">`
    + '<button>Cancel</button></form>';
}

function loginPage(res, uid, error) {
  page(res, error ? 401 : 200, 'Sign in', `<h1>Sign in</h1>${error ? `<p role=alert>${escape(error)}</p>` : ''}`
    + `<form id="login" method="post" action="/interaction/${uid}/login">`
    + '<input name="login" autocomplete="username"> <input name="password" type="password">'
    + `<button>Sign in</button></form>${abortForm(uid)}`);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    return page(res, 400, 'Error', '<p>This sign-in is not the current one.</p>');
  }
  const { prompt, params, session } = details;
  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return loginPage(res, uid);
    const scopes = String(params.scope ?? '').split(' ').filter(Boolean);
    return page(res, 200, 'Allow access', `<h1>Allow ${escape(params.client_id)}?</h1>`
      + `<ul>${scopes.map((s) => `<li>${escape(s)}</li>`).join('')}</ul>`
      + `<form id="consent" method="post" action="/interaction/${uid}/confirm">`
      + `<button>Allow</button></form>${abortForm(uid)}`);
  }
  if (req.method !== 'POST') return page(res, 405, 'Error', '<p>Method not allowed.</p>');
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'login' && prompt.name === 'login') {
    const body = await form(req);
    if (body.get('login') !== USER.login || body.get('password') !== USER.password) {
      return loginPage(res, uid, 'Wrong login or password.');
    }
    return provider.interactionFinished(req, res, { login: { accountId: USER.sub } }, {
      mergeWithLastSubmission: false,
    });
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, {
      mergeWithLastSubmission: true,
    });
  }
  return page(res, 400, 'Error', `<p>Nothing to ${escape(action)} at the ${escape(prompt.name)} step.</p>`);
}

// X's profile endpoint, answering as X does (RFC 7807 errors) for a token oidc-provider issued.
async function xUsersMe(req, res) {
  const problem = (status, title, detail) => json(res, status, {
    title, detail, type: 'about:blank', status,
  });
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer && await provider.AccessToken.find(bearer);
  if (!token || !token.isValid) return problem(401, 'Unauthorized', 'Unauthorized');
  if (!token.scopes.has('users.read')) {
    return problem(403, 'Forbidden', 'Missing scope users.read');
  }
  const found = findAccount(token.accountId);
  if (!found) return problem(401, 'Unauthorized', 'Unknown user');
  const claims = await found.claims('userinfo', token.scope, {}, []);
  return json(res, 200, {
    data: { id: claims.sub, name: claims.name, username: claims.preferred_username },
  });
}

// oidc-provider takes the secret from either place whichever method a client registered; the
// networks do not (X: HTTP Basic for confidential clients; LinkedIn: the form body), so the
// token endpoint here holds each client to its registered method first.
async function strictClientAuth(req, res) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  req.body = raw; // oidc-provider reads an already read body from here
  const params = new URLSearchParams(raw);
  const authorization = req.headers.authorization ?? '';
  const basic = /^basic /i.test(authorization);
  const clientId = basic
    ? decodeURIComponent(Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0].replace(/\+/g, ' '))
    : params.get('client_id');
  const client = CLIENTS.find((c) => c.client_id === clientId);
  if (!client) return true;
  let used = 'none';
  if (basic) used = 'client_secret_basic';
  else if (params.has('client_secret')) used = 'client_secret_post';
  if (used === client.token_endpoint_auth_method) return true;
  const description = `${clientId} authenticates with ${client.token_endpoint_auth_method}, not ${used}`;
  console.error(`grant.error: invalid_client: ${description}`);
  json(res, 401, { error: 'invalid_client', error_description: description });
  return false;
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const { pathname } = new URL(req.url, issuer);
    const step = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/.exec(pathname);
    if (step) return await interaction(req, res, step[1], step[2]);
    if (pathname === '/2/users/me' && req.method === 'GET') return await xUsersMe(req, res);
    if (pathname === '/token' && req.method === 'POST' && !(await strictClientAuth(req, res))) return undefined;
    return callback(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) page(res, err.statusCode ?? 500, 'Error', `<p>${escape(err.message)}</p>`);
    else res.end();
  }
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
process.on('SIGTERM', () => process.exit(0));

console.log(`ready ${issuer}`);

#!/usr/bin/env node
// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// Test OpenID provider for the PAM module tests: oidc-provider with the
// OAuth 2.0 Device Authorization Grant (RFC 8628), HTTPS on 127.0.0.1 only.
// See README.md for the flags.  Test-only state is exposed at GET /test/stats.
import { createHash, createPublicKey, generateKeyPair, randomBytes, sign as cryptoSign } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { loadTls, makeLog, parseServerFlags, readBody, stopOnSignals, writeReady } from './common.mjs';

// start loading the provider while the options are checked and the socket opens
const providerModule = import('oidc-provider');
providerModule.catch(() => {});
const { log, die, since } = makeLog('idp', 'server.mjs');

// ---------------------------------------------------------------- options
// --tamper MODE (TEST ONLY, see makeTamper below and README.md)
const TAMPER_MODES = [
  'bad-signature', 'payload-tampered', 'alg-none', 'alg-none-sig', 'hs256-pubkey', 'alg-mismatch',
  'unknown-kid', 'key-rotation', 'iss-case', 'iss-slash', 'aud-other',
  'aud-multi-no-azp', 'azp-other', 'exp-past', 'exp-within-leeway', 'nbf-future',
  'iat-future', 'crit-unknown', 'typ-at+jwt', 'dup-claims', 'sub-nul',
  'username-control', 'username-long', 'rsa-1024', 'ec-off-curve', 'jwks-oct',
];
const { opts, intOpt } = parseServerFlags(die, {
  mount: { type: 'string', default: '' },
  interval: { type: 'string' },
  'device-ttl': { type: 'string', default: '600' },
  'slow-down': { type: 'string', default: '0' },
  alg: { type: 'string', default: 'RS256' },
  'user-code-charset': { type: 'string', default: 'base-20' },
  conform: { type: 'boolean', default: false },
  accounts: { type: 'string' },
  tamper: { type: 'string' },
}, `usage: node server.mjs --tls-dir DIR --ready-file FILE [--cert NAME] [--port N]
  [--mount /path] [--interval N] [--device-ttl SECONDS] [--slow-down N]
  [--alg RS256|PS256|ES256|EdDSA] [--user-code-charset base-20|digits] [--conform]
  [--accounts FILE] [--max-lifetime SECONDS] [--tamper MODE]
TEST ONLY: --tamper MODE rewrites the id_token of device_code token answers
(and for some modes the JWKS) to forge or break it; MODE is one of
  ${TAMPER_MODES.join(' ')}`);
const PORT = intOpt('port', 0);
const INTERVAL = opts.interval === undefined ? undefined : intOpt('interval', 0);
const DEVICE_TTL = intOpt('device-ttl', 1);
const SLOW_DOWN = intOpt('slow-down', 0);
const MAX_LIFETIME = intOpt('max-lifetime', 0);
const ALG = opts.alg;
if (!['RS256', 'PS256', 'ES256', 'EdDSA'].includes(ALG)) die('--alg must be RS256, PS256, ES256 or EdDSA');
const TAMPER = opts.tamper;
if (TAMPER !== undefined && !TAMPER_MODES.includes(TAMPER)) die(`--tamper must be one of: ${TAMPER_MODES.join(' ')}`);
const CHARSET = opts['user-code-charset'];
if (!['base-20', 'digits'].includes(CHARSET)) die('--user-code-charset must be base-20 or digits');
let MOUNT = opts.mount;
if (MOUNT) {
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(MOUNT)) die('--mount must be a path like /oidc');
  MOUNT = MOUNT.replace(/\/+$/, '');
  if (MOUNT === '/test' || MOUNT.startsWith('/test/')) die('--mount must not be under /test');
}

const tls = loadTls(opts, die);

// ---------------------------------------------------------------- accounts
const opaqueSub = (name) => createHash('sha256').update(`pod:${name}`).digest('hex').slice(0, 32);
const GROUPS = { alice: ['admins', 'users'], bob: ['users'], carol: [] };
let accountOverrides = {};
if (opts.accounts) {
  try {
    accountOverrides = JSON.parse(fs.readFileSync(opts.accounts, 'utf8'));
    if (!accountOverrides || typeof accountOverrides !== 'object' || Array.isArray(accountOverrides)) {
      throw new Error('top level must be a JSON object: name -> claims');
    }
  } catch (e) {
    die(`--accounts ${opts.accounts}: ${e.message}`);
  }
}

function claimsFor(name) {
  const c = {
    sub: opaqueSub(name),
    preferred_username: name,
    name,
    email: `${name}@example.test`,
    email_verified: true,
    groups: Object.hasOwn(GROUPS, name) ? GROUPS[name] : ['users'],
  };
  const extra = Object.hasOwn(accountOverrides, name) ? accountOverrides[name] : {};
  for (const [k, v] of Object.entries(extra || {})) {
    if (v === null) delete c[k]; // null in the accounts file removes a claim
    else c[k] = v;
  }
  return c;
}

// claims the accounts file adds beyond the standard ones are released with
// the profile scope (so they reach the ID token)
const STD_PROFILE = ['preferred_username', 'name', 'groups'];
const STD_EMAIL = ['email', 'email_verified'];
const extraClaimNames = new Set();
for (const extra of Object.values(accountOverrides)) {
  for (const k of Object.keys(extra || {})) {
    if (k !== 'sub' && !STD_PROFILE.includes(k) && !STD_EMAIL.includes(k)) extraClaimNames.add(k);
  }
}

// The accountId (and so the "sub" claim: oidc-provider always sets sub to
// the accountId) is opaque; remember which login name it stands for.
const nameBySub = new Map();
function accountIdFor(name) {
  const c = claimsFor(name);
  const sub = typeof c.sub === 'string' && c.sub !== '' ? c.sub : opaqueSub(name);
  nameBySub.set(sub, name);
  return sub;
}

async function findAccount(ctx, id) {
  if (typeof id !== 'string' || !nameBySub.has(id)) return undefined;
  const name = nameBySub.get(id);
  return {
    accountId: id,
    async claims() { return { ...claimsFor(name), sub: id }; },
  };
}

// ---------------------------------------------------------------- signing key
function jwkThumbprint(jwk) {
  const req = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }[jwk.kty];
  const obj = {};
  for (const k of req) obj[k] = jwk[k];
  return createHash('sha256').update(JSON.stringify(obj)).digest('base64url');
}

// generated in the thread pool while the provider module loads
async function makeSigningKey(alg) {
  const gen = promisify(generateKeyPair);
  let pair;
  if (alg === 'RS256' || alg === 'PS256') pair = await gen('rsa', { modulusLength: 2048 });
  else if (alg === 'ES256') pair = await gen('ec', { namedCurve: 'P-256' });
  else pair = await gen('ed25519');
  const jwk = pair.privateKey.export({ format: 'jwk' });
  return { ...jwk, alg, use: 'sig', kid: jwkThumbprint(jwk) };
}
const signingKeyPromise = makeSigningKey(ALG);
signingKeyPromise.catch(() => {});

// ---------------------------------------------------------------- storage
// In-memory adapter.  Unlike the built-in one it keeps records for an hour
// past their expiry, so an expired device_code is answered with
// "expired_token" (the provider checks expiry itself) instead of
// "invalid_grant" once the record would have been evicted.
const RETAIN_S = 3600;
const store = new Map(); // key -> { value, until }
const storeGet = (k) => {
  const e = store.get(k);
  if (!e) return undefined;
  if (e.until !== undefined && e.until <= Date.now()) { store.delete(k); return undefined; }
  return e.value;
};
const storeSet = (k, value, expiresIn) => {
  store.set(k, { value, until: typeof expiresIn === 'number' ? Date.now() + (expiresIn + RETAIN_S) * 1000 : undefined });
};
setInterval(() => { for (const k of store.keys()) storeGet(k); }, 60_000).unref();

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

class TestAdapter {
  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    storeSet(key, payload, expiresIn);
    if (this.model === 'Session' && payload.uid) storeSet(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) storeSet(`userCode:${payload.userCode}`, id, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const gk = `grant:${payload.grantId}`;
      const members = storeGet(gk) || new Set();
      members.add(key);
      storeSet(gk, members, undefined);
    }
  }

  async find(id) { return storeGet(this.key(id)); }

  async findByUserCode(userCode) {
    const id = storeGet(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUid(uid) {
    const id = storeGet(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const v = storeGet(this.key(id));
    if (v) v.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    const gk = `grant:${grantId}`;
    const members = storeGet(gk);
    if (members) for (const k of members) store.delete(k);
    store.delete(gk);
  }
}

// ---------------------------------------------------------------- device pages
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const STYLE = 'body{font-family:sans-serif;margin:25px}.c{padding:0 40px 10px;width:300px;background:#f7f7f7;margin:0 auto;border-radius:2px;box-shadow:0 2px 2px rgba(0,0,0,.3)}h1{font-weight:200;text-align:center}p.red{color:#d50000}input[type=text]{width:100%;height:40px;font-size:16px;text-align:center;text-transform:uppercase;box-sizing:border-box;margin-bottom:10px}button{width:100%;height:36px;margin-bottom:10px}code{font-size:1.8em}';
const page = (title, body) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><div class="c"><h1>${esc(title)}</h1>
${body}
</div></body></html>`;

function inputErrorMessage(err) {
  if (!err) return '<p>Enter the code displayed on your device</p>';
  const kind = esc(err.name || 'Error');
  let text;
  switch (err.name) {
    case 'NotFoundError': text = 'The code you entered is incorrect. Try again'; break;
    case 'NoCodeError': text = 'The code you entered is incorrect. Try again'; break;
    case 'ExpiredError': text = 'The code you entered has expired. Try again'; break;
    case 'AlreadyUsedError': text = 'The code you entered has already been used. Try again'; break;
    case 'AbortedError': text = 'The Sign-in request was interrupted'; break;
    default: text = 'There was an error processing your request';
  }
  return `<p class="red" id="op.error" data-error="${kind}">${esc(text)}</p>`;
}

async function userCodeInputSource(ctx, form, out, err) {
  ctx.body = page('Sign-in', `${inputErrorMessage(err)}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

async function userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
  const display = esc(client.clientName || client.clientId);
  ctx.body = page('Confirm Device', `<p><strong>${display}</strong><br><br>
The following code should be displayed on your device<br><br>
<code id="op.userCode">${esc(userCode)}</code><br><br>
<small>If you did not start this, or the code does not match, click abort.</small></p>
${form}
<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button>`);
}

async function successSource(ctx) {
  const display = ctx.oidc.client.clientName ? ` with ${esc(ctx.oidc.client.clientName)}` : '';
  ctx.body = page('Sign-in Success', `<p id="op.success">Your sign-in${display} was successful, you can now close this page.</p>`);
}

// ---------------------------------------------------------------- login/consent
// Our own minimal interactions (like oidc-provider's devInteractions, which
// cannot give an opaque accountId): any login name, any or no password.
async function readForm(req) {
  return Object.fromEntries(new URLSearchParams((await readBody(req)).toString('utf8')));
}

function loginPage(submitUrl, abortUrl, client, hint, error) {
  return page('Sign-in', `${error ? `<p class="red" id="op.error">${esc(error)}</p>` : ''}
<p>${esc(client.clientName || client.clientId)} wants you to sign in.<br><small>Any login name works; the password is ignored.</small></p>
<form autocomplete="off" action="${esc(submitUrl)}" method="post">
<input type="hidden" name="prompt" value="login"/>
<input required type="text" name="login" placeholder="Enter any login"${hint ? ` value="${esc(hint)}"` : ' autofocus'}/>
<input type="password" name="password" placeholder="and any password"/>
<button type="submit">Sign-in</button>
</form>
<p><a id="op.abort" href="${esc(abortUrl)}">[ Cancel ]</a></p>`);
}

function consentPage(submitUrl, abortUrl, client, details) {
  const scopes = (details.missingOIDCScope || []).filter((x) => x !== 'openid');
  const claims = (details.missingOIDCClaims || []).filter((x) => !['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss'].includes(x));
  return page('Authorize', `<p>${esc(client.clientName || client.clientId)} asks for:</p>
<ul>${scopes.map((x) => `<li>scope ${esc(x)}</li>`).join('')}${claims.map((x) => `<li>claim ${esc(x)}</li>`).join('')}</ul>
<form autocomplete="off" action="${esc(submitUrl)}" method="post">
<input type="hidden" name="prompt" value="consent"/>
<button autofocus type="submit">Continue</button>
</form>
<p><a id="op.abort" href="${esc(abortUrl)}">[ Cancel ]</a></p>`);
}

function interactionMiddleware(provider) {
  return async (ctx, next) => {
    const m = ctx.path.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/abort)?$/);
    if (!m) { await next(); return; }
    ctx.set('cache-control', 'no-store');
    const base = `${MOUNT}/interaction/${m[1]}`;
    const finish = async (result, merge) => {
      const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
      ctx.redirect(to);
      ctx.status = 303;
    };
    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== m[1]) throw new Error('interaction id mismatch');
      const client = await provider.Client.find(details.params.client_id);
      if (!client) throw new Error('client not found');
      const { prompt } = details;

      if (m[2]) {
        if (ctx.method !== 'GET') { ctx.status = 405; return; }
        await finish({ error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
        return;
      }
      if (ctx.method === 'GET') {
        ctx.type = 'html';
        if (prompt.name === 'login') ctx.body = loginPage(base, `${base}/abort`, client, details.params.login_hint);
        else if (prompt.name === 'consent') ctx.body = consentPage(base, `${base}/abort`, client, prompt.details);
        else ctx.throw(501, `prompt ${prompt.name} not implemented`);
        return;
      }
      if (ctx.method !== 'POST') { ctx.status = 405; return; }
      const form = await readForm(ctx.req);
      if (form.prompt === 'login' && prompt.name === 'login') {
        const name = form.login ?? '';
        if (name === '') {
          ctx.type = 'html';
          ctx.body = loginPage(base, `${base}/abort`, client, '', 'Enter a login name');
          return;
        }
        await finish({ login: { accountId: accountIdFor(name) } }, false);
        return;
      }
      if (form.prompt === 'consent' && prompt.name === 'consent') {
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        const d = prompt.details;
        if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
        if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
        if (d.missingResourceScopes) {
          for (const [indicator, sc] of Object.entries(d.missingResourceScopes)) grant.addResourceScope(indicator, sc.join(' '));
        }
        await finish({ consent: { grantId: await grant.save() } }, true);
        return;
      }
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error', `<p class="red" id="op.error">unexpected form submission (prompt ${esc(form.prompt)}, expected ${esc(prompt.name)})</p>`);
    } catch (err) {
      if (err.status && err.status !== 500 && err.expose === false) throw err;
      ctx.status = err.statusCode || err.status || 400;
      ctx.type = 'html';
      ctx.body = page('Error', `<p class="red" id="op.error">${esc(err.error_description || err.message)}</p>`);
    }
  };
}

// ---------------------------------------------------------------- stats
const stats = { requests: 0, device_requests: 0, token_polls: [], discovery: 0, jwks: 0, userinfo: 0, api_connections: 0 };
let slowDownLeft = SLOW_DOWN;

const ROUTES = {
  device_authorization: '/device/auth',
  code_verification: '/device',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/me',
};
const API_PATHS = new Set(['/.well-known/openid-configuration', ROUTES.device_authorization,
  ROUTES.token, ROUTES.jwks, ROUTES.userinfo]);
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// ---------------------------------------------------------------- tamper (TEST ONLY)
// --tamper MODE forges or breaks the ID token after oidc-provider made it,
// so that the module's tests can show it rejects each kind (README.md has
// the list).  The token is rewritten with jose (oidc-provider's own
// dependency) and, where the case needs a valid signature, signed with the
// provider's real key.  Some modes also change what GET /jwks serves.
// Nothing here runs without --tamper.
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const jsonB64u = (obj) => b64u(JSON.stringify(obj));
const fromB64uJson = (seg) => JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
const randomKid = (prefix) => `${prefix}-${randomBytes(8).toString('hex')}`;
const publicJwk = (jwk) => {
  const pub = { ...jwk };
  for (const k of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) delete pub[k];
  return pub;
};

async function makeTamper(mode, realJwk) {
  const jose = await import('jose');
  const gen = promisify(generateKeyPair);
  const realKey = await jose.importJWK(realJwk, realJwk.alg);
  const realPem = createPublicKey({ key: publicJwk(realJwk), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const realIsRsa = realJwk.kty === 'RSA';
  const t = { mode, jwksServed: 0, extraKeys: [], extraKeysAfterFirst: [] };

  // sign PAYLOAD (bytes or object) under HEADER with jose (options: jose sign options)
  const sign = async (header, payload, key, options) => {
    const bytes = payload instanceof Uint8Array ? payload
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
    return new jose.CompactSign(bytes).setProtectedHeader(header).sign(key, options);
  };
  // a fresh key pair: jose key objects plus the public JWK with kid and alg
  const freshKey = async (kind, alg, kid) => {
    const pair = kind === 'ec' ? await gen('ec', { namedCurve: 'P-256' })
      : await gen('rsa', { modulusLength: kind === 'rsa-1024' ? 1024 : 2048 });
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
    return { ...pair, jwk };
  };

  let fresh;
  switch (mode) {
    case 'alg-mismatch':
      // a real signature with a key of the other type, under the real kid
      fresh = await freshKey(realIsRsa ? 'ec' : 'rsa', realIsRsa ? 'ES256' : 'RS256', realJwk.kid);
      break;
    case 'unknown-kid':
      fresh = await freshKey('rsa', 'RS256', randomKid('unknown'));
      break;
    case 'key-rotation':
      fresh = await freshKey('rsa', 'RS256', randomKid('rotated'));
      t.extraKeysAfterFirst.push(fresh.jwk);
      break;
    case 'rsa-1024':
      fresh = await freshKey('rsa-1024', 'RS256', randomKid('rsa1024'));
      t.extraKeys.push(fresh.jwk);
      break;
    case 'ec-off-curve': {
      fresh = await freshKey('ec', 'ES256', randomKid('offcurve'));
      // the same x with another y: not on P-256 (checked: OpenSSL refuses it)
      const y = Buffer.from(fresh.jwk.y, 'base64url');
      for (let i = 1; ; i++) {
        const y2 = Buffer.from(y);
        y2[y2.length - 1] ^= i;
        const bad = { ...fresh.jwk, y: b64u(y2) };
        let onCurve = true;
        try { createPublicKey({ key: bad, format: 'jwk' }); } catch { onCurve = false; }
        if (!onCurve) { t.extraKeys.push(bad); break; }
        if (i === 255) throw new Error('could not make an off-curve point');
      }
      break;
    }
    case 'jwks-oct': {
      const secret = randomBytes(32);
      fresh = { secret, jwk: { kty: 'oct', k: b64u(secret), alg: 'HS256', use: 'sig', kid: randomKid('oct') } };
      t.extraKeys.push(fresh.jwk);
      break;
    }
    default:
      break;
  }

  // The JWKS route sets ctx.body = { keys } (the provider's own array):
  // answer a new object, never change that array.
  t.onJwks = (body) => {
    t.jwksServed += 1;
    const extra = [...t.extraKeys, ...(t.jwksServed > 1 ? t.extraKeysAfterFirst : [])];
    if (extra.length === 0 || !body || !Array.isArray(body.keys)) return body;
    return { ...body, keys: [...body.keys, ...extra] };
  };

  t.onIdToken = async (idToken) => {
    const [h64, p64, s64] = idToken.split('.');
    const header = fromB64uJson(h64);
    const claims = fromB64uJson(p64);
    const now = Math.floor(Date.now() / 1000);
    const user = typeof claims.preferred_username === 'string' ? claims.preferred_username : 'alice';
    const resign = (h, c, options) => sign(h, c, realKey, options);
    switch (mode) {
      case 'bad-signature': {
        const sig = Buffer.from(s64, 'base64url');
        sig[sig.length >> 1] ^= 0x01;
        return `${h64}.${p64}.${b64u(sig)}`;
      }
      case 'payload-tampered':
        // someone else's approval made into root's; the signature is kept
        return `${h64}.${jsonB64u({ ...claims, preferred_username: 'root' })}.${s64}`;
      case 'alg-none':
        return `${jsonB64u({ ...header, alg: 'none' })}.${p64}.`;
      case 'alg-none-sig':
        // alg none, but the old signature left in place (not empty)
        return `${jsonB64u({ ...header, alg: 'none' })}.${p64}.${s64}`;
      case 'hs256-pubkey':
        // the verifier's own public key (PEM) as the HMAC secret
        return sign({ ...header, alg: 'HS256' }, claims, Buffer.from(realPem, 'utf8'));
      case 'alg-mismatch':
      case 'unknown-kid':
      case 'key-rotation':
        return sign({ ...header, alg: fresh.jwk.alg, kid: fresh.jwk.kid }, claims, fresh.privateKey);
      case 'rsa-1024': {
        // jose refuses RSA under 2048 bits: node:crypto signs (RS256)
        const input = `${jsonB64u({ ...header, alg: 'RS256', kid: fresh.jwk.kid })}.${p64}`;
        return `${input}.${b64u(cryptoSign('sha256', Buffer.from(input), fresh.privateKey))}`;
      }
      case 'ec-off-curve':
        return sign({ ...header, alg: 'ES256', kid: fresh.jwk.kid }, claims, fresh.privateKey);
      case 'jwks-oct':
        return sign({ ...header, alg: 'HS256', kid: fresh.jwk.kid }, claims, fresh.secret);
      case 'iss-case':
        return resign(header, { ...claims, iss: claims.iss.toUpperCase() });
      case 'iss-slash':
        return resign(header, { ...claims, iss: `${claims.iss}/` });
      case 'aud-other':
        return resign(header, { ...claims, aud: 'pod-secret' });
      case 'aud-multi-no-azp': {
        const c = { ...claims, aud: [claims.aud, 'pod-secret'].flat() };
        delete c.azp;
        return resign(header, c);
      }
      case 'azp-other':
        return resign(header, { ...claims, azp: 'pod-secret' });
      case 'exp-past':
        return resign(header, { ...claims, iat: now - 900, exp: now - 300 });
      case 'exp-within-leeway':
        return resign(header, { ...claims, iat: now - 630, exp: now - 30 });
      case 'nbf-future':
        return resign(header, { ...claims, nbf: now + 600 });
      case 'iat-future':
        return resign(header, { ...claims, iat: now + 600, exp: now + 4200 });
      case 'crit-unknown':
        return resign({ ...header, crit: ['x-unknown'], 'x-unknown': true }, claims, { crit: { 'x-unknown': true } });
      case 'typ-at+jwt':
        return resign({ ...header, typ: 'at+jwt' }, claims);
      case 'dup-claims': {
        // "sub" twice in the signed bytes: an attacker's first, the real one last
        const rest = JSON.stringify(claims).slice(1);
        return resign(header, `{"sub":"${opaqueSub('mallory')}",${rest}`);
      }
      case 'sub-nul':
        // JSON.stringify writes U+0000 as the escape \u0000
        return resign(header, { ...claims, preferred_username: `${user}\u0000x` });
      case 'username-control':
        return resign(header, { ...claims, preferred_username: `${user}\u001b[31m` });
      case 'username-long':
        return resign(header, { ...claims, preferred_username: user + 'x'.repeat(300 - user.length) });
      default:
        throw new Error(`tamper mode ${mode} not implemented`);
    }
  };
  return t;
}

function tamperMiddleware(t) {
  return async (ctx, next) => {
    await next();
    if (ctx.method === 'GET' && ctx.path === ROUTES.jwks && ctx.status === 200) {
      ctx.body = t.onJwks(ctx.body);
      log(`tamper ${t.mode}: JWKS answer ${t.jwksServed} served`);
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== ROUTES.token || ctx.status !== 200) return;
    const raw = ctx.req.body;
    const grantType = Buffer.isBuffer(raw) ? new URLSearchParams(raw.toString('utf8')).get('grant_type') : undefined;
    if (grantType !== DEVICE_GRANT || !ctx.body || typeof ctx.body.id_token !== 'string') return;
    ctx.body = { ...ctx.body, id_token: await t.onIdToken(ctx.body.id_token) };
    log(`tamper ${t.mode}: id_token rewritten`);
  };
}

// ---------------------------------------------------------------- server
const state = { callback: null, issuer: null };

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function logLine(req, res, started) {
  // path only: query strings may carry codes; bodies (tokens) are never logged
  const p = (req.originalUrl || req.url).split('?')[0];
  res.on('finish', () => log(`${req.method} ${p} -> ${res.statusCode} (${(performance.now() - started).toFixed(1)}ms)`));
}

const server = https.createServer(tls, (req, res) => {
  const started = performance.now();
  logLine(req, res, started);
  const url = req.url || '/';
  if (url === '/test' || url.startsWith('/test/') || url.startsWith('/test?')) {
    const p = url.split('?')[0];
    if (req.method === 'GET' && p === '/test/stats') return sendJson(res, 200, stats);
    return sendJson(res, 404, { error: 'not_found' });
  }
  stats.requests += 1;
  if (!state.callback) return sendJson(res, 503, { error: 'temporarily_unavailable' });
  if (MOUNT) {
    if (url === MOUNT || url.startsWith(`${MOUNT}/`) || url.startsWith(`${MOUNT}?`)) {
      req.originalUrl = url;
      let rest = url.slice(MOUNT.length);
      if (!rest.startsWith('/')) rest = `/${rest}`;
      req.url = rest;
    } else {
      return sendJson(res, 404, { error: 'not_found', error_description: `the provider is mounted at ${MOUNT}` });
    }
  }
  return state.callback(req, res);
});
server.keepAliveTimeout = 5000;
server.headersTimeout = 10000;
server.requestTimeout = 15000;

stopOnSignals([server], log, MAX_LIFETIME);

server.on('error', (e) => { console.error(`server.mjs: ${e.message}`); process.exit(1); });

server.listen(PORT, '127.0.0.1', async () => {
  try {
    const port = server.address().port;
    const issuer = `https://127.0.0.1:${port}${MOUNT}`;
    const { default: Provider } = await providerModule;

    const signingKey = await signingKeyPromise;
    const clientCommon = {
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      response_types: [],
      redirect_uris: [],
      id_token_signed_response_alg: ALG,
    };
    const provider = new Provider(issuer, {
      adapter: TestAdapter,
      clients: [
        { ...clientCommon, client_id: 'pod-test', client_name: 'PAM OIDC test (public)', token_endpoint_auth_method: 'none' },
        {
          ...clientCommon, client_id: 'pod-secret', client_name: 'PAM OIDC test (confidential)',
          client_secret: 'pod-secret-value-0123456789', token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      findAccount,
      scopes: ['openid', 'offline_access', 'profile', 'email'],
      claims: {
        acr: null, sid: null, auth_time: null, iss: null,
        openid: ['sub'],
        profile: [...STD_PROFILE, ...extraClaimNames],
        email: STD_EMAIL,
      },
      conformIdTokenClaims: opts.conform,
      routes: ROUTES,
      interactions: { url: (ctx, interaction) => `${MOUNT}/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        deviceFlow: {
          enabled: true,
          charset: CHARSET,
          mask: CHARSET === 'digits' ? '***-***-***' : '****-****',
          userCodeInputSource,
          userCodeConfirmSource,
          successSource,
        },
        revocation: { enabled: true },
        introspection: { enabled: true },
      },
      clientBasedCORS: () => false,
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        BackchannelAuthenticationRequest: 600,
        ClientCredentials: 600,
        DeviceCode: DEVICE_TTL,
        Grant: 14 * 24 * 3600,
        IdToken: 3600,
        Interaction: 3600,
        PreAuthorizedCode: 600,
        RefreshToken: 14 * 24 * 3600,
        Session: 14 * 24 * 3600,
      },
    });

    // counting, slow_down injection and the optional interval
    provider.use(async (ctx, next) => {
      const p = ctx.path;
      if (ctx.method === 'GET' && p === '/.well-known/openid-configuration') stats.discovery += 1;
      if (ctx.method === 'GET' && p === ROUTES.jwks) stats.jwks += 1;
      if (p === ROUTES.userinfo) stats.userinfo += 1;
      // The connections the module's requests came over (not the
      // approver's pages), for the benchmark's connections per login.
      if (API_PATHS.has(p) && !ctx.req.socket.podApi) {
        ctx.req.socket.podApi = true;
        stats.api_connections += 1;
      }

      if (ctx.method === 'POST' && p === ROUTES.device_authorization) {
        stats.device_requests += 1;
        await next();
        if (INTERVAL !== undefined && ctx.status === 200 && ctx.body && typeof ctx.body === 'object' && ctx.body.device_code) {
          ctx.body.interval = INTERVAL;
        }
        return;
      }

      if (ctx.method === 'POST' && p === ROUTES.token && ctx.is('application/x-www-form-urlencoded')) {
        // read the body here (the provider then uses req.body) to see the grant type
        let raw;
        try {
          raw = await readBody(ctx.req);
        } catch {
          ctx.status = 400;
          ctx.body = { error: 'invalid_request', error_description: 'failed to read the request body' };
          return;
        }
        ctx.req.body = raw;
        const grantType = new URLSearchParams(raw.toString('utf8')).get('grant_type');
        if (grantType !== DEVICE_GRANT) { await next(); return; }
        const t = since();
        if (slowDownLeft > 0) {
          slowDownLeft -= 1;
          ctx.status = 400;
          ctx.set('cache-control', 'no-store');
          ctx.body = { error: 'slow_down', error_description: 'injected by the test provider (--slow-down)' };
          stats.token_polls.push({ t, status: 400, error: 'slow_down' });
          return;
        }
        try {
          await next();
        } finally {
          const err = ctx.body && typeof ctx.body === 'object' && typeof ctx.body.error === 'string' ? ctx.body.error : null;
          stats.token_polls.push({ t, status: ctx.status, error: err });
          log(`device_code poll -> ${ctx.status} ${err || 'tokens issued'}`);
        }
        return;
      }
      await next();
    });

    // TEST ONLY: forge or break the ID token (and the JWKS) after the provider made them
    if (TAMPER !== undefined) provider.use(tamperMiddleware(await makeTamper(TAMPER, signingKey)));

    provider.use(interactionMiddleware(provider));

    provider.on('server_error', (ctx, err) => log('server_error:', err));

    state.callback = provider.callback();
    state.issuer = issuer;

    writeReady(opts['ready-file'], { issuer, port });
    log(`listening: issuer ${issuer} alg ${ALG} kid ${signingKey.kid} cert ${opts.cert} device-ttl ${DEVICE_TTL}`
      + `${INTERVAL !== undefined ? ` interval ${INTERVAL}` : ''}${SLOW_DOWN ? ` slow-down ${SLOW_DOWN}` : ''}`
      + `${TAMPER !== undefined ? ` TAMPER ${TAMPER}` : ''}`);
  } catch (e) {
    console.error('server.mjs: start-up failed:', e);
    process.exit(1);
  }
});

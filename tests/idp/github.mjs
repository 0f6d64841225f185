#!/usr/bin/env node
// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// github.mjs -- a local GitHub-like OAuth provider for the PAM module's
// tests, written from GitHub's documentation of the device flow
// ("Authorizing OAuth apps", section "Device flow") and of the REST API's
// GET /user.  GitHub has no OpenID Connect: no discovery, no ID token, no
// JWKS.  It speaks HTTPS (certificates from mkca.sh) on 127.0.0.1.
//
//   node github.mjs --tls-dir DIR --ready-file FILE [--port N] [--cert NAME]
//        [--client-id ID] [--interval N] [--device-ttl N]
//        [--slow-down N [--slow-down-interval S]] [--disabled]
//        [--token-error CODE] [--users FILE] [--no-rate-limit]
//        [--max-lifetime S]
//
// Routes (https://127.0.0.1:PORT):
//   POST /login/device/code          device_code, user_code, verification_uri,
//                                    expires_in, interval
//   POST /login/oauth/access_token   token polling; every answer is HTTP 200,
//                                    errors included (GitHub's way)
//   GET  /user                       the user API (Bearer or "token" auth)
//   GET  /login/device               the verification page (a form for the code)
//   POST /login/device               the code -> the authorization form
//   POST /login/device/authorize     login=NAME and authorize=approve|deny
//   GET  /test/stats                 test-only, never counted (see README.md)
//
// The OAuth endpoints answer form-encoded (application/x-www-form-urlencoded)
// unless the request has Accept: application/json, as GitHub does.  The
// README.md beside this file documents the flags and the stats.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { loadTls, makeLog, parseServerFlags, stopOnSignals, withBody, writeReady } from './common.mjs';

const { log, die, since: now } = makeLog('github', 'github.mjs'); // now(): ms since start
const { opts, intOpt } = parseServerFlags(die, {
  'client-id': { type: 'string', default: 'pod-github' },
  interval: { type: 'string', default: '5' },
  'device-ttl': { type: 'string', default: '900' },
  'slow-down': { type: 'string', default: '0' },
  'slow-down-interval': { type: 'string', default: '0' },
  disabled: { type: 'boolean', default: false },
  'token-error': { type: 'string' },
  users: { type: 'string' },
  'no-rate-limit': { type: 'boolean', default: false },
}, `usage: node github.mjs --tls-dir DIR --ready-file FILE [--port N] [--cert NAME]
  [--client-id ID] [--interval N] [--device-ttl N] [--slow-down N [--slow-down-interval S]]
  [--disabled] [--token-error CODE] [--users FILE] [--no-rate-limit] [--max-lifetime S]`);
const INTERVAL = intOpt('interval', 1);
const DEVICE_TTL = intOpt('device-ttl', 1);
const SLOW_DOWN = intOpt('slow-down', 0);
const SLOW_DOWN_INTERVAL = intOpt('slow-down-interval', 0); // 0: the last interval + 5
const LIFETIME = intOpt('max-lifetime', 0);
// GitHub's documented error codes of the token endpoint.
const TOKEN_ERRORS = ['authorization_pending', 'slow_down', 'expired_token', 'unsupported_grant_type',
  'incorrect_client_credentials', 'incorrect_device_code', 'access_denied', 'device_flow_disabled'];
if (opts['token-error'] !== undefined && !TOKEN_ERRORS.includes(opts['token-error'])) {
  die(`--token-error must be one of ${TOKEN_ERRORS.join(', ')}`);
}
const RATE_SLACK_MS = 100; // polls this much early still count as on time

const tls = loadTls(opts, die);

// ------------------------------------------------------------------ users
// Any login name of GitHub's shape signs in.  alice, bob and carol have
// fixed ids (the tests map "12345 alice"); other names get an id from a
// hash.  --users FILE: JSON {login: {field: value|null}} overrides fields
// (null removes one).
const FIXED_IDS = { alice: 12345, bob: 23456, carol: 34567 };
let overrides = {};
if (opts.users) {
  try {
    overrides = JSON.parse(fs.readFileSync(opts.users, 'utf8'));
  } catch (e) {
    die(`cannot read --users ${opts.users}: ${e.message}`);
  }
}
const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function userOf(login) {
  const id = FIXED_IDS[login] ?? 100000 + (parseInt(createHash('sha256').update(`gh:${login}`).digest('hex').slice(0, 8), 16) % 900000);
  const u = {
    login,
    id,
    node_id: `U_${Buffer.from(`04:User${id}`).toString('base64url')}`,
    avatar_url: `https://avatars.example.test/u/${id}?v=4`,
    html_url: `https://github.example.test/${login}`,
    type: 'User',
    site_admin: false,
    name: login.charAt(0).toUpperCase() + login.slice(1),
    company: null,
    blog: '',
    location: null,
    email: `${login}@example.test`,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 2,
    public_gists: 0,
    followers: 1,
    following: 0,
    created_at: '2011-01-25T18:44:36Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
  for (const [k, v] of Object.entries(overrides[login] || {})) {
    if (v === null) delete u[k];
    else u[k] = v;
  }
  return u;
}

// ------------------------------------------------------------------ state
const stats = {
  requests: 0,          // every request except /test/*
  device_requests: [],  // {t, status, error, accept, user_agent, format, client_id, scope}
  token_polls: [],      // {t, status, error, interval, accept, user_agent, format}
  user_api: [],         // {t, status, accept, user_agent, auth}
  approvals: [],        // {t, login, decision}
};
const devices = new Map(); // device_code -> record
const byUserCode = new Map(); // user_code -> device_code
const sessions = new Map(); // authorization form session -> device_code
const tokens = new Map(); // access_token -> login
let origin = '';

const USER_CODE_CHARS = 'BCDFGHJKLMNPQRSTVWXZ';
function newUserCode() {
  for (;;) {
    const b = randomBytes(8);
    const s = [...b].map((x) => USER_CODE_CHARS[x % USER_CODE_CHARS.length]).join('');
    const code = `${s.slice(0, 4)}-${s.slice(4)}`;
    if (!byUserCode.has(code)) return code;
  }
}
const normalizeCode = (s) => {
  const c = String(s || '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return c.length === 8 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
};

// ------------------------------------------------------------------ http
const header = (req, name) => {
  const v = req.headers[name];
  return v === undefined ? null : String(v);
};
const wantsJson = (req) => /\bapplication\/json\b/i.test(header(req, 'accept') || '');

function send(res, status, body, type) {
  const buf = Buffer.from(body);
  res.writeHead(status, {
    'content-type': type,
    'content-length': buf.length,
    'cache-control': 'no-store',
  });
  res.end(buf);
}
const sendJson = (res, status, obj) => send(res, status, JSON.stringify(obj), 'application/json; charset=utf-8');

// The OAuth endpoints: JSON when asked for, form-encoded otherwise.
function oauthAnswer(req, res, status, obj) {
  if (wantsJson(req)) {
    sendJson(res, status, obj);
    return 'json';
  }
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) form.append(k, String(v));
  send(res, status, form.toString(), 'application/x-www-form-urlencoded; charset=utf-8');
  return 'form';
}

const ERROR_TEXT = {
  authorization_pending: 'The authorization request is still pending.',
  slow_down: 'Too many requests have been made in the same timeframe.',
  expired_token: 'The device_code has expired.',
  unsupported_grant_type: 'The grant type is not supported.',
  incorrect_client_credentials: 'The client_id and/or client_secret passed are incorrect.',
  incorrect_device_code: 'The device_code provided is not valid.',
  access_denied: 'The authorization request was denied.',
  device_flow_disabled: 'Device Flow must be explicitly enabled for this App',
};
const oauthError = (error, extra = {}) => ({
  error,
  error_description: ERROR_TEXT[error] || error,
  error_uri: `https://docs.github.com/developers/apps/authorizing-oauth-apps#${error.replace(/_/g, '-')}`,
  ...extra,
});

// Request bodies: form-encoded, or JSON (GitHub takes both).
function bodyParams(req, body) {
  if (/application\/json/i.test(header(req, 'content-type') || '')) {
    try {
      const o = JSON.parse(body);
      return new URLSearchParams(Object.entries(o && typeof o === 'object' ? o : {}).map(([k, v]) => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(body);
}

// ------------------------------------------------------------- endpoints
function deviceCode(req, res, form) {
  const entry = {
    t: now(), status: 200, error: null, accept: header(req, 'accept'),
    user_agent: header(req, 'user-agent'), format: null,
    client_id: form.get('client_id'), scope: form.get('scope'),
  };
  stats.device_requests.push(entry);
  let answer;
  if (opts.disabled) {
    // What GitHub answers an app without the device flow (HTTP 400, seen
    // by octokit and others in the wild).
    entry.status = 400;
    answer = oauthError('device_flow_disabled');
  } else if (form.get('client_id') !== opts['client-id']) {
    entry.status = 400;
    answer = oauthError('incorrect_client_credentials');
  } else {
    const d = {
      device_code: randomBytes(20).toString('hex'),
      user_code: newUserCode(),
      client_id: form.get('client_id'),
      scope: (form.get('scope') || '').split(/[\s,]+/).filter(Boolean).join(','),
      issued: now(),
      expires: now() + DEVICE_TTL * 1000,
      interval: INTERVAL,
      last_poll: null,
      slow_downs: SLOW_DOWN,
      state: 'pending', // approved, denied, used
      login: null,
    };
    devices.set(d.device_code, d);
    byUserCode.set(d.user_code, d.device_code);
    answer = {
      device_code: d.device_code,
      user_code: d.user_code,
      verification_uri: `${origin}/login/device`,
      expires_in: DEVICE_TTL,
      interval: INTERVAL,
    };
  }
  if (entry.status !== 200) entry.error = answer.error;
  entry.format = oauthAnswer(req, res, entry.status, answer);
}

function accessToken(req, res, form) {
  const t = now();
  const entry = {
    t, status: 200, error: null, interval: null, accept: header(req, 'accept'),
    user_agent: header(req, 'user-agent'), format: null,
  };
  stats.token_polls.push(entry);
  const d = devices.get(form.get('device_code') || '');
  let answer;
  const fail = (error, extra) => { answer = oauthError(error, extra); };
  if (form.get('client_id') !== opts['client-id']) {
    fail('incorrect_client_credentials');
  } else if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code') {
    fail('unsupported_grant_type');
  } else if (!d || d.state === 'used' || d.client_id !== form.get('client_id')) {
    fail('incorrect_device_code');
  } else {
    const since = t - (d.last_poll ?? d.issued);
    const early = !opts['no-rate-limit'] && since < d.interval * 1000 - RATE_SLACK_MS;
    d.last_poll = t;
    if (opts['token-error']) {
      fail(opts['token-error'], opts['token-error'] === 'slow_down' ? { interval: (d.interval += 5) } : {});
    } else if (opts.disabled) {
      fail('device_flow_disabled');
    } else if (t > d.expires) {
      fail('expired_token');
    } else if (d.state === 'denied') {
      fail('access_denied');
    } else if (early) {
      // GitHub: polling faster than the interval adds 5 s to it.
      d.interval += 5;
      fail('slow_down', { interval: d.interval });
      log(`token poll ${Math.round(since)} ms after the last, interval ${d.interval - 5} s: slow_down`);
    } else if (d.slow_downs > 0) {
      d.slow_downs -= 1;
      d.interval = SLOW_DOWN_INTERVAL > 0 ? SLOW_DOWN_INTERVAL : d.interval + 5;
      fail('slow_down', { interval: d.interval });
    } else if (d.state === 'pending') {
      fail('authorization_pending');
    } else {
      d.state = 'used';
      const token = `gho_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
      tokens.set(token, d.login);
      answer = { access_token: token, token_type: 'bearer', scope: d.scope };
    }
  }
  if (answer.error) {
    entry.error = answer.error;
    if (answer.interval !== undefined) entry.interval = answer.interval;
  }
  entry.format = oauthAnswer(req, res, 200, answer);
}

function userApi(req, res) {
  const auth = header(req, 'authorization');
  const entry = {
    t: now(), status: 200, accept: header(req, 'accept'), user_agent: header(req, 'user-agent'),
    auth: auth === null ? 'none' : /^Bearer /i.test(auth) ? 'bearer' : /^token /i.test(auth) ? 'token' : 'other',
  };
  stats.user_api.push(entry);
  const docs = 'https://docs.github.com/rest/users/users#get-the-authenticated-user';
  if (!entry.user_agent) {
    entry.status = 403;
    return send(res, 403, 'Request forbidden by administrative rules. Please make sure your request has a ' +
      'User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). ' +
      'Check https://developer.github.com for other possible causes.\n', 'text/plain; charset=utf-8');
  }
  if (entry.auth === 'none') {
    entry.status = 401;
    return sendJson(res, 401, { message: 'Requires authentication', documentation_url: docs, status: '401' });
  }
  const token = auth.replace(/^(Bearer|token) +/i, '');
  if (!tokens.has(token)) {
    entry.status = 401;
    return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  }
  return sendJson(res, 200, userOf(tokens.get(token)));
}

// ------------------------------------------------------------------ pages
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body><main>
<h1>${esc(title)}</h1>
${body}
</main></body></html>
`;
const sendPage = (res, status, title, body) => send(res, status, page(title, body), 'text/html; charset=utf-8');

function codeForm(res, error, status = 200) {
  sendPage(res, status, 'Device Activation', `${error ? `<p class="error">${esc(error)}</p>\n` : ''}<p>Enter the code displayed on your device</p>
<form method="post" action="/login/device">
  <input type="text" name="user_code" autocomplete="off" required>
  <button type="submit">Continue</button>
</form>`);
}

function submitCode(res, form) {
  const code = normalizeCode(form.get('user_code'));
  const d = devices.get(byUserCode.get(code) || '');
  if (!d) return codeForm(res, 'Incorrect code. Please check the code and try again.');
  if (now() > d.expires) return codeForm(res, 'This code has expired. Please try again on your device.');
  if (d.state !== 'pending') return codeForm(res, 'This code has already been used.');
  const session = randomBytes(16).toString('hex');
  sessions.set(session, d.device_code);
  return sendPage(res, 200, 'Authorize pam_oauth_device test app', `<p>The device with code <code>${esc(d.user_code)}</code> wants access to your account.</p>
<form method="post" action="/login/device/authorize">
  <input type="hidden" name="session" value="${esc(session)}">
  <label>Sign in as <input type="text" name="login" autocomplete="username"></label>
  <button type="submit" name="authorize" value="approve">Authorize</button>
  <button type="submit" name="authorize" value="deny">Cancel</button>
</form>`);
}

function authorize(res, form) {
  const d = devices.get(sessions.get(form.get('session') || '') || '');
  const decision = form.get('authorize');
  const login = form.get('login') || '';
  if (!d) return codeForm(res, 'Your session has expired. Enter the code again.', 400);
  if (d.state !== 'pending') return codeForm(res, 'This code has already been used.', 400);
  if (now() > d.expires) return codeForm(res, 'This code has expired. Please try again on your device.', 400);
  if (decision === 'deny') {
    sessions.delete(form.get('session'));
    d.state = 'denied';
    stats.approvals.push({ t: now(), login: login || null, decision: 'deny' });
    return sendPage(res, 200, 'Access denied', '<p id="result" class="denied">Authorization was cancelled. You can close this window.</p>');
  }
  if (decision !== 'approve') return sendPage(res, 400, 'Bad request', '<p class="error">Choose Authorize or Cancel.</p>');
  if (!LOGIN_RE.test(login)) {
    return sendPage(res, 400, 'Sign in', '<p class="error">Incorrect username.</p>');
  }
  sessions.delete(form.get('session'));
  d.state = 'approved';
  d.login = login;
  stats.approvals.push({ t: now(), login, decision: 'approve' });
  return sendPage(res, 200, 'Congratulations, you\'re all set!', '<p id="result" class="approved">Your device is now connected.</p>');
}

// ----------------------------------------------------------------- server
function route(req, res, body) {
  const url = new URL(req.url, 'https://127.0.0.1');
  const p = url.pathname;
  if (req.method === 'GET' && p === '/test/stats') return sendJson(res, 200, stats);
  stats.requests += 1;
  log(req.method, p);
  if (req.method === 'POST' && p === '/login/device/code') return deviceCode(req, res, bodyParams(req, body));
  if (req.method === 'POST' && p === '/login/oauth/access_token') return accessToken(req, res, bodyParams(req, body));
  if (req.method === 'GET' && p === '/user') return userApi(req, res);
  if (req.method === 'GET' && p === '/login/device') return codeForm(res, null);
  if (req.method === 'POST' && p === '/login/device') return submitCode(res, new URLSearchParams(body));
  if (req.method === 'POST' && p === '/login/device/authorize') return authorize(res, new URLSearchParams(body));
  return sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}

const server = https.createServer(tls, withBody(route, log, (res) => sendJson(res, 500, { message: 'Server Error' })));
server.on('tlsClientError', (e) => log('TLS error:', e.code || e.message));
stopOnSignals([server], log, LIFETIME);

server.listen(Number(opts.port), '127.0.0.1', () => {
  const { port } = server.address();
  origin = `https://127.0.0.1:${port}`;
  writeReady(opts['ready-file'], {
    issuer: origin,
    origin,
    port,
    client_id: opts['client-id'],
    device_authorization_endpoint: `${origin}/login/device/code`,
    token_endpoint: `${origin}/login/oauth/access_token`,
    user_api: `${origin}/user`,
    verification_uri: `${origin}/login/device`,
  });
  log(`listening on ${origin} (client_id ${opts['client-id']}, interval ${INTERVAL} s, ` +
    `device ttl ${DEVICE_TTL} s${SLOW_DOWN ? `, slow_down x${SLOW_DOWN}` : ''}` +
    `${opts.disabled ? ', device flow disabled' : ''}${opts['token-error'] ? `, token error ${opts['token-error']}` : ''})`);
});

#!/usr/bin/env node
// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// hostile.mjs -- a deliberately broken "OpenID provider" for the PAM
// module's robustness tests.  It speaks real HTTP/1.1 over TLS (node's https
// module, certificates from mkca.sh) and serves a minimal but valid-looking
// discovery document, device authorization endpoint, token endpoint and
// JWKS, then breaks ONE of those answers as the chosen fault says.
//
//   node hostile.mjs --tls-dir DIR --ready-file FILE [--cert NAME] [--port N]
//                    [--fault NAME] [--max-lifetime S] [--list]
//
// Faults are picked per request path, so one process serves them all:
//   https://127.0.0.1:PORT/f/NAME   is an issuer whose answers carry fault NAME
//   https://127.0.0.1:PORT          is an issuer with the --fault fault (default "none")
// Under an issuer ISS: ISS/.well-known/openid-configuration, ISS/device/auth
// (POST), ISS/device (verification page), ISS/token (POST), ISS/jwks, and
// ISS/elsewhere/... (the target of the redirect faults: a valid document that
// must never be fetched).
//
// Test-only, never counted: GET /test/log/NAME (or /test/log for the root
// issuer) answers {"requests":[{"t":ms,"method","path","status","answer"}]}
// with t in ms since start; "path" is relative to the issuer.
// Successful logins are for alice: the ID token is signed RS256 with a key
// made at start-up and published in the JWKS (kid "hostile-1").
//
// The ready file gets {"issuer","port","pid","silent_port","faults":[...]}
// atomically once listening; silent_port accepts TCP and never answers (no
// TLS handshake either).  SIGTERM/SIGINT exit at once (hung connections do not delay it).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import * as https from 'node:https';
import * as net from 'node:net';
import { loadTls, makeLog, parseServerFlags, stopOnSignals, withBody, writeReady } from './common.mjs';

const { log, die, since: now } = makeLog('hostile', 'hostile.mjs'); // now(): ms since start

// ----------------------------------------------------------------- faults
// Each fault: disc (discovery answer), dev (device answer modifier),
// tok (token answers, one per poll, the last one repeats), jwks.
const CTL = '\u001b[2J\r\u0007\u202e\u009b\u2067'; // ESC[2J CR BEL RLO CSI(C1) RLI
const FAULTS = {
  none: {},
  // discovery
  hang: { disc: 'hang' },
  drip: { disc: 'drip' },
  oversize: { disc: 'oversize' },
  oversize_cl: { disc: 'oversize_cl' },
  cl_small: { disc: 'cl_small' },
  cl_huge: { disc: 'cl_huge' },
  cl_short: { disc: 'cl_short' },
  smuggle: { disc: 'smuggle', tok: ['denied'] },
  not_json: { disc: 'not_json' },
  garbage: { disc: 'garbage' },
  huge_headers: { disc: 'huge_headers' },
  dup_issuer: { disc: 'dup_issuer' },
  truncated: { disc: 'truncated' },
  deep: { disc: 'deep' },
  status500: { disc: 'status500' },
  issuer_mismatch: { disc: 'issuer_mismatch' },
  http_device: { disc: 'http_device' },
  ftp_token: { disc: 'ftp_token' },
  file_jwks: { disc: 'file_jwks' },
  redirect: { disc: 'redirect' },
  // device authorization
  dev_no_device_code: { dev: 'no_device_code' },
  dev_expires_string: { dev: 'expires_string' },
  dev_user_code_number: { dev: 'user_code_number' },
  dev_expires_negative: { dev: 'expires_negative' },
  dev_expires_huge: { dev: 'expires_huge', tok: ['pending'] },
  dev_interval_zero: { dev: 'interval_zero', tok: ['pending', 'pending', 'pending', 'ok'] },
  dev_no_interval: { dev: 'no_interval', tok: ['pending', 'ok'] },
  dev_interval_huge: { dev: 'interval_huge', tok: ['pending'] },
  dev_error_ctl: { dev: 'error_ctl' },
  dev_uri_ctl: { dev: 'uri_ctl', tok: ['denied_ctl'] },
  dev_code_ctl: { dev: 'code_ctl', tok: ['denied_ctl'] },
  dev_code_invisible: { dev: 'code_invisible', tok: ['denied_ctl'] },
  // token endpoint
  tok_no_access_token: { tok: ['no_access_token'] },
  tok_unknown_error: { tok: ['unknown_error'] },
  tok_error_ctl: { tok: ['error_ctl'] },
  tok_500x3: { tok: ['500', '500', '500', 'ok'] },
  tok_500_forever: { tok: ['500'] },
  tok_500_deadline: { tok: ['500'] },
  tok_bearer_lower: { tok: ['ok_lower'] },
  tok_denied: { tok: ['denied'] },
  tok_declined: { tok: ['declined'] },
  tok_github: { tok: ['pending200', 'ok'] },
  tok_google: { tok: ['pending428', 'ok'] },
  tok_not_json: { tok: ['not_json'] },
  tok_deep: { tok: ['deep'] },
  tok_redirect: { tok: ['redirect307'] },
  tok_hang: { tok: ['hang'] },
  // JWKS
  jwks_not_json: { jwks: 'not_json' },
};

// ---------------------------------------------------------------- options
const { opts, intOpt } = parseServerFlags(die, {
  fault: { type: 'string', default: 'none' },
  list: { type: 'boolean', default: false },
}, 'usage: node hostile.mjs --tls-dir DIR --ready-file FILE [--cert NAME] [--port N]\n' +
   '  [--fault NAME] [--max-lifetime S] [--list]', (o) => {
  if (o.list) {
    console.log(Object.keys(FAULTS).join('\n'));
    process.exit(0);
  }
});
if (!Object.hasOwn(FAULTS, opts.fault)) die(`unknown --fault ${opts.fault} (see --list)`);
const ROOT_FAULT = opts.fault;

const tls = loadTls(opts, die);

// ------------------------------------------------------------ signing key
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'hostile-1';
const JWKS = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] };
const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

function idToken(iss, clientId) {
  const t = Math.floor(Date.now() / 1000);
  const input = `${b64u({ alg: 'RS256', typ: 'JWT', kid: KID })}.${b64u({
    iss,
    sub: createHash('sha256').update('pod:alice').digest('hex').slice(0, 32),
    aud: clientId,
    iat: t,
    exp: t + 300,
    auth_time: t,
    preferred_username: 'alice',
    name: 'alice',
    email: 'alice@example.test',
    email_verified: true,
    groups: ['admins', 'users'],
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

// ------------------------------------------------------------------ state
const mounts = new Map(); // fault name -> { requests: [...] }
const devices = new Map(); // device_code -> { polls }
const record = (name) => {
  if (!mounts.has(name)) mounts.set(name, { requests: [] });
  return mounts.get(name).requests;
};

function discoveryDoc(iss) {
  return {
    issuer: iss,
    authorization_endpoint: `${iss}/auth`,
    device_authorization_endpoint: `${iss}/device/auth`,
    token_endpoint: `${iss}/token`,
    jwks_uri: `${iss}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
    scopes_supported: ['openid', 'profile', 'email'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'preferred_username', 'groups'],
  };
}

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);

function send(res, status, body, headers = {}) {
  const buf = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': buf.length,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(buf);
}

// A reply written straight to the TLS socket: node's HTTP layer would not
// let us lie about the length.  The connection is closed afterwards.
function raw(req, text, thenClose = true) {
  const sock = req.socket;
  sock.write(text, () => { if (thenClose) sock.destroy(); });
}

const hung = new Set();
function hang(req) {
  hung.add(req.socket);
  req.socket.on('close', () => hung.delete(req.socket));
}

function drip(req, res) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{');
  const timer = setInterval(() => res.write(' '), 100); // JSON whitespace forever
  req.socket.on('close', () => clearInterval(timer));
}

// ------------------------------------------------------------- endpoints
function serveDiscovery(req, res, iss, f) {
  const doc = discoveryDoc(iss);
  const ok = () => send(res, 200, doc);
  switch (f.disc || 'ok') {
    case 'ok': return ok();
    case 'hang': return hang(req);
    case 'drip': return drip(req, res);
    case 'oversize': { // chunked, no length: the client must cut it itself
      res.writeHead(200, { 'content-type': 'application/json' });
      const pad = 'x'.repeat(1024);
      res.write(`{"issuer":${JSON.stringify(iss)},"pad":"`);
      for (let i = 0; i < 300; i++) res.write(pad);
      return res.end('"}');
    }
    case 'oversize_cl': return send(res, 200, { ...doc, pad: 'x'.repeat(300 * 1024) });
    case 'cl_small': { // Content-Length 40, then 1 MiB of body
      const body = JSON.stringify({ ...doc, pad: 'y'.repeat(1024 * 1024) });
      return raw(req, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n${body}`);
    }
    case 'cl_huge': { // Content-Length 10 MB (over the cap), a short body, then close
      const body = JSON.stringify(doc);
      return raw(req, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n${body}`);
    }
    case 'cl_short': { // Content-Length 5000 (under the cap), a shorter body, then close
      const body = JSON.stringify(doc);
      return raw(req, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n${body}`);
    }
    case 'smuggle': { // an honest answer, then a second answer nobody asked for
      const fake = JSON.stringify({
        device_code: 'smuggled-device-code', user_code: 'SMUGGLED-CODE',
        verification_uri: 'https://127.0.0.1/smuggled', expires_in: 600, interval: 1,
      });
      res.on('finish', () => req.socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(fake)}\r\n\r\n${fake}`));
      return ok();
    }
    case 'garbage': // not HTTP at all
      return raw(req, 'SSH-2.0-OpenSSH_9.2 HOSTILE\r\n\u001b[2J\r\n\r\n');
    case 'huge_headers': { // 10 MiB of headers before a valid answer
      const body = JSON.stringify(doc);
      const line = `X-Pad: ${'h'.repeat(1000)}\r\n`;
      const sock = req.socket;
      sock.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`);
      let n = 0;
      const more = () => {
        while (n < 10240) {
          n++;
          if (!sock.write(line)) return sock.once('drain', more);
        }
        sock.write(`\r\n${body}`, () => sock.destroy());
      };
      sock.on('error', () => {});
      return more();
    }
    case 'dup_issuer': { // the right issuer, then another one: parsers differ on which wins
      const s = JSON.stringify(doc);
      return send(res, 200, `${s.slice(0, -1)},"issuer":"https://evil.example"}`, { 'content-type': 'application/json' });
    }
    case 'not_json': return send(res, 200, '<!DOCTYPE html><html><body>HOSTILE maintenance page</body></html>');
    case 'truncated': {
      const s = JSON.stringify(doc);
      return send(res, 200, s.slice(0, Math.floor(s.length / 2)), { 'content-type': 'application/json' });
    }
    case 'deep': return send(res, 200, { ...doc, x: JSON.parse(nested(100)) });
    case 'status500': return send(res, 500, '<html>HOSTILE internal error</html>');
    case 'issuer_mismatch': return send(res, 200, { ...doc, issuer: `${iss}-evil` });
    case 'http_device': return send(res, 200, { ...doc, device_authorization_endpoint: doc.device_authorization_endpoint.replace('https:', 'http:') });
    case 'ftp_token': return send(res, 200, { ...doc, token_endpoint: doc.token_endpoint.replace('https:', 'ftp:') });
    case 'file_jwks': return send(res, 200, { ...doc, jwks_uri: 'file:///etc/passwd' });
    case 'redirect':
      res.writeHead(302, { location: `${iss}/elsewhere/.well-known/openid-configuration`, 'content-length': 0 });
      return res.end();
    default: throw new Error(`unknown disc ${f.disc}`);
  }
}

function deviceAnswer(iss, kind) {
  const userCode = 'WDJB-MJHT';
  const d = {
    device_code: randomBytes(24).toString('base64url'),
    user_code: userCode,
    verification_uri: `${iss}/device`,
    verification_uri_complete: `${iss}/device?user_code=${userCode}`,
    expires_in: 600,
    interval: 1,
  };
  switch (kind || 'ok') {
    case 'ok': break;
    case 'no_device_code': delete d.device_code; break;
    case 'expires_string': d.expires_in = '600'; break;
    case 'user_code_number': d.user_code = 12345678; delete d.verification_uri_complete; break;
    case 'expires_negative': d.expires_in = -5; break;
    case 'expires_huge': d.expires_in = 1e12; break;
    case 'interval_zero': d.interval = 0; break;
    case 'no_interval': delete d.interval; break;
    case 'interval_huge': d.interval = 1e9; break;
    case 'uri_ctl':
      d.verification_uri = `${iss}/device${CTL}HOSTILE`;
      d.verification_uri_complete = `${iss}/device?user_code=${CTL}`;
      break;
    case 'code_ctl':
      d.user_code = `WDJB${CTL}MJHT`;
      d.verification_uri_complete = `${iss}/device?user_code=WDJB${CTL}`;
      break;
    case 'code_invisible': // zero-width space, word joiner, BOM, soft hyphen, a tag character
      d.user_code = 'WDJB\u200b\u2060\ufeff\u00ad\u{E0041}MJHT';
      delete d.verification_uri_complete;
      break;
    default: throw new Error(`unknown dev ${kind}`);
  }
  return d;
}

function serveDevice(req, res, iss, f, form) {
  if (f.dev === 'error_ctl') {
    return send(res, 400, { error: `invalid_client${CTL}`, error_description: `HOSTILE${CTL}description` });
  }
  const d = deviceAnswer(iss, f.dev);
  if (typeof d.device_code === 'string') devices.set(d.device_code, { polls: 0 });
  send(res, 200, d);
  return d;
}

function serveToken(req, res, iss, f, form) {
  const dev = devices.get(form.get('device_code') || '');
  if (!dev) {
    send(res, 400, { error: 'invalid_grant', error_description: 'unknown device_code' });
    return 'invalid_grant';
  }
  const script = f.tok || ['ok'];
  const kind = script[Math.min(dev.polls, script.length - 1)];
  dev.polls++;
  const tokens = (type) => ({
    access_token: randomBytes(24).toString('base64url'),
    token_type: type,
    expires_in: 3600,
    scope: 'openid profile email',
    id_token: idToken(iss, form.get('client_id') || 'pod-test'),
  });
  const err = (status, error, extra = {}) => send(res, status, { error, error_description: `${error} (mock)`, ...extra });
  switch (kind) {
    case 'ok': send(res, 200, tokens('Bearer')); break;
    case 'ok_lower': send(res, 200, tokens('bearer')); break;
    case 'pending': err(400, 'authorization_pending'); break;
    case 'pending200': err(200, 'authorization_pending', { error_uri: 'https://docs.github.com/' }); break;
    case 'pending428': err(428, 'authorization_pending'); break;
    case '500': send(res, 500, '<html><body>HOSTILE 500 Internal Server Error</body></html>'); break;
    case 'denied': err(400, 'access_denied'); break;
    case 'denied_ctl': send(res, 400, { error: 'access_denied', error_description: `HOSTILE${CTL}denied` }); break;
    case 'declined': err(400, 'authorization_declined'); break;
    case 'no_access_token': {
      const t = tokens('Bearer');
      delete t.access_token;
      send(res, 200, t);
      break;
    }
    case 'unknown_error': send(res, 400, { error: 'server_on_fire', error_description: 'HOSTILE unknown error' }); break;
    case 'error_ctl': send(res, 400, { error: `weird${CTL}`, error_description: `HOSTILE${CTL}description` }); break;
    case 'not_json': send(res, 200, '<html>HOSTILE not json</html>'); break;
    case 'deep': send(res, 200, `{"error":${nested(100)}}`, { 'content-type': 'application/json' }); break;
    case 'redirect307':
      res.writeHead(307, { location: `${iss}/elsewhere/token`, 'content-length': 0 });
      res.end();
      break;
    case 'hang': hang(req); break;
    default: throw new Error(`unknown tok ${kind}`);
  }
  return kind;
}

function serveJwks(req, res, f) {
  if (f.jwks === 'not_json') return send(res, 200, '<html>HOSTILE jwks</html>');
  return send(res, 200, JWKS);
}

// ----------------------------------------------------------------- server
let origin = '';

function route(req, res, body) {
  const url = new URL(req.url, 'https://127.0.0.1');
  let p = url.pathname;
  if (req.method === 'GET' && (p === '/test/log' || p.startsWith('/test/log/'))) {
    const name = p === '/test/log' ? ROOT_FAULT : decodeURIComponent(p.slice('/test/log/'.length));
    return send(res, 200, mounts.get(name) || { requests: [] });
  }
  let name = ROOT_FAULT;
  let iss = origin;
  const m = /^\/f\/([A-Za-z0-9_]+)(\/.*)?$/.exec(p);
  if (m) {
    name = m[1];
    iss = `${origin}/f/${name}`;
    p = m[2] || '/';
  }
  const f = FAULTS[name];
  const entry = { t: now(), method: req.method, path: p, status: null, answer: null };
  record(m && !f ? `unknown:${name}` : name).push(entry);
  log(req.method, `${m ? `/f/${name}` : ''}${p}`);
  if (!f) return send(res, 404, { error: 'no such fault' });
  const form = new URLSearchParams(body);
  if (req.method === 'GET' && p === '/.well-known/openid-configuration') {
    entry.answer = f.disc || 'ok';
    serveDiscovery(req, res, iss, f);
  } else if (req.method === 'GET' && p === '/elsewhere/.well-known/openid-configuration') {
    entry.answer = 'elsewhere';
    send(res, 200, discoveryDoc(iss));
  } else if (req.method === 'POST' && p === '/device/auth') {
    entry.answer = f.dev || 'ok';
    serveDevice(req, res, iss, f, form);
  } else if (req.method === 'POST' && p === '/token') {
    entry.answer = serveToken(req, res, iss, f, form);
  } else if (req.method === 'GET' && p === '/jwks') {
    entry.answer = f.jwks || 'ok';
    serveJwks(req, res, f);
  } else if (req.method === 'GET' && p === '/device') {
    entry.answer = 'page';
    send(res, 200, '<html><body>Enter the code.</body></html>');
  } else {
    entry.answer = 'not_found';
    send(res, 404, { error: 'not_found' });
  }
  entry.status = res.headersSent ? res.statusCode : null;
}

const server = https.createServer(tls, withBody(route, log, (res) => send(res, 500, { error: 'mock_bug' })));
server.on('tlsClientError', (e) => log('TLS error:', e.code || e.message));

// A second port that accepts TCP connections and never says a word (not
// even the TLS handshake): https://127.0.0.1:SILENT_PORT as an issuer.
const silent = net.createServer((sock) => {
  log('silent port: connection accepted, never answered');
  sock.on('error', () => {});
});

stopOnSignals([server], log, intOpt('max-lifetime', 0));

server.listen(Number(opts.port), '127.0.0.1', () => {
  silent.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    origin = `https://127.0.0.1:${port}`;
    writeReady(opts['ready-file'], {
      issuer: origin, port, silent_port: silent.address().port, faults: Object.keys(FAULTS),
    });
    log(`listening on ${origin} (cert ${opts.cert}, root fault ${ROOT_FAULT}), silent port ${silent.address().port}`);
  });
});

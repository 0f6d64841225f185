#!/usr/bin/env node
// github_approve.mjs -- the headless "browser" for github.mjs: it goes
// through the provider's verification pages as a person would (no back
// door): GET /login/device, submit the user code, then on the
// authorization form sign in as NAME (no password) and press Authorize
// (or Cancel with --deny).
//
//   node github_approve.mjs --url URL --user-code CODE --login NAME
//        [--deny] [--ca FILE] [--delay-ms N] [-v]
//
// URL is the provider's origin or its verification_uri (.../login/device).
// Exit 0 when the provider recorded the approval (or denial), printing one
// line; otherwise non-zero with the reason on stderr (the page's error,
// such as "Incorrect code").  Each request has 5 s, the whole run 20 s.
import * as fs from 'node:fs';
import * as https from 'node:https';
import { parseArgs } from 'node:util';

const TOTAL_MS = 20_000;
const REQUEST_MS = 5_000;

function fail(msg, code = 1) {
  console.error(`github_approve.mjs: ${msg}`);
  process.exit(code);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      url: { type: 'string' },
      'user-code': { type: 'string' },
      login: { type: 'string' },
      deny: { type: 'boolean', default: false },
      ca: { type: 'string' },
      'delay-ms': { type: 'string', default: '0' },
      verbose: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
  }));
} catch (e) {
  fail(e.message, 2);
}
if (!opts.url) fail('--url URL is required', 2);
if (!opts['user-code']) fail('--user-code CODE is required', 2);
if (!opts.login && !opts.deny) fail('--login NAME is required', 2);
if (!/^\d+$/.test(opts['delay-ms'])) fail('--delay-ms must be a non-negative integer', 2);
const verbose = (...a) => { if (opts.verbose) console.error('github_approve.mjs:', ...a); };
let ca;
if (opts.ca) {
  try { ca = fs.readFileSync(opts.ca); } catch (e) { fail(`cannot read --ca ${opts.ca}: ${e.message}`, 2); }
}
const delay = Number(opts['delay-ms']);
const deadline = Date.now() + delay + TOTAL_MS;
setTimeout(() => fail(`gave up: not finished within ${TOTAL_MS} ms`), delay + TOTAL_MS).unref();

function request(method, urlStr, form) {
  const url = new URL(urlStr);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const headers = { 'user-agent': 'pod-test-approver/1', accept: 'text/html' };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = Buffer.byteLength(body);
  }
  const left = deadline - Date.now();
  if (left <= 0) fail('out of time');
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, agent: false, timeout: Math.min(REQUEST_MS, left) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        verbose(`${method} ${url.pathname} -> ${res.statusCode}`);
        resolve({ url, status: res.statusCode, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }[e]));
function attrs(tag) {
  const out = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  const inner = tag.replace(/^<\s*[a-z]+/i, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}
// The first form with a field of this name: its action, method and the
// values of its inputs.
function findForm(res, field) {
  const formRe = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = formRe.exec(res.text))) {
    const a = attrs(m[0].match(/^<form\b[^>]*>/i)[0]);
    const fields = {};
    for (const input of m[1].match(/<input\b[^>]*>/gi) || []) {
      const ia = attrs(input);
      if (ia.name) fields[ia.name] = ia.value ?? '';
    }
    if (field in fields) {
      return { action: new URL(a.action || res.url.href, res.url).href, method: (a.method || 'get').toUpperCase(), fields };
    }
  }
  return null;
}
function pageError(res) {
  const m = res.text.match(/<p class="error"[^>]*>([\s\S]*?)<\/p>/i);
  return m ? decode(m[1].replace(/<[^>]*>/g, '').trim()) : null;
}
function expectPage(res, what) {
  const err = pageError(res);
  if (err) fail(`the provider refused at ${res.url.pathname}: ${err}`);
  if (res.status !== 200) fail(`unexpected HTTP ${res.status} at ${res.url.pathname} (${what})`);
}

async function main() {
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const code = opts['user-code'];
  const start = /\/login\/device\/?$/.test(new URL(opts.url).pathname)
    ? opts.url : `${opts.url.replace(/\/+$/, '')}/login/device`;
  let res = await request('GET', start);
  expectPage(res, 'the code form');
  const cf = findForm(res, 'user_code');
  if (!cf) fail(`no user code form at ${res.url.pathname}`);
  res = await request(cf.method, cf.action, { ...cf.fields, user_code: code });
  expectPage(res, 'after the code');
  const af = findForm(res, 'login');
  if (!af) fail(`no authorization form at ${res.url.pathname}`);
  res = await request(af.method, af.action, {
    ...af.fields, login: opts.login || '', authorize: opts.deny ? 'deny' : 'approve',
  });
  expectPage(res, 'after the decision');
  const want = opts.deny ? /class="denied"/ : /class="approved"/;
  if (!want.test(res.text)) fail(`the provider did not confirm the ${opts.deny ? 'denial' : 'approval'}`);
  console.log(`github_approve.mjs: ${opts.deny ? 'denied' : 'approved'} user code ${code}${opts.login ? ` as ${opts.login}` : ''}`);
}

main().catch((e) => fail(e.message || String(e)));

#!/usr/bin/env node
// Headless "browser" that approves (or denies) a device authorization on the
// provider's own device verification pages: user code form -> confirm ->
// login -> consent -> "Sign-in Success".  No back door into the provider.
//
//   node approve.mjs --issuer URL --user-code CODE --login NAME [--ca FILE]
//        [--deny [--deny-at confirm|login]] [--delay-ms N] [--verification-uri URL]
//
// Exit 0 when the provider accepted the approval/denial, non-zero otherwise.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parseArgs } from 'node:util';

const TOTAL_MS = 20_000;
const REQUEST_MS = 5_000;
const MAX_REDIRECTS = 20;
const MAX_STEPS = 30;

function fail(msg, code = 1) {
  console.error(`approve.mjs: ${msg}`);
  process.exit(code);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      issuer: { type: 'string' },
      'verification-uri': { type: 'string' },
      'user-code': { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string', default: 'any-password' },
      deny: { type: 'boolean', default: false },
      'deny-at': { type: 'string', default: 'confirm' },
      'delay-ms': { type: 'string', default: '0' },
      ca: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
  }));
} catch (e) {
  fail(e.message, 2);
}
if (!opts['user-code']) fail('--user-code CODE is required', 2);
if (!opts.issuer && !opts['verification-uri']) fail('--issuer URL or --verification-uri URL is required', 2);
if (!['confirm', 'login'].includes(opts['deny-at'])) fail('--deny-at must be confirm or login', 2);
if (!opts.login && !(opts.deny && opts['deny-at'] === 'confirm')) fail('--login NAME is required', 2);
if (!/^\d+$/.test(opts['delay-ms'])) fail('--delay-ms must be a non-negative integer', 2);
const verbose = (...a) => { if (opts.verbose) console.error('approve.mjs:', ...a); };

let ca;
if (opts.ca) {
  try { ca = fs.readFileSync(opts.ca); } catch (e) { fail(`cannot read --ca ${opts.ca}: ${e.message}`, 2); }
}
const startUrl = opts['verification-uri'] || `${opts.issuer.replace(/\/+$/, '')}/device`;
const deadline = Date.now() + Number(opts['delay-ms']) + TOTAL_MS;
setTimeout(() => fail(`gave up: not finished within ${TOTAL_MS} ms`), Number(opts['delay-ms']) + TOTAL_MS).unref();

// ------------------------------------------------------------ cookie jar
const jar = new Map(); // `${name}\0${path}` -> { name, value, path }

function storeCookies(setCookies, url) {
  for (const sc of setCookies || []) {
    const parts = sc.split(';').map((s) => s.trim());
    const eq = parts[0].indexOf('=');
    if (eq <= 0) continue;
    const name = parts[0].slice(0, eq);
    const value = parts[0].slice(eq + 1);
    let cpath = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expired = false;
    for (const attr of parts.slice(1)) {
      const [k, ...rest] = attr.split('=');
      const v = rest.join('=');
      const key = k.toLowerCase();
      if (key === 'path' && v.startsWith('/')) cpath = v;
      else if (key === 'max-age' && Number(v) <= 0) expired = true;
      else if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
    }
    const id = `${name}\0${cpath}`;
    if (expired || value === '') jar.delete(id);
    else jar.set(id, { name, value, path: cpath });
  }
}

function cookieHeader(url) {
  const p = url.pathname;
  const list = [...jar.values()]
    .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
    .sort((a, b) => b.path.length - a.path.length);
  return list.map((c) => `${c.name}=${c.value}`).join('; ');
}

// ------------------------------------------------------------ http
function request(method, urlStr, form) {
  const url = new URL(urlStr);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const headers = { 'user-agent': 'pod-test-approver/1', accept: 'text/html' };
  const cookie = cookieHeader(url);
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = Buffer.byteLength(body);
  }
  const mod = url.protocol === 'https:' ? https : http;
  const left = deadline - Date.now();
  if (left <= 0) fail('out of time');
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      method, headers, ca, agent: false, timeout: Math.min(REQUEST_MS, left),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        storeCookies(res.headers['set-cookie'], url);
        resolve({ url, status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.origin}${url.pathname} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// a browser-like navigation: request, then follow redirects (303/302/301 -> GET)
let redirects = 0;
async function navigate(method, url, form) {
  let res = await request(method, url, form);
  verbose(`${method} ${res.url.pathname} -> ${res.status}`);
  while ([301, 302, 303, 307, 308].includes(res.status)) {
    redirects += 1;
    if (redirects > MAX_REDIRECTS) fail(`too many redirects (> ${MAX_REDIRECTS})`);
    const loc = res.headers.location;
    if (!loc) fail(`redirect ${res.status} without Location from ${res.url.pathname}`);
    const next = new URL(loc, res.url).href;
    if ([307, 308].includes(res.status)) res = await request(method, next, form);
    else res = await request('GET', next);
    verbose(`-> ${res.url.pathname} -> ${res.status}`);
  }
  return res;
}

// ------------------------------------------------------------ html parsing
const decode = (s) => s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|#39|apos);/gi, (m, e) => {
  const l = e.toLowerCase();
  if (l === 'amp') return '&';
  if (l === 'lt') return '<';
  if (l === 'gt') return '>';
  if (l === 'quot') return '"';
  if (l === '#39' || l === 'apos') return "'";
  if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16));
  return String.fromCodePoint(parseInt(l.slice(1), 10));
});

function attrs(tag) {
  const out = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  const inner = tag.replace(/^<\s*[a-z]+/i, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

// forms with their fields; <input>/<button> outside a form that name it in
// form="id" belong to that form, as in a browser
function parseForms(html, base) {
  const forms = [];
  const formRe = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = formRe.exec(html))) {
    const a = attrs(m[0].match(/^<form\b[^>]*>/i)[0]);
    forms.push({
      id: a.id, action: new URL(a.action || base.href, base).href,
      method: (a.method || 'get').toUpperCase(), start: m.index, end: m.index + m[0].length,
      fields: [], buttons: [],
    });
  }
  const controls = [];
  const inputRe = /<input\b[^>]*>/gi;
  while ((m = inputRe.exec(html))) controls.push({ index: m.index, tag: m[0], kind: 'input', text: '' });
  const buttonRe = /<button\b[^>]*>([\s\S]*?)<\/button>/gi;
  while ((m = buttonRe.exec(html))) {
    controls.push({ index: m.index, tag: m[0].match(/^<button\b[^>]*>/i)[0], kind: 'button', text: m[1] });
  }
  for (const c of controls) {
    const a = attrs(c.tag);
    const form = a.form ? forms.find((f) => f.id === a.form) : forms.find((f) => c.index > f.start && c.index < f.end);
    if (!form) continue;
    const type = (a.type || (c.kind === 'button' ? 'submit' : 'text')).toLowerCase();
    if (type === 'submit' || type === 'button') {
      form.buttons.push({ name: a.name, value: a.value ?? '', text: c.text.replace(/<[^>]*>/g, '').trim() });
    } else if (a.name) {
      form.fields.push({ name: a.name, value: a.value ?? '', type });
    }
  }
  return forms;
}

const fieldsOf = (form) => Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
const hasField = (form, name) => form.fields.some((f) => f.name === name);
const fieldValue = (form, name) => form.fields.find((f) => f.name === name)?.value;

function pageError(html) {
  const m = html.match(/<p class="red"[^>]*>([\s\S]*?)<\/p>/i);
  if (m) return decode(m[1].replace(/<[^>]*>/g, '').trim());
  if (/<title>[^<]*(oops|error)[^<]*<\/title>/i.test(html)) {
    const body = decode(html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
    return body.slice(0, 300);
  }
  return null;
}

// ------------------------------------------------------------ the walk
async function main() {
  if (Number(opts['delay-ms']) > 0) await new Promise((r) => setTimeout(r, Number(opts['delay-ms'])));
  const code = opts['user-code'];
  const did = opts.deny ? 'denied' : 'approved';

  let res = await navigate('GET', startUrl);
  let submittedCode = false;
  let confirmed = false;
  let loggedIn = false;
  let consented = false;

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const html = res.text;
    if (res.status !== 200) {
      fail(`unexpected HTTP ${res.status} at ${res.url.pathname}: ${pageError(html) || html.slice(0, 200)}`);
    }
    const forms = parseForms(html, res.url);
    const err = pageError(html);

    // final pages
    if (/Sign-in Success/.test(html) || /id="op\.success"/.test(html)) {
      if (opts.deny) fail('expected the denial to be recorded, but the provider says Sign-in Success');
      console.log(`approve.mjs: ${did} user code ${code} as ${opts.login}`);
      return;
    }
    if (err) {
      if (opts.deny && /interrupted/i.test(err) && (confirmed || loggedIn || submittedCode)) {
        console.log(`approve.mjs: ${did} user code ${code}${opts.login ? ` (login ${opts.login})` : ''} at the ${opts['deny-at']} step`);
        return;
      }
      fail(`the provider refused at ${res.url.pathname}: ${err}`);
    }

    const codeForm = forms.find((f) => hasField(f, 'user_code') && !hasField(f, 'confirm'));
    const confirmForm = forms.find((f) => hasField(f, 'user_code') && fieldValue(f, 'confirm'));
    const loginForm = forms.find((f) => fieldValue(f, 'prompt') === 'login' || hasField(f, 'login'));
    const consentForm = forms.find((f) => fieldValue(f, 'prompt') === 'consent');

    if (confirmForm) {
      if (confirmed) fail('the confirm page came back a second time');
      confirmed = true;
      const data = fieldsOf(confirmForm);
      if (opts.deny && opts['deny-at'] === 'confirm') {
        const abort = confirmForm.buttons.find((b) => b.name === 'abort');
        if (!abort) fail('the confirm page offers no abort button');
        data.abort = abort.value || 'yes';
      }
      res = await navigate(confirmForm.method, confirmForm.action, data);
    } else if (codeForm) {
      if (submittedCode) fail('the user code form came back (code not accepted?)');
      submittedCode = true;
      const data = fieldsOf(codeForm);
      data.user_code = code;
      res = await navigate(codeForm.method, codeForm.action, data);
    } else if (loginForm) {
      if (loggedIn) fail('the login page came back a second time');
      loggedIn = true;
      if (opts.deny && opts['deny-at'] === 'login') {
        const abort = html.match(/<a\b[^>]*href="([^"]*\/abort[^"]*)"/i);
        if (!abort) fail('the login page offers no abort/cancel link');
        res = await navigate('GET', new URL(decode(abort[1]), res.url).href);
        continue;
      }
      const data = fieldsOf(loginForm);
      data.login = opts.login;
      if ('password' in data) data.password = opts.password;
      res = await navigate(loginForm.method, loginForm.action, data);
    } else if (consentForm) {
      if (consented) fail('the consent page came back a second time');
      consented = true;
      res = await navigate(consentForm.method, consentForm.action, fieldsOf(consentForm));
    } else {
      const text = html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
      fail(`unrecognised page at ${res.url.pathname}: ${text.slice(0, 300)}`);
    }
  }
  fail(`no result after ${MAX_STEPS} steps`);
}

main().catch((e) => fail(e.message || String(e)));

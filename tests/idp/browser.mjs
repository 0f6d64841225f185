// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// The headless browser both approvers (approve.mjs, github_approve.mjs) drive: their shared flags, HTTP with cookies and redirects, HTML forms.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parseArgs } from 'node:util';

const TOTAL_MS = 20_000;
const REQUEST_MS = 5_000;
const MAX_REDIRECTS = 20;

// The flags both approvers take (--user-code, --login, --deny, --ca,
// --delay-ms, -v) plus `own`; a usage error exits 2, any other failure 1.
// check(opts, fail) adds the approver's own rules.  The whole run,
// --delay-ms included, is bounded by TOTAL_MS.
export function startApprover(name, own, check) {
  const fail = (msg, code = 1) => {
    console.error(`${name}: ${msg}`);
    process.exit(code);
  };
  let opts;
  try {
    ({ values: opts } = parseArgs({
      options: {
        'user-code': { type: 'string' },
        login: { type: 'string' },
        deny: { type: 'boolean', default: false },
        ca: { type: 'string' },
        'delay-ms': { type: 'string', default: '0' },
        verbose: { type: 'boolean', short: 'v', default: false },
        ...own,
      },
      strict: true,
    }));
  } catch (e) {
    fail(e.message, 2);
  }
  if (!opts['user-code']) fail('--user-code CODE is required', 2);
  check(opts, fail);
  if (!/^\d+$/.test(opts['delay-ms'])) fail('--delay-ms must be a non-negative integer', 2);
  const verbose = (...a) => { if (opts.verbose) console.error(`${name}:`, ...a); };
  let ca;
  if (opts.ca) {
    try { ca = fs.readFileSync(opts.ca); } catch (e) { fail(`cannot read --ca ${opts.ca}: ${e.message}`, 2); }
  }
  const delay = Number(opts['delay-ms']);
  const deadline = Date.now() + delay + TOTAL_MS;
  setTimeout(() => fail(`gave up: not finished within ${TOTAL_MS} ms`), delay + TOTAL_MS).unref();
  const { request, navigate } = makeBrowser({ ca, deadline, verbose, fail });
  const run = (main) => {
    (async () => {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      await main();
    })().catch((e) => fail(e.message || String(e)));
  };
  return { opts, fail, request, navigate, run };
}

// HTTP(S) with a cookie jar, each request bounded by REQUEST_MS and the
// run's deadline; navigate() follows redirects as a browser does.
function makeBrowser({ ca, deadline, verbose, fail }) {
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

  return { request, navigate };
}

// ------------------------------------------------------------ html parsing
export const decode = (s) => s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|#39|apos);/gi, (m, e) => {
  const l = e.toLowerCase();
  if (l === 'amp') return '&';
  if (l === 'lt') return '<';
  if (l === 'gt') return '>';
  if (l === 'quot') return '"';
  if (l === '#39' || l === 'apos') return "'";
  if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16));
  return String.fromCodePoint(parseInt(l.slice(1), 10));
});

export function attrs(tag) {
  const out = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  const inner = tag.replace(/^<\s*[a-z]+/i, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

// forms with their fields; <input>/<button> outside a form that name it in
// form="id" belong to that form, as in a browser
export function parseForms(html, base) {
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

export const fieldsOf = (form) => Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
export const hasField = (form, name) => form.fields.some((f) => f.name === name);
export const fieldValue = (form, name) => form.fields.find((f) => f.name === name)?.value;

// The visible text of a page, for error messages.
export const pageText = (html) => html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();

// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// The headless browser both approvers (approve.mjs, github_approve.mjs) drive: their shared flags, one walk or many (--serve), HTTP with cookies and redirects, HTML forms.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parseArgs } from 'node:util';
import { makeLog, readBody, stopOnSignals, writeReady } from './common.mjs';

const TOTAL_MS = 20_000;
const REQUEST_MS = 5_000;
const MAX_REDIRECTS = 20;

// A walk that cannot go on: the reason goes to stderr (one walk) or into
// the answer (--serve).
export function fail(msg) {
  throw new Error(msg);
}
class UsageError extends Error {}
const usage = (msg) => { throw new UsageError(msg); };

// The flags of one walk, both approvers'.
const WALK_FLAGS = {
  'user-code': { type: 'string' },
  login: { type: 'string' },
  deny: { type: 'boolean', default: false },
  ca: { type: 'string' },
  'delay-ms': { type: 'string', default: '0' },
  verbose: { type: 'boolean', short: 'v', default: false },
};
// The flags of the process that serves many walks.
const SERVE_FLAGS = {
  serve: { type: 'string' },
  concurrency: { type: 'string', default: '8' },
  'ready-file': { type: 'string' },
  'max-lifetime': { type: 'string', default: '0' },
};

// The approver's command line: WALK_FLAGS plus `own`; check(opts, usage)
// adds the approver's own rules.  run(main) does one walk, main(opts,
// navigate) resolving to the line that says what it did; a usage error
// exits 2, any other failure 1, and the whole run, --delay-ms included,
// is bounded by TOTAL_MS.  With --serve SOCKET it does many walks instead
// (see serve below).
export function startApprover(name, own, check) {
  const options = { ...WALK_FLAGS, ...own };
  const argv = process.argv.slice(2);
  const die = (msg, code) => {
    console.error(`${name}: ${msg}`);
    process.exit(code);
  };
  let top;
  try {
    ({ values: top } = parseArgs({ args: argv, options: { ...options, ...SERVE_FLAGS }, strict: true }));
  } catch (e) {
    die(e.message, 2);
  }
  let ca;
  if (top.ca) {
    try { ca = fs.readFileSync(top.ca); } catch (e) { die(`cannot read --ca ${top.ca}: ${e.message}`, 2); }
  }
  // A walk's options: the command line, then a request's own flags
  // (--serve), which may not be the serving process's.
  const walkOpts = (extra) => {
    let o;
    try {
      parseArgs({ args: extra, options, strict: true });
      ({ values: o } = parseArgs({ args: [...argv, ...extra], options: { ...options, ...SERVE_FLAGS }, strict: true }));
    } catch (e) {
      usage(e.message);
    }
    if (!o['user-code']) usage('--user-code CODE is required');
    check(o, usage);
    if (!/^\d+$/.test(o['delay-ms'])) usage('--delay-ms must be a non-negative integer');
    return o;
  };
  const walk = async (o, main) => {
    const delay = Number(o['delay-ms']);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const verbose = (...a) => { if (o.verbose) console.error(`${name}:`, ...a); };
    const browser = makeBrowser({ ca, deadline: Date.now() + TOTAL_MS, verbose });
    try {
      return await main(o, browser.navigate);
    } finally {
      browser.close();
    }
  };
  const run = (main) => {
    if (top.serve !== undefined) {
      serve(name, top, walkOpts, (o) => walk(o, main), die);
      return;
    }
    let o;
    try { o = walkOpts([]); } catch (e) { die(e.message, 2); }
    setTimeout(() => die(`gave up: not finished within ${TOTAL_MS} ms`, 1), Number(o['delay-ms']) + TOTAL_MS).unref();
    walk(o, main).then((line) => console.log(line), (e) => die(e.message || String(e), 1));
  };
  return { run };
}

// --serve SOCKET: one process approves the codes of many logins, each on
// the provider's own pages like a single run, at most --concurrency walks
// at a time (a browser per walk: its own cookies and connection).  A walk
// is asked for with POST /approve on the Unix socket, the form's `arg`
// fields being the flags of a single run (--user-code C --login L ...);
// the answer, once the walk ended, is 200 and the line a run prints, 422
// and the reason it failed, or 400 for bad flags.  A request whose client
// went away before its turn is dropped.  --ready-file, written once
// listening, and the shutdown (SIGTERM, --max-lifetime) are the servers'.
function serve(name, top, walkOpts, walk, die) {
  const { log } = makeLog('approver', name);
  if (!/^[1-9]\d*$/.test(top.concurrency)) die('--concurrency must be a positive integer', 2);
  if (!/^\d+$/.test(top['max-lifetime'])) die('--max-lifetime must be a non-negative integer', 2);
  const limit = Number(top.concurrency);
  const queue = [];
  let running = 0;
  const next = () => {
    while (running < limit && queue.length > 0) {
      const job = queue.shift();
      if (job.gone) continue;
      running += 1;
      job.start().finally(() => { running -= 1; next(); });
    }
  };
  const answer = (res, status, text) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/approve') { answer(res, 404, 'only POST /approve'); return; }
    readBody(req).then((body) => {
      let o;
      try {
        o = walkOpts(new URLSearchParams(body.toString('utf8')).getAll('arg'));
      } catch (e) {
        answer(res, 400, e.message);
        return;
      }
      const job = {
        gone: false,
        start: () => {
          const t0 = Date.now();
          return walk(o).then((line) => {
            log(`${line} (${Date.now() - t0} ms, ${queue.length} waiting)`);
            answer(res, 200, line);
          }, (e) => {
            log(`user code ${o['user-code']}: ${e.message}`);
            answer(res, 422, e.message);
          });
        },
      };
      res.on('close', () => { job.gone = true; });
      queue.push(job);
      next();
    }, (e) => answer(res, 400, e.message));
  });
  stopOnSignals([server], log, Number(top['max-lifetime']));
  server.on('error', (e) => die(`--serve ${top.serve}: ${e.message}`, 1));
  // a socket left by an earlier run (never another kind of file)
  if (fs.lstatSync(top.serve, { throwIfNoEntry: false })?.isSocket()) fs.unlinkSync(top.serve);
  server.listen(top.serve, () => {
    if (top['ready-file']) writeReady(top['ready-file'], { socket: top.serve });
    log(`serving on ${top.serve}, ${limit} walks at a time`);
  });
}

// HTTP(S) with a cookie jar and a kept-alive connection, as a browser has,
// each request bounded by REQUEST_MS and the walk's deadline; navigate()
// follows redirects as a browser does; close() drops the connections.
function makeBrowser({ ca, deadline, verbose }) {
  const jar = new Map(); // `${name}\0${path}` -> { name, value, path }
  const agents = { 'https:': new https.Agent({ keepAlive: true }), 'http:': new http.Agent({ keepAlive: true }) };

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
        method, headers, ca, agent: agents[url.protocol], timeout: Math.min(REQUEST_MS, left),
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

  const close = () => { for (const a of Object.values(agents)) a.destroy(); };
  return { navigate, close };
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

#!/usr/bin/env node
// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// github_approve.mjs -- the headless "browser" for github.mjs: it goes
// through the provider's verification pages as a person would (no back
// door): GET /login/device, submit the user code, then on the
// authorization form sign in as NAME (no password) and press Authorize
// (or Cancel with --deny).
//
//   node github_approve.mjs --url URL --user-code CODE --login NAME
//        [--deny] [--ca FILE] [--delay-ms N] [-v]
//   node github_approve.mjs --url URL --serve SOCKET [--concurrency N] ...
//
// URL is the provider's origin or its verification_uri (.../login/device).
// Exit 0 when the provider recorded the approval (or denial), printing one
// line; otherwise non-zero with the reason on stderr (the page's error,
// such as "Incorrect code").  Each request has 5 s, the whole run 20 s.
// With --serve, many walks in one process (browser.mjs).
import { decode, fail, fieldsOf, hasField, parseForms, startApprover } from './browser.mjs';

const { run } = startApprover('github_approve.mjs', {
  url: { type: 'string' },
}, (o, die) => {
  if (!o.url) die('--url URL is required', 2);
  if (!o.login && !o.deny) die('--login NAME is required', 2);
});

// The first form with a field of this name: its action, method and the
// values of its inputs.
function findForm(res, field) {
  const form = parseForms(res.text, res.url).find((f) => hasField(f, field));
  return form ? { action: form.action, method: form.method, fields: fieldsOf(form) } : null;
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

async function main(opts, navigate) {
  const code = opts['user-code'];
  const start = /\/login\/device\/?$/.test(new URL(opts.url).pathname)
    ? opts.url : `${opts.url.replace(/\/+$/, '')}/login/device`;
  let res = await navigate('GET', start);
  expectPage(res, 'the code form');
  const cf = findForm(res, 'user_code');
  if (!cf) fail(`no user code form at ${res.url.pathname}`);
  res = await navigate(cf.method, cf.action, { ...cf.fields, user_code: code });
  expectPage(res, 'after the code');
  const af = findForm(res, 'login');
  if (!af) fail(`no authorization form at ${res.url.pathname}`);
  res = await navigate(af.method, af.action, {
    ...af.fields, login: opts.login || '', authorize: opts.deny ? 'deny' : 'approve',
  });
  expectPage(res, 'after the decision');
  const want = opts.deny ? /class="denied"/ : /class="approved"/;
  if (!want.test(res.text)) fail(`the provider did not confirm the ${opts.deny ? 'denial' : 'approval'}`);
  return `github_approve.mjs: ${opts.deny ? 'denied' : 'approved'} user code ${code}${opts.login ? ` as ${opts.login}` : ''}`;
}

run(main);

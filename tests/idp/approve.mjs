#!/usr/bin/env node
// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// Headless "browser" that approves (or denies) a device authorization on the
// provider's own device verification pages: user code form -> confirm ->
// login -> consent -> "Sign-in Success".  No back door into the provider.
//
//   node approve.mjs --issuer URL --user-code CODE --login NAME [--ca FILE]
//        [--deny [--deny-at confirm|login]] [--delay-ms N] [--verification-uri URL]
//   node approve.mjs --issuer URL --serve SOCKET [--concurrency N] [--ca FILE] ...
//
// Exit 0 when the provider accepted the approval/denial, non-zero otherwise;
// with --serve, many walks in one process (browser.mjs).
import {
  decode, fail, fieldsOf, fieldValue, hasField, pageText, parseForms, startApprover,
} from './browser.mjs';

const MAX_STEPS = 30;

const { run } = startApprover('approve.mjs', {
  issuer: { type: 'string' },
  'verification-uri': { type: 'string' },
  password: { type: 'string', default: 'any-password' },
  'deny-at': { type: 'string', default: 'confirm' },
}, (o, die) => {
  if (!o.issuer && !o['verification-uri']) die('--issuer URL or --verification-uri URL is required', 2);
  if (!['confirm', 'login'].includes(o['deny-at'])) die('--deny-at must be confirm or login', 2);
  if (!o.login && !(o.deny && o['deny-at'] === 'confirm')) die('--login NAME is required', 2);
});

function pageError(html) {
  const m = html.match(/<p class="red"[^>]*>([\s\S]*?)<\/p>/i);
  if (m) return decode(m[1].replace(/<[^>]*>/g, '').trim());
  if (/<title>[^<]*(oops|error)[^<]*<\/title>/i.test(html)) {
    return decode(pageText(html)).slice(0, 300);
  }
  return null;
}

// ------------------------------------------------------------ the walk
async function main(opts, navigate) {
  const code = opts['user-code'];
  const did = opts.deny ? 'denied' : 'approved';
  const startUrl = opts['verification-uri'] || `${opts.issuer.replace(/\/+$/, '')}/device`;

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
      return `approve.mjs: ${did} user code ${code} as ${opts.login}`;
    }
    if (err) {
      if (opts.deny && /interrupted/i.test(err) && (confirmed || loggedIn || submittedCode)) {
        return `approve.mjs: ${did} user code ${code}${opts.login ? ` (login ${opts.login})` : ''} at the ${opts['deny-at']} step`;
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
      fail(`unrecognised page at ${res.url.pathname}: ${pageText(html).slice(0, 300)}`);
    }
  }
  fail(`no result after ${MAX_STEPS} steps`);
}

run(main);

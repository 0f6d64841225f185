// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The pam_oauth_device authors
// What the three test servers (server.mjs, github.mjs, hostile.mjs) share: flags, TLS, bodies, the ready file, shutdown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

// A log to stderr stamped with ms since start, and a die() that exits 2
// (a usage error) so that idp.sh tells it from a crash.
export function makeLog(tag, file) {
  const T0 = performance.now();
  const since = () => Math.round((performance.now() - T0) * 10) / 10;
  const log = (...a) => console.error(`[${tag} ${since().toFixed(1)}ms]`, ...a);
  const die = (m) => { console.error(`${file}: ${m}`); process.exit(2); };
  return { log, die, since };
}

// The flags every server takes; `own` adds the server's own ones.  Prints
// `usage` for --help; early(opts), when given, runs next (for flags such
// as --list that need no other).  Returns the values and intOpt(name, min),
// which dies unless the flag is a decimal integer >= min.
export function parseServerFlags(die, own, usage, early) {
  let opts;
  try {
    ({ values: opts } = parseArgs({
      options: {
        'tls-dir': { type: 'string' },
        cert: { type: 'string', default: 'server' },
        'ready-file': { type: 'string' },
        port: { type: 'string', default: '0' },
        'max-lifetime': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
        ...own,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    die(e.message);
  }
  if (opts.help) {
    console.log(usage);
    process.exit(0);
  }
  if (early) early(opts);
  const intOpt = (name, min) => {
    const v = opts[name];
    if (!/^\d+$/.test(v) || Number(v) < min) die(`--${name} must be an integer >= ${min}`);
    return Number(v);
  };
  if (!opts['tls-dir']) die('--tls-dir DIR is required');
  if (!opts['ready-file']) die('--ready-file FILE is required');
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.cert)) die('--cert must be a plain name like server, wronghost, expired, selfsigned');
  if (intOpt('port', 0) > 65535) die('--port out of range');
  intOpt('max-lifetime', 0);
  return { opts, intOpt };
}

// The key and certificate NAME.key / NAME.pem that mkca.sh made in --tls-dir.
export function loadTls(opts, die) {
  const dir = opts['tls-dir'];
  try {
    return {
      key: fs.readFileSync(path.join(dir, `${opts.cert}.key`)),
      cert: fs.readFileSync(path.join(dir, `${opts.cert}.pem`)),
    };
  } catch (e) {
    return die(`cannot read TLS files: ${e.message} (run mkca.sh ${dir})`);
  }
}

// A request body as a Buffer; rejects once it passes `cap` bytes, so that
// a client cannot make a test server hold an unbounded body.
export const BODY_CAP = 56 * 1024;
export async function readBody(req, cap = BODY_CAP) {
  const chunks = [];
  let n = 0;
  for await (const chunk of req) {
    n += chunk.length;
    if (n > cap) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// A request handler that reads the body (as text) and calls
// route(req, res, body); on a too-large body or a bug it logs and answers
// with onError(res) unless an answer has started.
export function withBody(route, log, onError) {
  return (req, res) => {
    readBody(req)
      .then((b) => route(req, res, b.toString('utf8')))
      .catch((e) => {
        log('error:', e.stack || e.message);
        if (!res.headersSent) onError(res);
      });
  };
}

// The ready file idp.sh waits for: written whole under a temporary name,
// then renamed, so that a reader never sees half of it.
export function writeReady(file, obj) {
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify({ ...obj, pid: process.pid })}\n`);
  fs.renameSync(tmp, file);
}

// The one shutdown policy: on SIGTERM, SIGINT or --max-lifetime, drop every
// connection (a hung one included) and exit 0 at once, so that a test's
// clean-up is never delayed by a client.
export function stopOnSignals(servers, log, lifetimeSeconds) {
  const stop = (why) => {
    log(`${why}: exiting`);
    for (const s of servers) if (s.closeAllConnections) s.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (lifetimeSeconds > 0) setTimeout(() => stop(`max lifetime ${lifetimeSeconds}s reached`), lifetimeSeconds * 1000).unref();
}

# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# idp.sh -- bash helpers to start, drive and stop the test servers (the OpenID provider, the GitHub-like one, the hostile mock).
# Source it (works under `set -eu`):
#
#   . tests/idp/idp.sh
#   idp_start "$work" --interval 1      # exports IDP_ISSUER IDP_PORT IDP_PID IDP_CA IDP_TLS_DIR
#   ...
#   idp_approve "$user_code" alice      # or: idp_approve "$user_code" alice --deny
#   idp_stats                           # prints the /test/stats JSON
#   idp_stop
#
# Every function returns non-zero on failure instead of exiting, so callers
# can write `idp_start "$w" || fail "no idp"`.  All waits are bounded.
# shellcheck shell=bash

_IDP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# idp_launch WORKDIR NAME SCRIPT [flags...]: the common start of every test
# server (the OpenID provider, the GitHub-like one, the hostile mock): the
# certificates, node SCRIPT in the background with its log in
# WORKDIR/NAME.log, a bounded wait for its ready file.  Exports IDP_PID,
# IDP_PORT, IDP_CA, IDP_TLS_DIR, IDP_LOG, IDP_WORKDIR and IDP_READY (the
# ready file, for the caller's own fields).
idp_launch() {
    local work=$1 name=$2 script=$3
    shift 3
    if ! command -v node >/dev/null 2>&1; then
        echo "$name: node is not installed" >&2
        return 1
    fi
    mkdir -p "$work" && work=$(cd "$work" && pwd) || return 1
    if ! bash "$_IDP_DIR/mkca.sh" "$work/tls"; then
        echo "$name: mkca.sh $work/tls failed" >&2
        return 1
    fi
    IDP_READY=$work/$name.ready
    rm -f "$IDP_READY"
    IDP_WORKDIR=$work
    IDP_LOG=$work/$name.log
    export IDP_WORKDIR IDP_LOG IDP_READY
    # a restart in the same WORKDIR keeps the earlier log in NAME.log.prev
    if [ -s "$IDP_LOG" ]; then
        cat "$IDP_LOG" >>"$IDP_LOG.prev" 2>/dev/null || true
    fi
    : >"$IDP_LOG" || return 1
    # the default lifetime bound comes first so a caller's flag overrides it
    node "$script" --max-lifetime "${IDP_MAX_LIFETIME:-1800}" \
        --tls-dir "$work/tls" --ready-file "$IDP_READY" "$@" \
        </dev/null >>"$IDP_LOG" 2>&1 &
    IDP_PID=$!
    export IDP_PID
    if ! _idp_wait_ready "$name" "$IDP_PID" "$IDP_READY" "$IDP_LOG"; then
        unset IDP_PID
        return 1
    fi
    IDP_PORT=$(idp_json_get "$IDP_READY" port) || return 1
    IDP_CA=$work/tls/ca.pem
    IDP_TLS_DIR=$work/tls
    export IDP_PORT IDP_CA IDP_TLS_DIR
}

# _idp_wait_ready NAME PID READY_FILE LOG: wait at most 15 s for the
# ready file of the process PID started; when it exits first or is not
# ready in time, print its log, stop it and return 1.
_idp_wait_ready() {
    local name=$1 pid=$2 ready=$3 log=$4 i=0
    while [ ! -s "$ready" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited during start-up; log $log:" >&2
            cat "$log" >&2
            wait "$pid" 2>/dev/null || true
            return 1
        fi
        i=$((i + 1))
        if [ "$i" -gt 150 ]; then
            echo "$name was not ready within 15 s; log $log:" >&2
            cat "$log" >&2
            _idp_kill "$pid"
            return 1
        fi
        sleep 0.1
    done
}

# _idp_kill PID: TERM the process, KILL it after ~5 s, reap it.
_idp_kill() {
    local pid=$1 i=0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "pid $pid did not exit on TERM, killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# _idp_need_workdir FUNCTION SCRIPT "$@": a usage error (2) without a WORKDIR.
_idp_need_workdir() {
    [ $# -lt 3 ] || [ -z "$3" ] || return 0
    echo "$1: usage: $1 WORKDIR [$2 flags...]" >&2
    return 2
}

# idp_start WORKDIR [server.mjs flags...]
idp_start() {
    _idp_need_workdir idp_start server.mjs "$@" || return
    local work=$1
    shift
    if ! command -v node >/dev/null 2>&1; then
        echo "idp_start: node is not installed" >&2
        return 1
    fi
    mkdir -p "$work" || return 1
    work=$(cd "$work" && pwd) || return 1
    # A read-only source tree without node_modules (make distcheck) runs the
    # scripts from a copy beside the modules named by POD_IDP_NODE_MODULES.
    IDP_APP_DIR=$_IDP_DIR
    if [ ! -d "$_IDP_DIR/node_modules/oidc-provider" ] &&
        [ -d "${POD_IDP_NODE_MODULES:-}/oidc-provider" ]; then
        IDP_APP_DIR=$work/idp-app
        mkdir -p "$IDP_APP_DIR" &&
            cp "$_IDP_DIR"/*.mjs "$_IDP_DIR/package.json" "$IDP_APP_DIR/" &&
            ln -sfn "$POD_IDP_NODE_MODULES" "$IDP_APP_DIR/node_modules" || return 1
    fi
    export IDP_APP_DIR
    if [ ! -d "$IDP_APP_DIR/node_modules/oidc-provider" ]; then
        echo "idp_start: $_IDP_DIR/node_modules is missing; run: npm ci --prefix tests/idp" >&2
        return 1
    fi
    idp_launch "$work" idp "$IDP_APP_DIR/server.mjs" "$@" || return 1
    IDP_ISSUER=$(idp_json_get "$IDP_READY" issuer) || return 1
    IDP_APPROVER=approve.mjs
    export IDP_ISSUER IDP_APPROVER
    return 0
}

# idp_stop: stop the provider's shared approver (idp_approver_start), if
# one runs, then TERM the provider, KILL it after ~5 s, reap it.
idp_stop() {
    idp_approver_stop
    [ -n "${IDP_PID:-}" ] || return 0
    _idp_kill "$IDP_PID"
    unset IDP_PID
    return 0
}

# idp_stats: print the /test/stats JSON
idp_stats() {
    curl -sS --fail --max-time 5 --cacert "$IDP_CA" "https://127.0.0.1:$IDP_PORT/test/stats"
}

# idp_approve USERCODE LOGIN [--deny] [--delay-ms N] [-v] [approver flags...]:
# approve (or deny) on the running server's own verification pages, as a
# browser would: approve.mjs for idp_start's provider (also --deny-at
# confirm|login), github_approve.mjs for github_start's ($IDP_APPROVER).
# With a shared approver running (idp_approver_start) the walk is its,
# asked for over its socket, instead of a node process of its own.
idp_approve() {
    if [ $# -lt 2 ]; then
        echo "idp_approve: usage: idp_approve USERCODE LOGIN [approver flags...]" >&2
        return 2
    fi
    local code=$1 login=$2 a
    local -a form=()
    shift 2
    if [ -z "${IDP_APPROVER_SOCKET:-}" ]; then
        node "$(_idp_approver_script)" "$(_idp_approver_url_flag)" "$IDP_ISSUER" --ca "$IDP_CA" \
            --user-code "$code" --login "$login" "$@" </dev/null
        return
    fi
    for a in --user-code "$code" --login "$login" "$@"; do
        form+=(--data-urlencode "arg=$a")
    done
    # Bounded by the walks queued before this one, each at most 20 s.
    curl -sS --fail-with-body --max-time "${IDP_APPROVER_WAIT:-90}" \
        --unix-socket "$IDP_APPROVER_SOCKET" "${form[@]}" http://approver/approve </dev/null
}

# The running server's approver and the flag that names the provider to it.
_idp_approver_script() {
    echo "${IDP_APP_DIR:-$_IDP_DIR}/${IDP_APPROVER:-approve.mjs}"
}
_idp_approver_url_flag() {
    if [ "${IDP_APPROVER:-approve.mjs}" = approve.mjs ]; then echo --issuer; else echo --url; fi
}

# idp_approver_start [--concurrency N]: one approver process for the
# running server that walks the codes of many logins (approve.mjs
# --serve: each on the provider's own pages, at most N at a time; default
# 8), so that many logins at once do not start a node process each.
# idp_approve uses it while it runs; idp_stop (or idp_approver_stop)
# stops it.  Exports IDP_APPROVER_SOCKET and IDP_APPROVER_PID; its log is
# IDP_WORKDIR/approver.log.
idp_approver_start() {
    local ready=$IDP_WORKDIR/approver.ready log=$IDP_WORKDIR/approver.log
    local sock=$IDP_WORKDIR/approver.sock
    rm -f "$ready"
    node "$(_idp_approver_script)" --max-lifetime "${IDP_MAX_LIFETIME:-1800}" \
        --serve "$sock" --ready-file "$ready" \
        "$(_idp_approver_url_flag)" "$IDP_ISSUER" --ca "$IDP_CA" "$@" </dev/null >>"$log" 2>&1 &
    IDP_APPROVER_PID=$!
    export IDP_APPROVER_PID
    if ! _idp_wait_ready approver "$IDP_APPROVER_PID" "$ready" "$log"; then
        unset IDP_APPROVER_PID
        return 1
    fi
    IDP_APPROVER_SOCKET=$sock
    export IDP_APPROVER_SOCKET
}

# idp_approver_stop: stop the shared approver, if one runs.
idp_approver_stop() {
    [ -n "${IDP_APPROVER_PID:-}" ] || return 0
    _idp_kill "$IDP_APPROVER_PID"
    rm -f "${IDP_APPROVER_SOCKET:-}"
    unset IDP_APPROVER_PID IDP_APPROVER_SOCKET
}

# idp_json_get JSONFILE_OR_STRING KEY.PATH
#   KEY.PATH is dot separated; numbers index arrays; "length" works on arrays.
#   Strings print raw, everything else as JSON.  Missing key: nothing, rc 1.
idp_json_get() {
    if [ $# -ne 2 ]; then
        echo "idp_json_get: usage: idp_json_get JSONFILE_OR_STRING KEY.PATH" >&2
        return 2
    fi
    node -e '
const fs = require("fs");
let [src, keyPath] = process.argv.slice(1);
let text = src;
if (!/^\s*[\[{"]/.test(src) && fs.existsSync(src)) text = fs.readFileSync(src, "utf8");
let v;
try { v = JSON.parse(text); } catch (e) { console.error("idp_json_get: bad JSON: " + e.message); process.exit(2); }
for (const k of keyPath === "" || keyPath === "." ? [] : keyPath.split(".")) {
  if (v === null || v === undefined || (typeof v !== "object" && !(k === "length" && typeof v === "string"))) { v = undefined; break; }
  v = v[k];
}
if (v === undefined) process.exit(1);
process.stdout.write(typeof v === "string" ? v + "\n" : JSON.stringify(v) + "\n");
' "$1" "$2"
}

# idp_jwt_part JWT header|payload: print the decoded JSON of a JWT part
idp_jwt_part() {
    node -e '
const [jwt, part] = process.argv.slice(1);
const i = { header: 0, payload: 1 }[part];
const seg = (jwt || "").split(".")[i];
if (i === undefined || !seg) { console.error("idp_jwt_part: need a JWT and header|payload"); process.exit(2); }
process.stdout.write(Buffer.from(seg, "base64url").toString("utf8") + "\n");
' "$1" "$2"
}

# idp_device_authorize [CLIENT_ID [SCOPE]]: POST a device authorization
# request (public client) and print the JSON answer
idp_device_authorize() {
    curl -sS --max-time 5 --cacert "$IDP_CA" \
        --data-urlencode "client_id=${1:-pod-test}" \
        --data-urlencode "scope=${2:-openid profile email}" \
        "$IDP_ISSUER/device/auth"
}

# idp_token_poll DEVICE_CODE [CLIENT_ID]: one token request (public client);
# prints the JSON body then a last line "HTTP <status>"
idp_token_poll() {
    curl -sS --max-time 5 --cacert "$IDP_CA" -w '\nHTTP %{http_code}\n' \
        --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:device_code" \
        --data-urlencode "device_code=$1" \
        --data-urlencode "client_id=${2:-pod-test}" \
        "$IDP_ISSUER/token"
}

# github_start WORKDIR [github.mjs flags...]: the GitHub-like provider
# (github.mjs; no npm modules needed) instead of the OpenID provider, with
# the same exported names so that idp_stop and idp_stats work:
# IDP_ISSUER (its origin, https://127.0.0.1:PORT; GitHub has no issuer),
# IDP_PORT IDP_PID IDP_CA IDP_TLS_DIR IDP_LOG, and GH_DEVICE_ENDPOINT
# GH_TOKEN_ENDPOINT GH_USER_API GH_CLIENT_ID.  Log in WORKDIR/github.log.
github_start() {
    _idp_need_workdir github_start github.mjs "$@" || return
    local work=$1
    shift
    idp_launch "$work" github "$_IDP_DIR/github.mjs" "$@" || return 1
    IDP_ISSUER=$(idp_json_get "$IDP_READY" origin) || return 1
    GH_DEVICE_ENDPOINT=$(idp_json_get "$IDP_READY" device_authorization_endpoint) || return 1
    GH_TOKEN_ENDPOINT=$(idp_json_get "$IDP_READY" token_endpoint) || return 1
    GH_USER_API=$(idp_json_get "$IDP_READY" user_api) || return 1
    GH_CLIENT_ID=$(idp_json_get "$IDP_READY" client_id) || return 1
    IDP_APPROVER=github_approve.mjs
    export IDP_ISSUER GH_DEVICE_ENDPOINT GH_TOKEN_ENDPOINT GH_USER_API GH_CLIENT_ID IDP_APPROVER
    return 0
}

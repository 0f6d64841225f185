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
    local work=$1 name=$2 script=$3 i=0
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
    while [ ! -s "$IDP_READY" ]; do
        if ! kill -0 "$IDP_PID" 2>/dev/null; then
            echo "$name: the server exited during start-up; log $IDP_LOG:" >&2
            cat "$IDP_LOG" >&2
            wait "$IDP_PID" 2>/dev/null || true
            unset IDP_PID
            return 1
        fi
        i=$((i + 1))
        if [ "$i" -gt 150 ]; then
            echo "$name: the server was not ready within 15 s; log $IDP_LOG:" >&2
            cat "$IDP_LOG" >&2
            idp_stop
            return 1
        fi
        sleep 0.1
    done
    IDP_PORT=$(idp_json_get "$IDP_READY" port) || return 1
    IDP_CA=$work/tls/ca.pem
    IDP_TLS_DIR=$work/tls
    export IDP_PORT IDP_CA IDP_TLS_DIR
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

# idp_stop: TERM the provider, KILL it after ~5 s, reap it.
idp_stop() {
    local pid=${IDP_PID:-}
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "idp_stop: pid $pid did not exit on TERM, killing" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
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
idp_approve() {
    if [ $# -lt 2 ]; then
        echo "idp_approve: usage: idp_approve USERCODE LOGIN [approver flags...]" >&2
        return 2
    fi
    local code=$1 login=$2 approver=${IDP_APPROVER:-approve.mjs} url_flag=--issuer
    shift 2
    [ "$approver" = approve.mjs ] || url_flag=--url
    node "${IDP_APP_DIR:-$_IDP_DIR}/$approver" "$url_flag" "$IDP_ISSUER" --ca "$IDP_CA" \
        --user-code "$code" --login "$login" "$@" </dev/null
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

# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Shared by the end-to-end tests (real sshd + ssh, real sudo).  Source it
# with top_srcdir and top_builddir set (the automake harness sets them).
# It sources tests/integration/lib.sh for the TAP helpers (ok, is, like,
# unlike, skip_all, done_testing), the test IdP (idp.sh) and POD_MODULE.
#
# Everything a test creates is registered with e2e_on_exit and undone, in
# reverse order, by the EXIT trap, also when the test fails or is killed.
# shellcheck shell=bash

# shellcheck source=tests/integration/lib.sh
. "${top_srcdir:-$(dirname "${BASH_SOURCE[0]}")/../..}/tests/integration/lib.sh"

E2E_DIR="$top_srcdir/tests/e2e"
E2E_MARK="pod-e2e test user"   # GECOS of the users the tests create
E2E_CLEANUP=()
# The instructions' last line, where nothing is asked (sudo, login: the
# module polls at once): drive.exp's "prompt" there.
# shellcheck disable=SC2034 # read by the tests
E2E_NO_PROMPT_RE='The code expires in [0-9]+ minutes?\.'

# e2e_on_exit COMMAND...: run COMMAND (eval'd) at exit, last registered first.
e2e_on_exit() {
    E2E_CLEANUP+=("$*")
}

e2e_cleanup() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM HUP
    for ((i = ${#E2E_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${E2E_CLEANUP[$i]}" >/dev/null 2>&1
    done
    exit "$rc"
}

# e2e_init NAME: root, the built module and the test IdP's dependencies, a
# work directory ($E2E_WORK, removed at exit), the exit trap, and a lock
# so that two runs of the same test (same users) never overlap.
e2e_init() {
    local name=$1
    [ -z "${POD_SKIP_E2E:-}" ] || skip_all "$POD_SKIP_E2E"
    [ "$(id -u)" -eq 0 ] || skip_all "needs root (creates users, runs sshd/sudo)"
    [ -f "$POD_MODULE" ] || skip_all "module not built ($POD_MODULE)"
    e2e_need expect flock useradd userdel getent setpriv timeout
    trap e2e_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    # The lock is on this script itself: nothing is left behind.
    exec 9<"$0"
    flock -w 150 9 || { echo "Bail out! another $name run holds the lock"; exit 1; }
    E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pod-e2e-$name.XXXXXX")
    chmod 755 "$E2E_WORK"
    e2e_on_exit e2e_remove_work
    export LC_ALL=C.UTF-8 LANG=C.UTF-8
}

e2e_remove_work() {
    if [ "$tap_failed" -gt 0 ] || [ -n "${E2E_KEEP:-}" ]; then
        e2e_dump_logs
    fi
    [ -n "${E2E_KEEP:-}" ] && { echo "# kept $E2E_WORK"; return 0; }
    rm -rf "$E2E_WORK"
}

# e2e_dump_logs: show the logs of a failed run as TAP comments.
e2e_dump_logs() {
    local f
    for f in "$E2E_WORK"/*.log; do
        [ -f "$f" ] || continue
        echo "# ---- $(basename "$f") (tail):"
        tail -n 40 "$f" | sed 's/^/#   /'
    done
}

# e2e_privsep_dir: sshd's privilege separation directory /run/sshd (the
# host's sshd may never have run here), made when missing and removed by
# the last test that used it.  Tests run in parallel: each holds a shared
# lock (on this file) while it runs, and the directory goes only under the
# exclusive lock, and only if a test made it (its mark inside).
e2e_privsep_dir() {
    exec 7<"$E2E_DIR/e2e_lib.sh"
    flock -s -w 150 7 || { echo "Bail out! cannot lock for /run/sshd"; exit 1; }
    if [ ! -d /run/sshd ]; then
        { mkdir -m 755 /run/sshd 2>/dev/null && : >/run/sshd/.pod-e2e-made; } || [ -d /run/sshd ]
    fi
    e2e_on_exit e2e_privsep_release
}

e2e_privsep_release() {
    exec 7<&-
    (
        flock -xn 8 || exit 0
        [ -e /run/sshd/.pod-e2e-made ] || exit 0
        rm -f /run/sshd/.pod-e2e-made && rmdir /run/sshd
    ) 8<"$E2E_DIR/e2e_lib.sh"
}

# e2e_need CMD...: skip the whole test unless every command exists.
e2e_need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
    done
}

# e2e_useradd NAME: a local user (own group, shell /bin/sh, home in the work
# directory, password locked), removed at exit with its processes.  A user
# of that name left behind by a killed run (our GECOS mark) is removed
# first; any other user of that name skips the test.
e2e_useradd() {
    local name=$1 home="$E2E_WORK/home/$1"
    if getent passwd "$name" >/dev/null; then
        if [ "$(getent passwd "$name" | cut -d: -f5)" = "$E2E_MARK" ]; then
            e2e_userdel "$name"
        else
            skip_all "a user $name exists that the tests did not create"
        fi
    fi
    e2e_on_exit e2e_userdel "$name"
    mkdir -p "$E2E_WORK/home"
    chmod 755 "$E2E_WORK/home"
    useradd -M -U -d "$home" -s /bin/sh -c "$E2E_MARK" "$name" ||
        { echo "Bail out! useradd $name failed"; exit 1; }
    mkdir -m 755 "$home"
    chown "$name:$name" "$home"
}

e2e_userdel() {
    local name=$1 uid p
    uid=$(id -u "$name" 2>/dev/null) || return 0
    # Only processes of this throwaway user, by pid.
    for p in $(pgrep -u "$uid" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    userdel -f "$name" 2>/dev/null || true
    if getent group "$name" >/dev/null; then groupdel "$name" 2>/dev/null || true; fi
    return 0
}

# e2e_conf FILE [extra "key = value" lines on stdin]: the module's config,
# owned by root, mode 644.
e2e_conf() {
    {
        echo "issuer = $IDP_ISSUER"
        echo "client_id = pod-test"
        echo "ca_file = $IDP_CA"
        echo "timeout = 60"
        # The run's own cache, not the host's /var/cache.
        echo "cache_dir = $E2E_WORK/cache"
        cat
    } >"$1"
    chown root:root "$1"
    chmod 644 "$1"
}

# e2e_idp [flags]: the test IdP, stopped at exit.
e2e_idp() {
    e2e_on_exit idp_stop
    idp_start "$E2E_WORK" "$@" || { echo "Bail out! the test IdP did not start"; exit 1; }
}

# e2e_requests: how many requests the IdP has seen.
e2e_requests() {
    idp_json_get "$(idp_stats)" requests
}

# e2e_drive NAME [VAR=value...] -- COMMAND...: run COMMAND on a pty under
# drive.exp (the VARs are E2E_APPROVE, E2E_AFTER, ... for it), itself run
# under the command prefix in the array E2E_WRAP if set.  Its files
# go to $E2E_WORK/NAME/; sets D_SCREEN (the screen, CRs removed),
# D_BEFORE (the screen up to the prompt) and D_PROMPTS, D_CODE,
# D_APPROVER_EXIT, D_EXIT, D_TIMED_OUT, D_PROMPT_MS, D_TOTAL_MS,
# D_INTERRUPT_MS, D_APPROVED_MS.
e2e_drive() {
    local name=$1 out="$E2E_WORK/$1" vars=() k v
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    mkdir -p "$out"
    : >"$out/before-prompt"
    env "${vars[@]}" timeout -k 5 150 ${E2E_WRAP+"${E2E_WRAP[@]}"} \
        expect -f "$E2E_DIR/drive.exp" "$out" "$@" \
        >"$out/drive.out" 2>&1 || true
    D_SCREEN="$out/screen.txt"
    tr -d '\r' <"$out/screen" >"$D_SCREEN" 2>/dev/null || : >"$D_SCREEN"
    # shellcheck disable=SC2034 # read by the tests
    D_BEFORE="$out/before-prompt"
    for k in PROMPTS CODE APPROVER_EXIT EXIT TIMED_OUT PROMPT_MS TOTAL_MS INTERRUPT_MS APPROVED_MS; do
        v=$(sed -n "s/^$k=//p" "$out/result" 2>/dev/null)
        printf -v "D_$k" '%s' "$v"
    done
    echo "# $name: exit=$D_EXIT prompts=$D_PROMPTS code=$D_CODE approver=$D_APPROVER_EXIT prompt_ms=$D_PROMPT_MS total_ms=$D_TOTAL_MS interrupt_ms=$D_INTERRUPT_MS approved_ms=$D_APPROVED_MS timed_out=$D_TIMED_OUT"
    if [ ! -s "$out/result" ]; then
        echo "# drive.exp gave no result:"
        sed 's/^/#   /' "$out/drive.out"
    fi
}

# e2e_sshd_start SSHD WRITE_CONFIG: start the sshd binary SSHD (a symlink
# named after its PAM service) with the config that "WRITE_CONFIG PORT"
# writes to $E2E_WORK/sshd_config, on a free port (three tries), under the
# command prefix in the array SSHD_WRAP if set (it must exec sshd, so that
# the pid stays sshd's).  Sets PORT, SSHD_PID, SSHD_LOG and E2E_SSH (the
# ssh client command for it, no host key kept, keyboard-interactive only);
# sshd is stopped at exit; one TAP line says whether it listens, a
# bail-out if not.
e2e_sshd_start() {
    local bin=$1 write=$2 started=1 i
    SSHD_LOG=$E2E_WORK/sshd.log
    SSHD_PID=
    e2e_on_exit e2e_sshd_stop
    for _ in 1 2 3; do
        PORT=$(e2e_free_port)
        "$write" "$PORT"
        "$bin" -t -f "$E2E_WORK/sshd_config" || { echo "Bail out! sshd -t rejects the config"; exit 1; }
        : >"$SSHD_LOG"
        E2E_TAG=${E2E_TAG:-} ${SSHD_WRAP+"${SSHD_WRAP[@]}"} "$bin" -D -f "$E2E_WORK/sshd_config" \
            -E "$SSHD_LOG" </dev/null >/dev/null 2>&1 &
        SSHD_PID=$!
        for ((i = 0; i < 100; i++)); do
            grep -q "Server listening on 127.0.0.1 port $PORT" "$SSHD_LOG" && { started=0; break; }
            kill -0 "$SSHD_PID" 2>/dev/null || break
            sleep 0.1
        done
        [ "$started" -eq 0 ] && break
        e2e_sshd_stop
    done
    ok "$started" "sshd ($(basename "$bin")) listens on 127.0.0.1:$PORT"
    [ "$started" -eq 0 ] || { sed 's/^/# /' "$SSHD_LOG"; echo "Bail out! sshd did not start"; exit 1; }
    # shellcheck disable=SC2034 # read by the tests
    E2E_SSH=(ssh -F /dev/null -p "$PORT" -o StrictHostKeyChecking=no
        -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null
        -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1 -o BatchMode=no
        -o ServerAliveInterval=0)
}

e2e_sshd_stop() {
    [ -n "${SSHD_PID:-}" ] && e2e_kill_tree "$SSHD_PID"
    SSHD_PID=
}

# e2e_free_port: a TCP port free on 127.0.0.1 right now.
e2e_free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# e2e_kill_tree PID: TERM the process and all its descendants, KILL
# whatever is left after ~5 s, reap PID if it is our child.
e2e_kill_tree() {
    local pid=$1 all i p alive
    all=$(e2e_descendants "$pid")
    kill -TERM $all "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive=0
        for p in $all $pid; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 1 ] || break
        sleep 0.1
    done
    for p in $all $pid; do kill -KILL "$p" 2>/dev/null || true; done
    wait "$pid" 2>/dev/null || true
    return 0
}

e2e_descendants() {
    local c
    for c in $(pgrep -P "$1" 2>/dev/null); do
        echo "$c"
        e2e_descendants "$c"
    done
}

# e2e_log_mark FILE: the current size of FILE, for e2e_log_since.
e2e_log_mark() {
    stat -c %s "$1" 2>/dev/null || echo 0
}

# e2e_log_since FILE MARK OUT: what FILE gained since MARK, into OUT.
e2e_log_since() {
    tail -c +"$(($2 + 1))" "$1" >"$3" 2>/dev/null || : >"$3"
}

# e2e_wait_for FILE REGEX SECONDS: wait until FILE has a line matching.
e2e_wait_for() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# e2e_tagged_pids TAG: processes whose environment holds E2E_TAG=TAG (what
# a test started with that tag, and their children, however re-parented).
e2e_tagged_pids() {
    local f
    for f in /proc/[0-9]*/environ; do
        if grep -qzx "E2E_TAG=$1" "$f" 2>/dev/null; then
            f=${f#/proc/}
            echo "${f%/environ}"
        fi
    done
}

# e2e_teardown: undo everything now (the exit trap then has nothing left),
# so that the test can check that nothing was left behind.
e2e_teardown() {
    local i
    set +e
    for ((i = ${#E2E_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${E2E_CLEANUP[$i]}" >/dev/null 2>&1
    done
    E2E_CLEANUP=()
    set -e
}

# e2e_qr_decode FILE: decode the first UTF-8 half-block QR code drawn in
# FILE with zbarimg, as the module draws it: each line black on white
# (SGR 30;47 ... SGR 0, dark modules as blocks) or, without colours, light
# modules as blocks; prints what it holds.  Returns 2 when zbarimg is not
# installed.
e2e_qr_decode() {
    command -v zbarimg >/dev/null 2>&1 || return 2
    local pbm="$E2E_WORK/qr.$$.pbm"
    node -e '
const ON = "\x1b[30;47m", OFF = "\x1b[0m";
const colored = l => l.startsWith(ON) && l.endsWith(OFF);
const lines = require("fs").readFileSync(process.argv[1], "utf8").split(/\r?\n/)
  .map(l => colored(l) ? { ink: 1, text: l.slice(ON.length, -OFF.length) } : { ink: 0, text: l });
const isQr = l => l.text.length > 10 && /^[ \u2580\u2584\u2588]+$/.test(l.text) && /[\u2580\u2584\u2588]/.test(l.text);
let i = lines.findIndex(isQr);
if (i < 0) process.exit(1);
const rows = [];
for (; i < lines.length && isQr(lines[i]); i++) {
  const top = [], bot = [], ink = lines[i].ink, blank = 1 - ink; // 1 = dark
  for (const c of lines[i].text) {
    top.push(c === "\u2588" || c === "\u2580" ? ink : blank);
    bot.push(c === "\u2588" || c === "\u2584" ? ink : blank);
  }
  rows.push(top, bot);
}
const S = 4, Q = 8, w = Math.max(...rows.map(r => r.length));
if (rows.length > w) rows.length = w; // the undrawn half row under an odd square
const W = (w + 2 * Q) * S, H = (rows.length + 2 * Q) * S;
const out = ["P1", W + " " + H];
for (let y = 0; y < rows.length + 2 * Q; y++) {
  const r = rows[y - Q] || [];
  const px = [];
  for (let x = 0; x < w + 2 * Q; x++) { const v = r[x - Q] === 1 ? "1" : "0"; for (let k = 0; k < S; k++) px.push(v); }
  const line = px.join(" ");
  for (let k = 0; k < S; k++) out.push(line);
}
require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$1" "$pbm" || return 1
    zbarimg -q --raw "$pbm" 2>/dev/null
}

# e2e_qr_shape FILE: "LINES WIDTH" of the first UTF-8 half-block QR code in
# FILE (WIDTH in characters), "0 0" when there is none.
e2e_qr_shape() {
    node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
const isQr = l => /^[ \u2580\u2584\u2588]+$/.test(l) && /[\u2580\u2584\u2588]/.test(l);
let i = lines.findIndex(isQr), n = 0, w = 0;
for (; i >= 0 && i < lines.length && isQr(lines[i]); i++) { n++; w = Math.max(w, [...lines[i]].length); }
console.log(n + " " + w);
' "$1"
}

# e2e_qr_is FILE EXPECTED DESCRIPTION: the QR code drawn in FILE decodes to
# EXPECTED (a TAP skip when zbarimg is not installed).
e2e_qr_is() {
    local got rc=0
    got=$(e2e_qr_decode "$1") || rc=$?
    if [ "$rc" -eq 2 ]; then
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - $3 # SKIP zbarimg (zbar-tools) is not installed"
    else
        is "$got" "$2" "$3"
    fi
}

# e2e_pending_polls: how many token polls the IdP has answered with
# authorization_pending so far.
e2e_pending_polls() {
    idp_stats | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token_polls.filter(p=>p.error==="authorization_pending").length))'
}

# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Shared by the integration tests: a TAP writer, a throwaway world (users
# through nss_wrapper, a PAM confdir, a config file), the test IdP, and a
# runner for the built module through real libpam.  Source it, with
# top_srcdir and top_builddir set (the automake harness sets them).
# shellcheck shell=bash
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

. "$top_srcdir/tests/idp/idp.sh"

POD_MODULE="$top_builddir/.libs/pam_oauth_device.so"
POD_DRIVER="$top_builddir/tests/integration/pam_driver"
POD_SHIM="$top_builddir/tests/integration/.libs/libsyslog_capture.so"
NSS_WRAPPER_LIB=$(ls /usr/lib/*/libnss_wrapper.so 2>/dev/null | head -n 1)

tap_n=0
tap_failed=0

ok() { # ok STATUS DESCRIPTION  (STATUS 0 = pass; TAP_TODO=reason marks a known limit)
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    elif [ -n "${TAP_TODO:-}" ]; then
        echo "not ok $tap_n - $2 # TODO $TAP_TODO"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

ok_if() { # ok_if DESCRIPTION 'SHELL CONDITION' (safe under set -e)
    local r=0
    eval "$2" || r=1
    ok "$r" "$1"
}

ok_time() { # ok_time DESCRIPTION 'CONDITION': a timing bound, void under valgrind
    if [ -n "${POD_VALGRIND:-}" ]; then
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - $1 # SKIP timing under valgrind"
    else
        ok_if "$@"
    fi
}

is() { # is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "# got '$1', expected '$2'"; fi
}

# diag_file FILE: FILE as TAP comments (its first 15 and last 25 lines when
# longer), each line ended even when the file's last is not.
diag_file() {
    awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++) {
        if (NR > 40 && i == 16) { print "#   ..."; i = NR - 25; continue }
        print "#   " l[i] } }' "$1"
}

like() { # like FILE REGEX DESCRIPTION
    if grep -Eq -- "$2" "$1"; then ok 0 "$3"; else ok 1 "$3"; echo "# /$2/ not in $1:"; diag_file "$1"; fi
}

unlike() { # unlike FILE REGEX DESCRIPTION
    if grep -Eq -- "$2" "$1"; then ok 1 "$3"; echo "# /$2/ found in $1"; else ok 0 "$3"; fi
}

skip_all() {
    echo "1..0 # SKIP $1"
    exit 0
}

done_testing() {
    echo "1..$tap_n"
}

pod_cleanup() {
    set +e
    idp_stop >/dev/null 2>&1
    if [ -n "${POD_WORK:-}" ] && [ -d "$POD_WORK" ]; then
        if [ "$tap_failed" -gt 0 ] && [ -f "${IDP_LOG:-}" ]; then
            echo "# IdP log (tail):"; tail -n 30 "$IDP_LOG" | sed 's/^/#   /'
        fi
        if [ "$tap_failed" -gt 0 ] && [ -f "$POD_WORK/approver.log" ]; then
            echo "# approver log (tail):"; tail -n 10 "$POD_WORK/approver.log" | sed 's/^/#   /'
        fi
        rm -rf "$POD_WORK"
    fi
}

# pod_setup [idp flags...]: a world and a running test IdP.
pod_setup() {
    [ -z "${POD_SKIP_INTEGRATION:-}" ] || skip_all "$POD_SKIP_INTEGRATION"
    [ "$(id -u)" -eq 0 ] || skip_all "needs root (config files must be owned by root)"
    [ -x "$POD_DRIVER" ] && [ -f "$POD_MODULE" ] || skip_all "module or driver not built"
    [ -n "$NSS_WRAPPER_LIB" ] || skip_all "libnss-wrapper is not installed"
    POD_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pod-it.XXXXXX")
    chmod 755 "$POD_WORK"
    trap pod_cleanup EXIT
    trap 'exit 1' INT TERM
    cat >"$POD_WORK/passwd" <<PW
root:x:0:0:root:/root:/bin/sh
alice:x:2001:2001:Alice:/nonexistent:/bin/sh
bob:x:2002:2002:Bob:/nonexistent:/bin/sh
carol:x:2003:2003:Carol:/nonexistent:/bin/sh
PW
    cat >"$POD_WORK/group" <<GR
root:x:0:
users:x:2001:alice,bob,carol
GR
    mkdir -m 755 "$POD_WORK/pam.d"
    POD_CONF="$POD_WORK/pod.conf"
    pod_valgrind_start
    pod_service "config=$POD_CONF"
    if [ "${1:-}" != "--no-idp" ]; then
        idp_start "$POD_WORK" "$@"
    fi
}

# pod_service ARGS...: the PAM service pod-test with these module arguments.
pod_service() {
    echo "auth required $POD_MODULE $*" >"$POD_WORK/pam.d/pod-test"
}

# pod_config [key = value lines on stdin]: the usual config plus extras.
pod_config() {
    {
        echo "issuer = ${IDP_ISSUER:-https://127.0.0.1:9}"
        echo "client_id = pod-test"
        [ -z "${IDP_CA:-}" ] || echo "ca_file = $IDP_CA"
        echo "timeout = 30"
        # A cache of this provider's own (a restarted one has new keys),
        # or POD_CACHE_DIR.
        echo "cache_dir = ${POD_CACHE_DIR:-$POD_WORK/cache.${IDP_PID:-none}}"
        cat
    } >"$POD_CONF"
    chmod 644 "$POD_CONF"
}

# pod_run USER [driver args]: authenticates USER; sets RESULT, ELAPSED_MS,
# and leaves the output in $POD_OUT and log lines in $POD_LOG (nss_wrapper
# without RTLD_DEEPBIND, which AddressSanitizer refuses).
# POD_DRIVER_WRAP, if set, is a command the driver runs under (split on
# blanks), e.g. POD_DRIVER_WRAP="valgrind --log-file=F" pod_run alice.
pod_run() {
    local user=$1 start end
    local -a wrap
    shift
    read -ra wrap <<<"${POD_DRIVER_WRAP:-}"
    pod_valgrind_cmd
    POD_OUT="$POD_WORK/out.$tap_n"
    POD_LOG="$POD_WORK/syslog.$tap_n"
    : >"$POD_LOG"
    start=$(date +%s%N)
    env LD_PRELOAD="$NSS_WRAPPER_LIB $POD_SHIM" \
        NSS_WRAPPER_PASSWD="$POD_WORK/passwd" NSS_WRAPPER_GROUP="$POD_WORK/group" \
        NSS_WRAPPER_DISABLE_DEEPBIND=1 \
        POD_SYSLOG_FILE="$POD_LOG" \
        timeout 120 "${wrap[@]}" "${POD_VG_CMD[@]}" "$POD_DRIVER" --confdir "$POD_WORK/pam.d" --user "$user" "$@" \
        >"$POD_OUT" 2>&1 || true
    end=$(date +%s%N)
    # shellcheck disable=SC2034 # read by the tests' timing checks
    ELAPSED_MS=$(( (end - start) / 1000000 - ${POD_VALGRIND_START_MS:-0} ))
    # A run in a background subshell (tap_n not a number) is checked by
    # its caller once it is waited for.
    case $tap_n in *[!0-9]*) ;; *) pod_valgrind_check "$tap_n" ;; esac
    RESULT=$(sed -n 's/^PAM_RESULT=//p' "$POD_OUT")
}

# With POD_VALGRIND=1 every run of the module is checked by valgrind:
# any error or definitely lost block is a failed test.  Valgrind's own
# start-up time is measured once and taken off ELAPSED_MS, so the timing
# assertions keep their meaning.
# pod_valgrind_cmd: sets POD_VG_CMD, the command a run of the module goes
# under (none without POD_VALGRIND), its log named after this run's tap_n.
pod_valgrind_cmd() {
    POD_VG_CMD=()
    [ -n "${POD_VALGRIND:-}" ] || return 0
    POD_VG_CMD=(valgrind --quiet --error-exitcode=0 --leak-check=full --show-leak-kinds=definite
        --errors-for-leak-kinds=definite "--suppressions=$top_srcdir/tests/integration/valgrind.supp"
        "--log-file=$POD_WORK/vg.$tap_n.%p")
}

pod_valgrind_check() { # pod_valgrind_check KEY (the run's tap_n when it ran)
    [ -n "${POD_VALGRIND:-}" ] || return 0
    local logs key=$1
    logs=$(find "$POD_WORK" -maxdepth 1 -name "vg.$key.*" -size +0)
    if [ -z "$logs" ]; then
        ok 0 "valgrind: no errors, no definitely lost blocks"
    else
        ok 1 "valgrind: no errors, no definitely lost blocks"
        sed 's/^/#   /' $logs | head -n 40
    fi
    rm -f "$POD_WORK"/vg.$key.*
}

pod_valgrind_start() {
    [ -n "${POD_VALGRIND:-}" ] || return 0
    local start end
    start=$(date +%s%N)
    valgrind --quiet "$POD_DRIVER" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    POD_VALGRIND_START_MS=$(( (end - start) / 1000000 ))
}

# The command the driver runs at the prompt: read the code from the
# message, as a person would, and approve (or deny) as LOGIN.
approve_cmd() { # approve_cmd LOGIN [approve.mjs flags]
    echo "env -u LD_PRELOAD bash '$top_srcdir/tests/integration/approve-from-info.sh' $*"
}

# The two runners of the table-driven tests (authz, mapping, user_map,
# bad_config): each call is one row.
#
# login_case USER APPROVER RESULT DESCRIPTION [REGEX REGEX_DESCRIPTION]:
# USER logs in and APPROVER approves at the test IdP; the result must be
# RESULT and, when given, the module's log must match REGEX.
login_case() {
    pod_run "$1" --approve-cmd "$(approve_cmd "$2")"
    is "$RESULT" "$3" "$4"
    [ $# -lt 5 ] || like "$POD_LOG" "$5" "$6"
}

# refused_case DESCRIPTION REGEX: alice's login is refused at load time:
# PAM_SERVICE_ERR, a LOG_ERR line matching REGEX and, when a test IdP
# runs, no request reached it.
refused_case() {
    local before=
    [ -z "${IDP_PID:-}" ] || before=$(idp_json_get "$(idp_stats)" requests)
    pod_run alice
    is "$RESULT" PAM_SERVICE_ERR "$1 gives PAM_SERVICE_ERR"
    like "$POD_LOG" "^<3> .*$2" "$1 is logged at LOG_ERR"
    [ -z "${IDP_PID:-}" ] || is "$(idp_json_get "$(idp_stats)" requests)" "$before" "$1: no request reached the IdP"
}

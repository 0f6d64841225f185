# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Shared by hostile_tokens.test and hostile_claims.test: forged and broken
# ID tokens from the real test provider.  Its TEST-ONLY `--tamper MODE`
# middleware (tests/idp/server.mjs, modes in tests/idp/README.md) rewrites
# the id_token of the device_code token answer after oidc-provider made it,
# and for some modes the JWKS too.  One provider per mode.  Source it after
# lib.sh; call hostile_begin, hostile ... for each mode, then hostile_end.
# shellcheck shell=bash

hostile_begin() {
    pod_setup --no-idp
    # debug: the module also logs the verified claims; still no token may leak
    pod_service "config=$POD_CONF debug"
    HOSTILE_LOGS=$POD_WORK/all-syslog
    : >"$HOSTILE_LOGS"
    ESC=$(printf '\033')
    # the reason the module logs for a token that fails verification
    R='ID token rejected: '
}

# hostile MODE EXPECTED_RESULT LOG_REGEX [USER [APPROVER [JWKS_FETCHES]]]
#   USER logs in (default alice) and APPROVER (default alice) approves at
#   the provider; JWKS_FETCHES, when given, is the expected number of GET
#   /jwks (from /test/stats).
hostile() {
    local mode=$1 want=$2 re=$3 user=${4:-alice} approver=${5:-alice} fetches=${6:-}
    local jwks
    if ! idp_start "$POD_WORK" --interval 1 --tamper "$mode"; then
        ok 1 "$mode: the provider starts"
        return 0
    fi
    pod_config </dev/null
    pod_run "$user" --approve-cmd "$(approve_cmd "$approver")"
    cat "$POD_LOG" >>"$HOSTILE_LOGS"
    grep -h -e "$R" -e 'login refused' -e 'login accepted' "$POD_LOG" | sed "s/^/# $mode: /" || true
    like "$IDP_LOG" "tamper ${mode//+/\\+}: id_token rewritten" "$mode: the provider rewrote the ID token"
    is "$RESULT" "$want" "$mode: $want"
    like "$POD_LOG" "$re" "$mode: the log names the reason"
    if [ "$want" = PAM_SUCCESS ]; then
        unlike "$POD_LOG" "$R" "$mode: no rejection is logged"
    else
        like "$POD_LOG" "login refused: user=$user " "$mode: the audit line refuses $user"
        if grep -q "$R" "$POD_LOG"; then
            like "$POD_LOG" "login refused: .* sub=- " "$mode: a rejected token names no subject in the audit line"
        fi
    fi
    jwks=$(idp_json_get "$(idp_stats)" jwks || echo '?')
    if [ -n "$fetches" ]; then
        is "$jwks" "$fetches" "$mode: $fetches JWKS fetches (one refetch for an unknown kid)"
    else
        echo "# $mode: $jwks JWKS fetch(es)"
    fi
    idp_stop
}

hostile_end() {
    unlike "$HOSTILE_LOGS" 'eyJ[A-Za-z0-9_-]+\.eyJ' "no token in the module's log"
    unlike "$HOSTILE_LOGS" "$ESC" "no raw ESC in the module's log"
    cat "$POD_WORK"/idp.log* >"$POD_WORK/all-idp-logs"
    unlike "$POD_WORK/all-idp-logs" 'eyJ[A-Za-z0-9_-]+\.eyJ' "no token in the provider's log"
    done_testing
}

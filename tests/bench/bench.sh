#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# The benchmark (make bench, never part of make check): logins through real
# libpam against the test IdP, one shared headless approver (approve.mjs
# --serve) approving each code on the provider's pages as it shows, with
# the cache on and off; figures, never pass/fail.
#   POD_BENCH_N      logins in a row (default 5)
#   POD_BENCH_M      how many at once, a list (default "10 100"; try 500)
# Per login: requests by endpoint and TLS connections (the provider's
# /test/stats), time to show the code and approval to success (medians),
# the module's CPU and max RSS (the driver's own rusage: the approver, its
# child, is not counted).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/integration/lib.sh"
N=${POD_BENCH_N:-5}
M_LIST=${POD_BENCH_M:-10 100}

pod_setup --interval 1
# One approver process for all logins: a node process per login would
# load the machine more than the logins do.
idp_approver_start
# The approvals of many logins at once take a while: a longer timeout.
pod_service "config=$POD_CONF timeout=300"
export IDP_APPROVER_WAIT=300

# one_login KEY: one login as alice, its output in $POD_WORK/out.KEY and
# the time the approver was done in $POD_WORK/approved.KEY.
one_login() {
    tap_n=$1
    pod_run alice --approve-cmd "$(approve_cmd alice); date +%s%N >$POD_WORK/approved.$1"
}

# figures LABEL COUNT WALL_MS KEYS...: one line of the table from the
# provider's counters since $POD_WORK/stats.before and the runs' outputs.
figures() {
    local label=$1 count=$2 wall=$3 key ok=0
    shift 3
    idp_stats >"$POD_WORK/stats.after"
    : >"$POD_WORK/runs"
    for key in "$@"; do
        if grep -q '^PAM_RESULT=PAM_SUCCESS$' "$POD_WORK/out.$key"; then
            ok=$((ok + 1))
        elif [ ! -s "$POD_WORK/failed.$label" ]; then
            # The first failure's log, shown after the table line.
            { grep -h '^PAM_RESULT=' "$POD_WORK/out.$key"; grep -v 'no default config' \
                "$POD_WORK/syslog.$key"; } 2>/dev/null | head -n 5 >"$POD_WORK/failed.$label"
        fi
        awk -v approved="$(cat "$POD_WORK/approved.$key" 2>/dev/null || echo 0)" -F= '
            /^SHOWN_MS=/ { shown = $2 } /^CPU_MS=/ { cpu = $2 }
            /^MAXRSS_KB=/ { rss = $2 } /^DONE_NS=/ { done = $2 }
            END { print shown, (approved > 0 ? (done - approved) / 1e6 : -1), cpu, rss }' \
            "$POD_WORK/out.$key" >>"$POD_WORK/runs"
    done
    node -e '
const fs = require("fs");
const [b, a, runs, label, count, wall, ok] = process.argv.slice(1);
const s0 = JSON.parse(fs.readFileSync(b)), s1 = JSON.parse(fs.readFileSync(a));
const n = Number(count);
const per = (k) => ((s1[k] - s0[k]) / n).toFixed(2);
const polls = ((s1.token_polls.length - s0.token_polls.length) / n).toFixed(2);
const rows = fs.readFileSync(runs, "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
const median = (i) => { const v = rows.map((r) => r[i]).filter((x) => x >= 0).sort((x, y) => x - y);
  return v.length ? v[Math.floor(v.length / 2)].toFixed(0) : "-"; };
const mean = (i) => (rows.reduce((t, r) => t + r[i], 0) / rows.length).toFixed(1);
const max = (i) => Math.max(...rows.map((r) => r[i]));
console.log([label.padEnd(22), `${ok}/${n}`.padStart(7), per("discovery").padStart(6),
  per("jwks").padStart(6), per("device_requests").padStart(6), polls.padStart(6),
  per("userinfo").padStart(6), per("api_connections").padStart(6), median(0).padStart(7),
  median(1).padStart(7), mean(2).padStart(7), String(max(3)).padStart(8),
  String(wall).padStart(8)].join(" "));
' "$POD_WORK/stats.before" "$POD_WORK/stats.after" "$POD_WORK/runs" "$label" "$count" "$wall" "$ok"
}

# phase LABEL CACHE_CONFIG AT_ONCE COUNT [warm]: COUNT logins, AT_ONCE at
# a time (1: in a row), on a cold cache (or none); warm: after one login
# that is not counted.
phase() {
    local label=$1 conf=$2 at_once=$3 count=$4 i start end
    local -a keys=() pids=()
    rm -rf "$POD_WORK/bench-cache"
    POD_CACHE_DIR=$POD_WORK/bench-cache pod_config <<<"$conf"
    [ "${5:-}" != warm ] || one_login "$label.warm-up"
    idp_stats >"$POD_WORK/stats.before"
    start=$(date +%s%N)
    for i in $(seq 1 "$count"); do
        keys+=("$label.$i")
        if [ "$at_once" -eq 1 ]; then
            one_login "$label.$i"
        else
            (one_login "$label.$i") &
            pids+=($!)
        fi
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    end=$(date +%s%N)
    label=${label//_/ }
    figures "$label" "$count" "$(( (end - start) / 1000000 ))" "${keys[@]}"
    [ ! -s "$POD_WORK/failed.$label" ] || sed 's/^/#   first failure: /' "$POD_WORK/failed.$label"
}

echo "# pam_oauth_device benchmark: $(nproc) CPU(s), test IdP on 127.0.0.1, interval 1 s"
echo "# per login: requests by endpoint (disc, jwks, device, polls, userinfo), the TLS"
echo "# connections they came over, median ms to show the code and from approval to success, mean"
echo "# CPU ms and max RSS KiB of the PAM process; wall: ms for the whole phase"
printf '%-22s %7s %6s %6s %6s %6s %6s %6s %7s %7s %7s %8s %8s\n' phase ok disc jwks device \
    polls uinfo conns show approve cpu_ms rss_kb wall_ms
phase "cache_warm,_${N}_in_a_row" "" 1 "$N" warm
phase "cache_cold,_${N}_in_a_row" "" 1 "$N"
phase "cache_off,_${N}_in_a_row" "cache = no" 1 "$N"
for m in $M_LIST; do
    phase "cache_cold,_${m}_at_once" "" "$m" "$m"
    phase "cache_off,_${m}_at_once" "cache = no" "$m" "$m"
done

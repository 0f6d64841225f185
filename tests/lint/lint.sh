# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Shared by the lint tests: one TAP line per file checked by a tool.
# shellcheck shell=sh

# lint_need TOOL: bail out when TOOL is missing (the target asked for it).
lint_need() {
    command -v "$1" >/dev/null 2>&1 || { echo "Bail out! $1 is not installed"; exit 1; }
}

# lint_each CHECK FILE...: runs the shell function CHECK on each FILE (a
# path relative to the current directory); a file passes when CHECK exits
# 0 and prints nothing.  What it printed is shown as TAP comments; the
# exit status is 0 either way (the harness counts the "not ok" lines).
lint_each() {
    lint_check=$1
    shift
    [ $# -gt 0 ] || { echo "Bail out! no files to check"; exit 1; }
    echo "1..$#"
    lint_n=0
    for lint_f in "$@"; do
        lint_n=$((lint_n + 1))
        if lint_out=$("$lint_check" "$lint_f" 2>&1) && [ -z "$lint_out" ]; then
            echo "ok $lint_n - $lint_f"
        else
            echo "not ok $lint_n - $lint_f"
            printf '%s\n' "$lint_out" | sed 's/^/# /'
        fi
    done
}

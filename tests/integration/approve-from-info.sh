#!/bin/bash
# Run by pam_driver at the prompt: find the user code in the message the
# module showed ($POD_INFO) and approve it in the test IdP's pages.
set -eu
. "$(dirname "$0")/../idp/idp.sh"
code=$(printf '%s\n' "$POD_INFO" | sed -n 's/^.*[Cc]ode: *//p' | head -n 1)
[ -n "$code" ] || { echo "approve-from-info: no code in the message" >&2; exit 2; }
login=$1
shift
# POD_APPROVE_WITH=github_approve: github.mjs's pages instead of the IdP's.
"${POD_APPROVE_WITH:-idp_approve}" "$code" "$login" "$@"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Run by pam_driver at the prompt: find the user code in the message the
# module showed ($POD_INFO) and approve it in the test IdP's pages.
set -eu
. "$(dirname "$0")/../idp/idp.sh"
# "Enter code: X", "Code eingeben: X", "Saisissez le code : X".
code=$(printf '%s\n' "$POD_INFO" | sed -n 's/^.*[Cc]ode[^:]*: *//p' | head -n 1)
[ -n "$code" ] || { echo "approve-from-info: no code in the message" >&2; exit 2; }
login=$1
shift
# idp_approve picks the pages of the running server ($IDP_APPROVER).
idp_approve "$code" "$login" "$@"

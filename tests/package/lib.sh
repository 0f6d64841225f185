# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Shared by the package tests: a copy of the source tree to build from.
# shellcheck shell=bash

# pkg_copy_tree DEST: the files git knows of (tracked, and new ones not
# ignored), as they are in the work tree, copied to DEST; build products
# stay behind, so the package builds from what a clean checkout would hold.
pkg_copy_tree() {
    mkdir -p "$1"
    git -C "${top_srcdir:?}" ls-files -z -co --exclude-standard |
        (cd "$top_srcdir" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
        tar -C "$top_srcdir" --null -T - -cf - | tar -C "$1" -xf -
}

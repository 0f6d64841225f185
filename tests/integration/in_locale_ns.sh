#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Run under `unshare --mount --propagation private`: mounts a catalogue tree
# over the module's $(localedir) in this namespace only (an overlay on its
# nearest existing parent creates it when missing), then runs the command.
# in_locale_ns.sh LOCALEDIR TREE SCRATCH CMD...  (SCRATCH: an empty directory)
set -eu
dir=$1 tree=$2 scratch=$3
shift 3
top=$dir
while [ ! -d "$top" ]; do top=$(dirname "$top"); done
if [ "$top" != "$dir" ]; then
    mount -t tmpfs tmpfs "$scratch"
    mkdir "$scratch/up" "$scratch/work"
    mount -t overlay overlay -o "lowerdir=$top,upperdir=$scratch/up,workdir=$scratch/work" "$top"
    mkdir -p "$dir"
fi
mount --bind "$tree" "$dir"
exec "$@"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# Fuzz one target with libFuzzer, ASan and UBSan (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh [--merge] TARGET [SECONDS] [-- LIBFUZZER_ARGS...]
#
# TARGET is config, device, discovery, group_map, jwks, jwt, token or
# user_map (or fuzz_NAME).
# SECONDS defaults to 60.  The target and the library sources are compiled
# with clang into $FUZZ_BUILD/TARGET (default tests/fuzz/build/TARGET, which
# git ignores): no configure or make needed.  libFuzzer reads the committed
# corpus tests/fuzz/corpus/fuzz_TARGET but writes what it finds only into
# $FUZZ_BUILD/TARGET/corpus; with --merge, the inputs that add coverage are
# then copied into the committed corpus (review them before committing).
#
# Exit 0 when the time ran out without a finding; otherwise libFuzzer's
# status, and the path of the crash, leak or timeout input is printed.
# Environment: CC (default clang), FUZZ_BUILD, FUZZ_CFLAGS (added).  Paths
# with blanks are not supported.  Run targets side by side, one per core.
set -eu

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
merge=0
while [ $# -gt 0 ]; do
    case $1 in
    --merge) merge=1; shift ;;
    -h | --help) usage ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
target=fuzz_${1#fuzz_}
shift
seconds=60
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    seconds=$1
    shift
fi
[ $# -eq 0 ] || { [ "$1" = "--" ] && shift; }
case $seconds in '' | *[!0-9]*) echo "run.sh: SECONDS must be a number" >&2; exit 2 ;; esac
[ -f "$here/$target.c" ] || { echo "run.sh: no target $here/$target.c" >&2; exit 2; }

CC=${CC:-clang}
build=${FUZZ_BUILD:-$here/build}/$target
mkdir -p "$build/obj" "$build/include" "$build/corpus" "$build/artifacts"
build=$(cd "$build" && pwd)
seeds=$here/corpus/$target
seeds_dir=
[ -d "$seeds" ] && seeds_dir=$seeds

# The library sources need config.h and the -D of Makefile.am; only a few
# of their macros are used (the locale directory by login.c, never reached).
cat >"$build/include/config.h.new" <<'EOF'
/* Written by tests/fuzz/run.sh. */
#define PACKAGE_NAME "pam_oauth_device"
#define PACKAGE_VERSION "fuzz"
#define HAVE_EXPLICIT_BZERO 1
#define POD_LOCALEDIR "/usr/share/locale"
EOF
if cmp -s "$build/include/config.h.new" "$build/include/config.h"; then
    rm "$build/include/config.h.new"
else
    mv "$build/include/config.h.new" "$build/include/config.h"
fi

deps="libcurl libcrypto libcjson libqrencode pam"
# shellcheck disable=SC2086 # word splitting wanted
dep_cflags=$(pkg-config --cflags $deps)
# shellcheck disable=SC2086
dep_libs=$(pkg-config --libs $deps)
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $sanitize -I$build/include -I$top/pam_oauth_device \
-I$here $dep_cflags ${FUZZ_CFLAGS:-}"

# Compile what changed: every library source but the PAM entry points,
# instrumented for coverage (fuzzer-no-link), into one archive.
lib_sources=
for src in "$top"/pam_oauth_device/*.c; do
    src=${src##*/}
    [ "$src" = pam_oauth_device.c ] || lib_sources="$lib_sources $src"
done
# shellcheck disable=SC2012 # names without blanks
newest_header=$(ls -t "$top"/pam_oauth_device/*.h "$here"/*.h "$build/include/config.h" "$0" | head -n 1)
objs=
for src in $lib_sources; do
    obj=$build/obj/${src%.c}.o
    objs="$objs $obj"
    if [ ! -f "$obj" ] || [ "$top/pam_oauth_device/$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        echo "run.sh: CC $src"
        # shellcheck disable=SC2086
        "$CC" $cflags -fsanitize=fuzzer-no-link -c "$top/pam_oauth_device/$src" -o "$obj"
    fi
done
rm -f "$build/libpod-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$build/libpod-fuzz.a" $objs
echo "run.sh: LD $target"
# shellcheck disable=SC2086
if ! "$CC" $cflags -fsanitize=fuzzer "$here/$target.c" "$build/libpod-fuzz.a" $dep_libs \
    -o "$build/$target"; then
    echo "run.sh: cannot link $target; does $CC have libFuzzer? (Debian: libclang-rt-14-dev)" >&2
    exit 2
fi

# A JSON target gets the JSON dictionary too.
dict=$build/$target.dict
: >"$dict"
case $target in
fuzz_device | fuzz_token | fuzz_discovery | fuzz_jwks) cat "$here/dict/json.dict" >>"$dict" ;;
esac
[ -f "$here/dict/$target.dict" ] && cat "$here/dict/$target.dict" >>"$dict"
dict_arg=
[ -s "$dict" ] && dict_arg=-dict=$dict

# libFuzzer writes new inputs into the first directory only.  Finds go to
# artifacts/ (crash-*, leak-*, timeout-*, oom-*).
marker=$build/.started
: >"$marker"
set +e
cd "$build"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 ${dict_arg:+"$dict_arg"} -artifact_prefix="$build/artifacts/" \
    "$@" "$build/corpus" ${seeds_dir:+"$seeds_dir"}
rc=$?
set -e

found=$(find "$build/artifacts" -maxdepth 1 -type f -newer "$marker" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    echo "run.sh: $target FAILED (libFuzzer exit $rc)" >&2
    for f in $found; do
        echo "run.sh: reproducer: $f" >&2
    done
    echo "run.sh: replay one with: $build/$target FILE" >&2
    [ "$rc" -ne 0 ] || rc=1
    exit "$rc"
fi
if [ "$merge" -eq 1 ]; then
    mkdir -p "$seeds"
    echo "run.sh: merging new coverage into $seeds"
    "$build/$target" -merge=1 -timeout=10 "$@" "$seeds" "$build/corpus"
fi
echo "run.sh: $target: no finding in ${seconds}s"

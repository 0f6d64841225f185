dnl SPDX-License-Identifier: BSD-3-Clause
dnl Copyright (c) 2026 The pam_oauth_device authors
dnl POD_PROBE_CFLAGS(VARIABLE, FLAGS): appends to VARIABLE each of FLAGS the
dnl C compiler accepts, so one list serves gcc and clang of any version.
dnl -Werror during the probe: clang only warns about options it does not know;
dnl the flags already kept are passed too (-Wformat-security needs -Wformat).
AC_DEFUN([POD_PROBE_CFLAGS], [
  AC_LANG_PUSH([C])
  pod_probe_save_CFLAGS=$CFLAGS
  for pod_flag in $2; do
    AC_MSG_CHECKING([whether $CC accepts $pod_flag])
    CFLAGS="$pod_probe_save_CFLAGS -Werror $$1 $pod_flag"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AC_MSG_RESULT([yes]); $1="${$1:+$$1 }$pod_flag"],
      [AC_MSG_RESULT([no])])
  done
  CFLAGS=$pod_probe_save_CFLAGS
  AC_LANG_POP([C])
])

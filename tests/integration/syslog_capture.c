/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* LD_PRELOAD shim for the tests: syslog lines go to $POD_SYSLOG_FILE so a
 * test can assert what the module logged (no syslog daemon needed). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

void vsyslog(int prio, const char *fmt, va_list ap);
void syslog(int prio, const char *fmt, ...);
/* Format attributes as glibc's own: the shims pass fmt on (clang's
 * -Wformat-nonliteral). */
void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
void __syslog_chk(int prio, int flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void vsyslog(int prio, const char *fmt, va_list ap)
{
    const char *path = getenv("POD_SYSLOG_FILE");
    FILE *f = path ? fopen(path, "a") : NULL;

    if (f == NULL)
        return;
    fprintf(f, "<%d> ", LOG_PRI(prio));
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fclose(f);
}

void syslog(int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsyslog(prio, fmt, ap);
    va_end(ap);
}

void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    vsyslog(prio, fmt, ap);
}

void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
    va_list ap;

    (void)flag;
    va_start(ap, fmt);
    vsyslog(prio, fmt, ap);
    va_end(ap);
}

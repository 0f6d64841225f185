/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Logging to pam_syslog, or to the sink of the admin tool and the tests. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <security/pam_ext.h>

#include "log.h"

static pod_log_sink log_sink;

void pod_log_set_sink(pod_log_sink sink)
{
    log_sink = sink;
}

void pod_log(struct pam_handle *pamh, int prio, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (pamh != NULL)
        pam_syslog(pamh, prio, "%s", msg);
    else if (log_sink != NULL)
        log_sink(prio, msg);
    else
        fprintf(stderr, "pam_oauth_device: %s\n", msg);
}

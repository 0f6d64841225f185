/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Logging: pam_syslog when there is a PAM handle, otherwise a sink set by
 * the CLI or the tests.  Callers never pass a token or a secret. */
#ifndef POD_LOG_H
#define POD_LOG_H

#include <syslog.h>

/* Opaque here, so that pure code may log without PAM headers; log.c, in
 * the I/O layer, hands it to pam_syslog. */
struct pam_handle;

typedef void (*pod_log_sink)(int prio, const char *msg);

void pod_log(struct pam_handle *pamh, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Where messages go when pamh is NULL (default: stderr). */
void pod_log_set_sink(pod_log_sink sink);

#endif

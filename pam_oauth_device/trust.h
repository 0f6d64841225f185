/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The trust anchors of a login: ca_file or the system bundle, read once
 * through the safe-file reader and handed to libcurl as bytes. */
#ifndef POD_TRUST_H
#define POD_TRUST_H

#include <stddef.h>

#include "safefile.h"

struct pam_handle;

/* A CA bundle is larger than a config file: Debian's is about 220 KiB. */
#define POD_MAX_CA_FILE (1024 * 1024)

/* ca_file's bytes (root's, not group or world writable, no symlink, at
 * most POD_MAX_CA_FILE), or with ca_file NULL the system bundle's
 * (OpenSSL's compiled-in file, its own symlinks resolved, then the same
 * rules).  A PAM code: PAM_SUCCESS (out empty only when the system has no
 * bundle file), PAM_SERVICE_ERR (refused, logged) or PAM_BUF_ERR. */
int pod_trust_read(struct pam_handle *pamh, const char *ca_file, struct pod_file *out);

/* How many PEM certificates the bytes hold (0: none, every request would
 * fail). */
int pod_trust_count(const char *pem, size_t len);

#endif

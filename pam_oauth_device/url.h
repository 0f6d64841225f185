/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* URL rules (a leaf). */
#ifndef POD_URL_H
#define POD_URL_H

#define POD_MAX_URL 2048 /* longer URLs are refused */

/* True for an absolute https URL with a host and no fragment, no
 * user@, blanks, control characters or '\\'. */
int pod_is_https_url(const char *url);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The config text parser: "key = value" lines, '#' comments and blank
 * lines from a buffer, each pair handed to a callback. */
#ifndef POD_CONFIG_PARSE_H
#define POD_CONFIG_PARSE_H

#include <stddef.h>

struct pam_handle;

#define POD_MAX_LINE 4096 /* config file lines, without the newline */

/* Called for each "key = value" line, blanks around both trimmed; where
 * is "NAME:LINE".  Returns 0 to go on, anything else to stop with it. */
typedef int (*pod_config_pair)(void *ctx, const char *where, const char *key,
                               const char *value);

/* Split text (len bytes, no NUL byte, no terminating NUL needed) into
 * lines and pairs.  name starts each "NAME:LINE"; NULL reads "config".
 * 0, -1 (a NUL byte, a line over POD_MAX_LINE, no '=', no key: logged),
 * or what the callback returned.  The line copy is wiped: it may hold a
 * secret. */
int pod_config_parse(struct pam_handle *pamh, const char *text, size_t len, const char *name,
                     pod_config_pair pair, void *ctx);

#endif

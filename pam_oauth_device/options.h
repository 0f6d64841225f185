/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Module options: one typed table (options.c), filled from the config
 * file and then from the module arguments, which override it; the struct
 * itself is in opts.h. */
#ifndef POD_OPTIONS_H
#define POD_OPTIONS_H

#include <stddef.h>

#include "config_parse.h"
#include "opts.h"

struct pam_handle;

#ifndef POD_DEFAULT_CONFIG
#define POD_DEFAULT_CONFIG "/etc/security/pam_oauth_device.conf"
#endif

#define POD_MAX_FILE (64 * 1024) /* config and secret files */

/* Defaults, then the config file (config= from argv, else the default path
 * which may be absent), then argv.  Returns PAM_SUCCESS, PAM_SERVICE_ERR
 * (bad option, bad file; logged at LOG_ERR) or PAM_BUF_ERR.  On failure
 * *opts is left zeroed; pod_options_free is safe either way. */
int pod_options_load(struct pam_handle *pamh, int argc, const char **argv,
                     struct pod_options *opts);
/* The same with another default path (the tests). */
int pod_options_load_at(struct pam_handle *pamh, const char *default_config,
                        int argc, const char **argv, struct pod_options *opts);
/* The issuer the identity comes from, for the audit line and user_map's
 * ISSUER|SUB pins: issuer; without one, "github" for GitHub's user API
 * (https://api.github.com/user), else the user_api URL; NULL when neither
 * is set. */
const char *pod_options_issuer(const struct pod_options *opts);

/* Wipes client_secret, frees everything and zeroes *opts. */
void pod_options_free(struct pod_options *opts);

/* The config file parser, on a buffer (the file loader reads the file and
 * calls it; so does the fuzzer): the "key = value" lines of text, len
 * bytes (no NUL byte; no terminating NUL needed), applied to *opts as
 * config-file values.  name says where, in messages ("NAME:LINE"); NULL
 * reads "config".  Defaults, module arguments, the required keys and
 * client_secret_file are pod_options_load_at's business, not this one's.
 * *opts must be zeroed or hold earlier values; on failure it keeps what
 * was set so far (pod_options_free releases it).  PAM_SUCCESS,
 * PAM_SERVICE_ERR (logged) or PAM_BUF_ERR. */
int pod_options_parse_text(struct pam_handle *pamh, const char *text, size_t len,
                           const char *name, struct pod_options *opts);

/* The config file keys in table order, for documentation checks and the
 * admin tool: the name of key i with *def its default as written in the
 * file (NULL: none), or NULL past the last. */
const char *pod_option_key(size_t i, const char **def);

/* The value of key i (as pod_option_key numbers them) as text for a
 * person: a secret only as "(set)" or "(unset)".  0, or -1 past the end. */
int pod_option_format(const struct pod_options *opts, size_t i, char *buf, size_t len);

#endif

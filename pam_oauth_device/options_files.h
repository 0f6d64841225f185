/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The files the options name, read at load through the safe-file reader:
 * the client secret, the user and group maps, the trust anchors. */
#ifndef POD_OPTIONS_FILES_H
#define POD_OPTIONS_FILES_H

#include <stdbool.h>
#include <security/pam_modules.h>

#include "opts.h"
#include "safefile.h"

/* A root-owned file of the module's (secret: no access for others), as a
 * PAM code: PAM_SUCCESS with *f (wipe it), PAM_BUF_ERR or
 * PAM_SERVICE_ERR (logged). */
int pod_options_read_file(pam_handle_t *pamh, const char *path, bool secret, bool *absent,
                          struct pod_file *f);

/* user_map (pins bound to issuer, the label pod_options_issuer gives),
 * group_map, ca_file and client_secret_file into opts, each checked: a
 * PAM code, the reason logged. */
int pod_options_read_files(pam_handle_t *pamh, struct pod_options *opts, const char *issuer);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Who signed in, once the token endpoint has answered (network, no decision). */
#ifndef POD_SIGNED_IN_H
#define POD_SIGNED_IN_H

#include <cjson/cJSON.h>
#include <security/pam_modules.h>

#include "device_flow.h"
#include "discovery.h"
#include "http.h"
#include "jwt.h"
#include "opts.h"

/* Without an issuer the user API's answer (*merged); else the verified ID
 * token's claims (in *jwt: signature against the issuer's JWKS, refetched
 * within the cache's limit when keys rotate, then the claims), with
 * userinfo merged in *merged when the rules need it.  *verified: the
 * claims that may name a subject in the audit line; *reason: what failed.
 * A PAM code. */
int pod_signed_in(pam_handle_t *pamh, struct pod_http *http, const struct pod_options *opts,
                  const struct pod_endpoints *ep, const struct pod_tokens *tokens,
                  struct pod_jwt *jwt, cJSON **merged, const cJSON **verified,
                  const char **reason);

#endif

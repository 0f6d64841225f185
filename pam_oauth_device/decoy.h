/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* hide_unknown_users: what an unknown user is shown instead of a fast
 * PAM_USER_UNKNOWN, made without a single request to the IdP. */
#ifndef POD_DECOY_H
#define POD_DECOY_H

#include <stddef.h>
#include <stdint.h>
#include <security/pam_modules.h>

#include "device_flow.h"
#include "opts.h"

/* The code's shape when none was seen: RFC 8628 section 6.1's eight
 * letters of its 20-consonant alphabet, in two groups. */
#define POD_DECOY_SHAPE "WDJB-MJHT"

/* The shape of the code to imitate (letters, digits and the rest kept)
 * and the verification URL an unknown user is shown: the single source,
 * so that a cache of the last real answer can feed both.  Until then,
 * from the configuration: see pod_decoy_code. */
const char *pod_decoy_shape(const struct pod_options *opts);
char *pod_decoy_verification_uri(const struct pod_options *opts);

/* Pure: a code like shape from the random bytes rnd (one per character,
 * more used for rejection sampling; n of them): an upper-case letter
 * becomes one of RFC 8628's 20 consonants, a lower-case letter the same in
 * lower case, a digit a digit; anything else is kept.  NULL when rnd runs
 * out or memory is short. */
char *pod_decoy_format(const char *shape, const unsigned char *rnd, size_t n);

/* *out as a device answer would fill it (no device_code: nothing is ever
 * polled): a random code of the shape (RAND_bytes), the URL (last_uri, the
 * one the cache saw last, when not NULL; else from the configuration), and
 * with an issuer the URL with ?user_code= as oidc-provider and Keycloak
 * send it.  PAM_SUCCESS, PAM_BUF_ERR, or PAM_SYSTEM_ERR (no randomness). */
int pod_decoy_code(pam_handle_t *pamh, const struct pod_options *opts, const char *last_uri,
                   struct pod_device_code *out);

/* The wait of a login nobody approves: until deadline_ms, polling
 * nothing; PAM_USER_UNKNOWN, or PAM_ABORT on SIGINT/SIGQUIT as a real
 * login. */
int pod_decoy_wait(pam_handle_t *pamh, int64_t deadline_ms);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Mapping the IdP identity to the local user, and authorization rules.
 * Pure functions: no network, files or PAM (the user_map file is read by
 * options.c and handed in, parsed by user_map.c, through the options). */
#ifndef POD_IDENTITY_H
#define POD_IDENTITY_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "opts.h"
#include "user_map.h"

/* pod_identity_check's answer: the values of PAM_SUCCESS and PAM_AUTH_ERR
 * (login.c asserts it), so that this pure layer needs no PAM header. */
enum { POD_IDENTITY_OK = 0, POD_IDENTITY_DENIED = 7 };

/* The outcome of pod_identity_check, for the audit line. */
struct pod_identity_result {
    const char *rule;              /* the deciding rule: "username_claim", "user_map", ... */
    char reason[256];              /* "RULE: why" ("user_map line 3: ..."); never IdP text */
    char mapped[POD_MAX_USERNAME]; /* the identity after transforms; "" when none */
};

/* The rules, in order; the first that fails refuses: username_claim (the
 * claim is there, a portable name with at most one '@', transformed by
 * username_transform), allowed_domains, email_verified, the mapping
 * (user_map lines, then unless user_map_only the identity equal to
 * user), allowed_groups, required_groups, required_acr, required_amr.
 * POD_IDENTITY_OK or POD_IDENTITY_DENIED; *res is filled either way. */
int pod_identity_check(const cJSON *claims, const char *user,
                       const struct pod_options *opts, struct pod_identity_result *res);

/* The first claim the rules need that claims lack (for userinfo =
 * fallback), or NULL.  acr and amr are never taken from userinfo. */
const char *pod_identity_missing_claim(const cJSON *claims, const struct pod_options *opts);

#endif

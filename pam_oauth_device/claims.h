/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Claims: lookup by dotted path, the comparable text of a claim, the
 * userinfo merge.  Pure functions: no network, files or PAM. */
#ifndef POD_CLAIMS_H
#define POD_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

/* Room for the decimal text of an integer claim: "-9007199254740992". */
#define POD_CLAIM_NUM_MAX 24

/* The value of a claim named by path: a top-level member of that exact
 * name if there is one (Auth0's namespaced claims contain dots), else the
 * members named by the dot-separated parts, each in the object before
 * ("realm.login").  A part never contains a dot; empty parts never match.
 * NULL when absent. */
const cJSON *pod_claim_get(const cJSON *claims, const char *path);

/* The text a claim value is compared as: a non-empty string as it is; a
 * number that is an integer within +-2^53 as its decimal text, written
 * into num (GitHub's numeric id); NULL for anything else (array, object,
 * bool, null, empty string, 1.5, 1e300, absent). */
const char *pod_claim_text(const cJSON *value, char num[POD_CLAIM_NUM_MAX]);

/* The claims the rules see when the userinfo answer is used: a copy of
 * the ID token's claims plus every top-level userinfo member the ID token
 * lacks, under a top-level name or as a dotted path into one (never the
 * protocol claims iss, aud, exp, acr, amr, ...: they belong to the ID
 * token alone).  The userinfo sub MUST equal the ID
 * token's sub (OIDC Core 5.3.2).  0 with *out (cJSON_Delete it), or -1
 * with *err (a static reason). */
int pod_claims_merge(const cJSON *id_claims, const cJSON *userinfo, cJSON **out,
                     const char **err);

#endif

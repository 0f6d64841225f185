/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The rules on option values beyond their type: the mapping keys' lists,
 * the provider presets and the cross-key rules, checked at load time. */
#ifndef POD_OPTIONS_RULES_H
#define POD_OPTIONS_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

/* Value checks for the table (struct pod_optval.check): NULL, or why. */
const char *pod_check_transforms(const char *value);
const char *pod_check_domains(const char *value);
const char *pod_check_words(const char *value); /* user names, acr, amr */
const char *pod_check_group(const char *value);

/* The names of enum pod_provider, in order, for the table and messages. */
extern const char *const pod_provider_words[];

/* Whether the space-separated scope asks for OpenID Connect ("openid"). */
bool pod_scope_has_openid(const char *scope);

/* One key a provider preset fills in unless it is given. */
struct pod_preset {
    const char *key, *value;
};

/* The presets of provider p: *n entries (none for POD_PROVIDER_NONE). */
const struct pod_preset *pod_provider_presets(enum pod_provider p, size_t *n);

/* The OpenID Connect or plain OAuth keys together (issuer, provider, the
 * endpoints, user_api, scope, acr/amr); drops the default scope without
 * an issuer unless scope_given.  PAM_SUCCESS or PAM_SERVICE_ERR (logged). */
int pod_rules_provider(struct pam_handle *pamh, struct pod_options *opts, bool scope_given);

/* The mapping keys together (strip_domain needs allowed_domains,
 * user_map_only needs user_map).  PAM_SUCCESS or PAM_SERVICE_ERR. */
int pod_rules_mapping(struct pam_handle *pamh, const struct pod_options *opts);

#endif

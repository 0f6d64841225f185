/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* OpenID Connect discovery: the endpoints of the configured issuer. */
#ifndef POD_DISCOVERY_H
#define POD_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <security/pam_modules.h>
#include "http.h"

struct pod_endpoints {
    char *issuer;
    char *device_authorization_endpoint;
    char *token_endpoint;
    char *jwks_uri;
    char *userinfo_endpoint; /* optional */
    struct pod_cache *cache; /* the issuer's cache entry (cache.h), or NULL */
};

/* Pure: parse a discovery document and check it belongs to
 * expected_issuer, with https endpoints.  0, or -1 with *err set. */
int pod_discovery_parse(const char *text, size_t len,
                        const char *expected_issuer,
                        struct pod_endpoints *out, const char **err);

/* Fetch issuer/.well-known/openid-configuration, or take it from
 * out->cache (set it, or NULL, first).  PAM code. */
int pod_discovery_fetch(pam_handle_t *pamh, struct pod_http *http,
                        const char *issuer, struct pod_endpoints *out);

void pod_endpoints_free(struct pod_endpoints *e);

/* The endpoints of a login: with an issuer, discovery's (through the
 * issuer's cache, kept in out->cache), the configured
 * device_authorization_endpoint and token_endpoint replacing its own;
 * without one (GitHub), those two alone (no jwks_uri, no userinfo).  PAM
 * code. */
int pod_endpoints_get(pam_handle_t *pamh, struct pod_http *http,
                      const struct pod_options *opts, struct pod_endpoints *out);

struct pod_jwks;
/* Fetch and parse the issuer's JWKS (any earlier *jwks is freed); unless
 * fresh, from cache (NULL: none) when it holds it.  *cached tells whether
 * it came from there.  PAM code: PAM_AUTHINFO_UNAVAIL (logged) when it
 * cannot be had. */
int pod_jwks_fetch(pam_handle_t *pamh, struct pod_http *http, struct pod_cache *cache,
                   const char *uri, bool fresh, struct pod_jwks **jwks, bool *cached);


#endif

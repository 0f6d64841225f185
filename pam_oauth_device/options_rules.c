/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Option rules beyond the types: list checks, provider presets, cross-key rules. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <security/pam_modules.h>

#include "list.h"
#include "log.h"
#include "options_rules.h"
#include "url.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *const pod_provider_words[] = { "none", "github", NULL };

/* ---- value checks of the mapping keys (comma lists, list.h) ---- */

const char *pod_check_transforms(const char *value)
{
    const char *p = value, *t;
    size_t n;
    unsigned seen = 0;

    while (pod_list_next(&p, &t, &n)) {
        unsigned bit = n == 9 && memcmp(t, "lowercase", 9) == 0         ? 1u
                       : n == 12 && memcmp(t, "strip_domain", 12) == 0 ? 2u
                                                                       : 0u;
        if (bit == 0)
            return "expected a comma-separated list of lowercase, strip_domain";
        if (seen & bit)
            return "a transform is listed twice";
        seen |= bit;
    }
    return NULL;
}

const char *pod_check_domains(const char *value)
{
    const char *p = value, *d;
    size_t n;

    while (pod_list_next(&p, &d, &n))
        for (size_t i = 0; i < n; i++)
            if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' && d[i] <= 'Z') ||
                  (d[i] >= '0' && d[i] <= '9') || (i > 0 && (d[i] == '.' || d[i] == '-'))))
                return "expected a comma-separated list of domain names such as example.com "
                       "(without '@')";
    return NULL;
}

const char *pod_check_words(const char *value)
{
    const char *p = value, *w;
    size_t n;

    while (pod_list_next(&p, &w, &n))
        if (memchr(w, ' ', n) != NULL || memchr(w, '\t', n) != NULL)
            return "expected a comma-separated list; an entry has a blank inside";
    return NULL;
}

const char *pod_check_group(const char *value)
{
    return strpbrk(value, ", \t") != NULL ? "expected one group name" : NULL;
}

bool pod_scope_has_openid(const char *scope)
{
    const char *p = scope;

    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, " ");
        if (n == 6 && strncmp(p, "openid", 6) == 0)
            return true;
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

/* provider = github: GitHub's endpoints, its user API, and login as the
 * username claim. */
static const struct pod_preset github[] = {
    { "device_authorization_endpoint", POD_GITHUB_DEVICE_ENDPOINT },
    { "token_endpoint", POD_GITHUB_TOKEN_ENDPOINT },
    { "user_api", POD_GITHUB_USER_API },
    { "username_claim", POD_GITHUB_USERNAME_CLAIM },
};

const struct pod_preset *pod_provider_presets(enum pod_provider p, size_t *n)
{
    if (p != POD_PROVIDER_GITHUB) {
        *n = 0;
        return NULL;
    }
    *n = ARRAY_SIZE(github);
    return github;
}

/* OpenID Connect (issuer, the endpoints optional overrides of discovery's),
 * or a provider without it: the device and token endpoints and the user
 * API, no ID token. */
int pod_rules_provider(struct pam_handle *pamh, struct pod_options *opts, bool scope_given)
{
    const struct {
        const char *name, *value;
    } endpoints[] = {
        { "device_authorization_endpoint", opts->device_authorization_endpoint },
        { "token_endpoint", opts->token_endpoint },
        { "user_api", opts->user_api },
    };
    const char *missing = NULL;
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(endpoints); i++) {
        if (endpoints[i].value == NULL) {
            missing = missing != NULL ? missing : endpoints[i].name;
            continue;
        }
        n++;
        /* The rule discovery applies to the endpoints it names. */
        if (!pod_is_https_url(endpoints[i].value)) {
            pod_log(pamh, LOG_ERR, "%s: bad value: expected an https URL with a host, "
                    "without user@, blanks, '\\' or fragment", endpoints[i].name);
            return PAM_SERVICE_ERR;
        }
    }
    if (opts->issuer != NULL) {
        if (opts->provider != POD_PROVIDER_NONE) {
            pod_log(pamh, LOG_ERR, "provider = %s has no OpenID Connect issuer: "
                    "set issuer or provider, not both", pod_provider_words[opts->provider]);
            return PAM_SERVICE_ERR;
        }
        if (opts->user_api != NULL) {
            pod_log(pamh, LOG_ERR, "user_api is for providers without OpenID Connect: "
                    "with issuer the claims come from the ID token (and userinfo)");
            return PAM_SERVICE_ERR;
        }
        /* Without an ID token there is nobody to compare with the PAM user. */
        if (!pod_scope_has_openid(opts->scope)) {
            pod_log(pamh, LOG_ERR, "scope must include openid");
            return PAM_SERVICE_ERR;
        }
        return PAM_SUCCESS;
    }
    if (n == 0) {
        pod_log(pamh, LOG_ERR, "issuer is required but not set (for a provider without "
                "OpenID Connect: provider = github, or device_authorization_endpoint, "
                "token_endpoint and user_api)");
        return PAM_SERVICE_ERR;
    }
    if (missing != NULL) {
        pod_log(pamh, LOG_ERR, "%s is required without issuer (provider = github fills "
                "it in)", missing);
        return PAM_SERVICE_ERR;
    }
    /* acr and amr are only believed from a signed ID token. */
    if (!pod_list_empty(opts->required_acr) || !pod_list_empty(opts->required_amr)) {
        pod_log(pamh, LOG_ERR, "%s needs an ID token, which only an OpenID Connect "
                "issuer gives", !pod_list_empty(opts->required_acr) ? "required_acr"
                                                                     : "required_amr");
        return PAM_SERVICE_ERR;
    }
    /* No ID token to ask for: no scope unless one is given (GitHub's
     * public profile needs none). */
    if (!scope_given) {
        free(opts->scope);
        opts->scope = NULL;
    }
    return PAM_SUCCESS;
}

int pod_rules_mapping(struct pam_handle *pamh, const struct pod_options *opts)
{
    /* Stripping an unchecked domain makes alice@evil.example alice. */
    if (pod_list_has(opts->username_transform, "strip_domain", 12, false) &&
        pod_list_empty(opts->allowed_domains)) {
        pod_log(pamh, LOG_ERR, "username_transform strip_domain needs allowed_domains: "
                "without it alice@any.domain would be alice");
        return PAM_SERVICE_ERR;
    }
    if (opts->user_map == NULL && opts->user_map_only) {
        pod_log(pamh, LOG_ERR, "user_map_only is set but user_map is not");
        return PAM_SERVICE_ERR;
    }
    return PAM_SUCCESS;
}

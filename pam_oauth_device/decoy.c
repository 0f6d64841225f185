/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The unknown user's login: a code never issued, the URL, the same wait. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "clock.h"
#include "decoy.h"
#include "http.h"
#include "log.h"

/* RFC 8628 6.1: no vowels, no look-alike letters. */
static const char consonants[] = "BCDFGHJKLMNPQRSTVWXZ";

const char *pod_decoy_shape(const struct pod_options *opts)
{
    (void)opts; /* the cache of issue 11 will know the last real code */
    return POD_DECOY_SHAPE;
}

char *pod_decoy_verification_uri(const struct pod_options *opts)
{
    const char *base = opts->issuer;
    size_t n;
    char *uri;

    /* GitHub's is fixed; OpenID providers mostly put it under the issuer
     * (oidc-provider, Keycloak: ISSUER/device); without an issuer the
     * device endpoint's origin. */
    if (opts->device_authorization_endpoint != NULL &&
        strcmp(opts->device_authorization_endpoint, POD_GITHUB_DEVICE_ENDPOINT) == 0)
        return strdup("https://github.com/login/device");
    if (base == NULL)
        base = opts->device_authorization_endpoint != NULL ?
               opts->device_authorization_endpoint : opts->user_api;
    if (base == NULL)
        return NULL;
    n = strlen(base);
    if (opts->issuer == NULL) {
        const char *host = strstr(base, "://");
        n = host != NULL ? (size_t)(host + 3 - base) + strcspn(host + 3, "/?#") : n;
    }
    while (n > 0 && base[n - 1] == '/')
        n--;
    if ((uri = malloc(n + sizeof("/device"))) != NULL)
        snprintf(uri, n + sizeof("/device"), "%.*s/device", (int)n, base);
    return uri;
}

/* A character of set, uniformly from the bytes at rnd[*i] on; -1 when
 * they run out. */
static int pick(const char *set, unsigned size, const unsigned char *rnd, size_t n, size_t *i)
{
    unsigned limit = 256 - 256 % size;

    for (; *i < n; (*i)++)
        if (rnd[*i] < limit)
            return set[rnd[(*i)++] % size];
    return -1;
}

char *pod_decoy_format(const char *shape, const unsigned char *rnd, size_t n)
{
    size_t len = strlen(shape), i = 0;
    char *code = malloc(len + 1);

    if (code == NULL)
        return NULL;
    for (size_t k = 0; k < len; k++) {
        char c = shape[k];
        int r = c;

        if (c >= 'A' && c <= 'Z')
            r = pick(consonants, 20, rnd, n, &i);
        else if (c >= 'a' && c <= 'z')
            r = pick("bcdfghjklmnpqrstvwxz", 20, rnd, n, &i);
        else if (c >= '0' && c <= '9')
            r = pick("0123456789", 10, rnd, n, &i);
        if (r < 0) {
            free(code);
            return NULL;
        }
        code[k] = (char)r;
    }
    code[len] = '\0';
    return code;
}

int pod_decoy_code(pam_handle_t *pamh, const struct pod_options *opts, const char *last_uri,
                   struct pod_device_code *out)
{
    const char *shape = pod_decoy_shape(opts);
    /* Four bytes a character: a rejection (p < 1/16 each) runs out with a
     * chance far below RAND_bytes failing. */
    unsigned char rnd[4 * 64];
    size_t n = strlen(shape) * 4;

    memset(out, 0, sizeof(*out));
    /* No request follows, but RAND_bytes would initialise OpenSSL with
     * the caller's OPENSSL_CONF: the module's own initialisation first. */
    if (pod_http_global_init(pamh) != 0)
        return PAM_SYSTEM_ERR;
    if (n > sizeof(rnd) || RAND_bytes(rnd, (int)n) != 1) {
        pod_log(pamh, LOG_ERR, "no random bytes for the unknown user's code");
        return PAM_SYSTEM_ERR;
    }
    out->user_code = pod_decoy_format(shape, rnd, n);
    out->verification_uri = last_uri != NULL ? strdup(last_uri)
                                             : pod_decoy_verification_uri(opts);
    if (out->user_code == NULL || out->verification_uri == NULL)
        goto oom;
    if (opts->issuer != NULL) {
        size_t len = strlen(out->verification_uri) + strlen(out->user_code) +
                     sizeof("?user_code=");
        if ((out->verification_uri_complete = malloc(len)) == NULL)
            goto oom;
        snprintf(out->verification_uri_complete, len, "%s?user_code=%s",
                 out->verification_uri, out->user_code);
    }
    out->expires_in = POD_MAX_EXPIRES_IN;
    out->interval = POD_DEFAULT_INTERVAL;
    out->issued_ms = pod_monotonic_ms();
    return PAM_SUCCESS;
oom:
    pod_device_code_free(out);
    pod_log(pamh, LOG_ERR, "out of memory");
    return PAM_BUF_ERR;
}

int pod_decoy_wait(pam_handle_t *pamh, int64_t deadline_ms)
{
    /* One sleep to the deadline; pod_wait_ms ends it early only for a
     * pending SIGINT/SIGQUIT, which a real login notices the same way. */
    if (pod_wait_ms(deadline_ms - pod_monotonic_ms(), deadline_ms) < 0) {
        pod_log(pamh, LOG_NOTICE, "login interrupted by a signal");
        return PAM_ABORT;
    }
    return PAM_USER_UNKNOWN;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check --discover: the discovery document and the JWKS, checked. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>
#include <security/pam_appl.h>

#include "check.h"
#include "log.h"
#include "clock.h"
#include "cache.h"
#include "discovery.h"
#include "http.h"
#include "jwks.h"
#include "jwt.h"
#include "options.h"

/* One line per key: kid, kty, alg, curve or bits, usable or why not. */
static int print_keys(const struct pod_jwks *jwks)
{
    static const char *const kty_names[] = { "other", "RSA", "EC", "OKP" };
    int usable = 0;

    for (size_t i = 0; i < jwks->n; i++) {
        const struct pod_jwk *k = &jwks->keys[i];
        const char *why = k->pkey == NULL ? k->unusable
                          : k->alg != NULL ? pod_jwt_alg_problem(k, k->alg) : NULL;

        printf("key %zu: kid=", i + 1);
        put_value(k->kid);
        fputs(" kty=", stdout);
        put_value(kty_names[k->kty]);
        fputs(" alg=", stdout);
        put_value(k->alg);
        if (k->kty == POD_KTY_RSA) {
            int bits = k->pkey != NULL ? EVP_PKEY_get_bits(k->pkey) : 0;
            if (bits > 0)
                printf(" bits=%d", bits);
            else
                fputs(" bits=?", stdout);
        } else if (k->kty == POD_KTY_EC || k->kty == POD_KTY_OKP) {
            fputs(" crv=", stdout);
            put_value(k->crv);
        }
        if (why == NULL) {
            fputs(" usable\n", stdout);
            usable++;
        } else {
            fputs(" not usable: ", stdout);
            put_value(why);
            fputc('\n', stdout);
        }
    }
    return usable;
}

/* What the cache holds for the issuer, its age and expiry. */
static void print_cache(const struct pod_options *opts, const struct pod_cache *c)
{
    static const char *const items[] = { POD_CACHE_DISCOVERY, POD_CACHE_JWKS };
    int64_t now = (int64_t)time(NULL), fetched, expires;

    if (c == NULL) {
        printf("cache = %s\n", opts->cache ? "(not usable, see the warnings)" : "off");
        return;
    }
    printf("cache = %s\n", pod_cache_path(c));
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        if (pod_cache_times(c, items[i], &fetched, &expires))
            printf("cache %s: fetched %lld s ago, expires in %lld s\n", items[i],
                   (long long)(now - fetched), (long long)(expires - now));
        else
            printf("cache %s: none\n", items[i]);
    }
}

int mode_flush_cache(const char *config, int nargs, char **args)
{
    struct pod_options opts;
    int rc = load_options(config, nargs, args, &opts), n;

    if (rc != PAM_SUCCESS) {
        printf("configuration: REJECTED (%s)\n", pam_code_name(rc));
        return EXIT_FAIL;
    }
    n = pod_cache_flush(NULL, opts.cache_dir);
    if (n >= 0)
        printf("cache %s: %d file%s removed\n", opts.cache_dir, n, n == 1 ? "" : "s");
    pod_options_free(&opts);
    return n >= 0 ? EXIT_SUCCESS : EXIT_FAIL;
}

int mode_discover(const char *config, int nargs, char **args)
{
    struct pod_options opts;
    struct pod_http *http = NULL;
    struct pod_endpoints ep = { 0 };
    struct pod_jwks *jwks = NULL;
    int rc, usable, status = EXIT_FAIL;
    bool cached;

    rc = load_options(config, nargs, args, &opts);
    if (rc != PAM_SUCCESS) {
        printf("configuration: REJECTED (%s)\n", pam_code_name(rc));
        return EXIT_FAIL;
    }
    http = pod_http_new(NULL, &opts);
    if (http == NULL)
        goto out;
    pod_http_set_deadline(http, pod_monotonic_ms() + (int64_t)opts.timeout * 1000);
    /* Discovery's endpoints, or those configured in their place. */
    rc = pod_endpoints_get(NULL, http, &opts, &ep);
    if (rc != PAM_SUCCESS) {
        printf("discovery: FAILED (%s)\n", pam_code_name(rc));
        goto out;
    }
    if (opts.issuer == NULL) {
        /* GitHub and the like: nothing to discover, no keys to check. */
        printf("issuer = (none: no OpenID Connect)\n");
        printf("device_authorization_endpoint = %s\n", ep.device_authorization_endpoint);
        printf("token_endpoint = %s\n", ep.token_endpoint);
        printf("user_api = %s\n", opts.user_api);
        printf("discovery and JWKS: none to check (no issuer)\n");
        status = EXIT_SUCCESS;
        goto out;
    }
    printf("issuer = %s\n", ep.issuer);
    printf("device_authorization_endpoint = %s\n", ep.device_authorization_endpoint);
    printf("token_endpoint = %s\n", ep.token_endpoint);
    printf("jwks_uri = %s\n", ep.jwks_uri);
    printf("userinfo_endpoint = %s\n", ep.userinfo_endpoint ? ep.userinfo_endpoint : "(none)");
    rc = pod_jwks_fetch(NULL, http, ep.cache, ep.jwks_uri, false, &jwks, &cached);
    if (rc != PAM_SUCCESS) {
        printf("JWKS: FAILED (%s)\n", pam_code_name(rc));
        goto out;
    }
    usable = print_keys(jwks);
    if (usable == 0) {
        say(LOG_ERR, "JWKS %s has no key the module can verify ID tokens with", ep.jwks_uri);
        printf("JWKS: FAILED (no usable key)\n");
        goto out;
    }
    print_cache(&opts, ep.cache);
    printf("discovery and JWKS: OK (%d usable key%s)\n", usable, usable == 1 ? "" : "s");
    status = EXIT_SUCCESS;
out:
    pod_jwks_free(jwks);
    pod_endpoints_free(&ep);
    pod_http_free(http);
    pod_options_free(&opts);
    return status;
}

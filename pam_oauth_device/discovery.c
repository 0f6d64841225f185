/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* OpenID Connect discovery and the JWKS fetch, with endpoint checks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "discovery.h"
#include "json.h"
#include "jwks.h"
#include "log.h"
#include "url.h"

#define WELL_KNOWN "/.well-known/openid-configuration"

void pod_endpoints_free(struct pod_endpoints *e)
{
    free(e->issuer);
    free(e->device_authorization_endpoint);
    free(e->token_endpoint);
    free(e->jwks_uri);
    free(e->userinfo_endpoint);
    pod_cache_free(e->cache);
    memset(e, 0, sizeof(*e));
}

/* A required (or, with required 0, optional) https endpoint. */
static int take_url(const cJSON *doc, const char *key, int required,
                    char **out, const char **err)
{
    const char *v = pod_json_string(doc, key);

    if (v == NULL) {
        if (pod_json_get(doc, key) != NULL || required) {
            *err = pod_json_get(doc, key) != NULL ? "discovery endpoint is not a string"
                                                  : "discovery lacks a required endpoint";
            return -1;
        }
        return 0;
    }
    if (!pod_is_https_url(v)) {
        *err = "discovery endpoint is not an https URL";
        return -1;
    }
    *out = strdup(v);
    if (*out == NULL) {
        *err = "out of memory";
        return -1;
    }
    return 0;
}

static const char issuer_differs[] = "discovery issuer differs from the configured issuer";

int pod_discovery_parse(const char *text, size_t len, const char *expected_issuer,
                        struct pod_endpoints *out, const char **err)
{
    cJSON *doc;
    const char *iss;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    doc = pod_json_parse_object(text, len, err);
    if (doc == NULL)
        return -1;
    iss = pod_json_string(doc, "issuer");
    /* OIDC Discovery 4.3: exactly the issuer we asked, byte for byte. */
    if (iss == NULL || strcmp(iss, expected_issuer) != 0) {
        *err = issuer_differs;
        goto out;
    }
    out->issuer = strdup(iss);
    if (out->issuer == NULL) {
        *err = "out of memory";
        goto out;
    }
    if (take_url(doc, "device_authorization_endpoint", 1,
                 &out->device_authorization_endpoint, err) != 0 ||
        take_url(doc, "token_endpoint", 1, &out->token_endpoint, err) != 0 ||
        take_url(doc, "jwks_uri", 1, &out->jwks_uri, err) != 0 ||
        take_url(doc, "userinfo_endpoint", 0, &out->userinfo_endpoint, err) != 0)
        goto out;
    rc = 0;
out:
    cJSON_Delete(doc);
    if (rc != 0)
        pod_endpoints_free(out);
    return rc;
}

/* Parse an answer into a caller's result; 0, or -1 with *err. */
typedef int (*parse_fn)(const char *text, size_t len, void *arg, const char **err);

/* What url answers (item of the cache, what in messages), parsed: from
 * the cache when it is there, fresh and parses (and fresh is false), else
 * fetched and, once it parses, cached.  *cached tells which.  PAM code. */
static int cached_get(pam_handle_t *pamh, struct pod_http *http, struct pod_cache *cache,
                      const char *item, const char *what, const char *url, bool fresh,
                      parse_fn parse, void *arg, bool *cached)
{
    struct pod_http_resp resp = { 0 };
    int64_t now = (int64_t)time(NULL);
    const char *body = fresh ? NULL : pod_cache_get(cache, item, url, now);
    const char *err = NULL;
    int rc;

    *cached = false;
    /* Logins that start together on a cold or expired entry would each
     * fetch what it lacks; the JWKS is needed only after the approval, and
     * by then the first of them has usually stored it (discovery, right
     * after the entry was read, is not read again). */
    if (body == NULL && !fresh && cache != NULL) {
        pod_cache_reread(cache);
        body = pod_cache_get(cache, item, url, now);
    }
    if (body != NULL) {
        /* Checked as if just fetched: the cache is never trusted. */
        if (parse(body, strlen(body), arg, &err) == 0) {
            *cached = true;
            return PAM_SUCCESS;
        }
        pod_log(pamh, LOG_WARNING, "cached %s %s: ignored: %s", what, url, err);
    }
    rc = pod_http_get(http, url, NULL, &resp);
    if (rc != PAM_SUCCESS)
        goto out;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "%s %s answered HTTP %ld", what, url, resp.status);
        goto out;
    }
    if (parse(resp.body.data, resp.body.len, arg, &err) != 0) {
        pod_log(pamh, LOG_ERR, "%s %s: %s", what, url, err);
        goto out;
    }
    /* Only what parses is kept, and never a NUL-cut version of it. */
    if (strlen(resp.body.data) == resp.body.len)
        pod_cache_put(cache, item, url, resp.body.data,
                      pod_cache_lifetime(pod_http_header(http, "Cache-Control")), now);
    rc = PAM_SUCCESS;
out:
    pod_http_resp_wipe(&resp);
    return rc;
}

struct discovery_arg {
    struct pod_http *http; /* for the audit reason of a refused document */
    const char *issuer;
    struct pod_endpoints *out;
};

static int parse_discovery(const char *text, size_t len, void *arg, const char **err)
{
    struct discovery_arg *a = arg;
    struct pod_cache *cache = a->out->cache;
    int rc;

    /* pod_discovery_parse starts from an empty *out: keep the cache. */
    a->out->cache = NULL;
    rc = pod_discovery_parse(text, len, a->issuer, a->out, err);
    a->out->cache = cache;
    /* A cached one refused is fetched again: the next request resets it. */
    if (rc != 0)
        pod_http_set_reason(a->http, *err == issuer_differs
                            ? "issuer: the discovery issuer differs from the configured issuer"
                            : "bad_answer: the discovery document was refused");
    return rc;
}

int pod_discovery_fetch(pam_handle_t *pamh, struct pod_http *http,
                        const char *issuer, struct pod_endpoints *out)
{
    struct discovery_arg arg = { http, issuer, out };
    struct pod_buf url;
    size_t n = strlen(issuer);
    bool cached;
    int rc;

    /* Discovery 4: drop one trailing '/' before appending the path. */
    if (n > 0 && issuer[n - 1] == '/')
        n--;
    pod_buf_init(&url, POD_MAX_URL + sizeof(WELL_KNOWN));
    if (pod_buf_append(&url, issuer, n) != 0 ||
        pod_buf_append(&url, WELL_KNOWN, strlen(WELL_KNOWN)) != 0) {
        pod_buf_wipe(&url);
        return PAM_BUF_ERR;
    }
    rc = cached_get(pamh, http, out->cache, POD_CACHE_DISCOVERY, "discovery", url.data,
                    false, parse_discovery, &arg, &cached);
    pod_buf_wipe(&url);
    return rc;
}

static int parse_jwks(const char *text, size_t len, void *arg, const char **err)
{
    struct pod_jwks **jwks = arg;

    pod_jwks_free(*jwks);
    *jwks = NULL;
    return pod_jwks_parse(text, len, jwks, err);
}

int pod_jwks_fetch(pam_handle_t *pamh, struct pod_http *http, struct pod_cache *cache,
                   const char *uri, bool fresh, struct pod_jwks **jwks, bool *cached)
{
    return cached_get(pamh, http, cache, POD_CACHE_JWKS, "JWKS", uri, fresh, parse_jwks,
                      jwks, cached);
}

/* *dst = a copy of src, when src is set. */
static int replace(char **dst, const char *src)
{
    char *copy;

    if (src == NULL)
        return 0;
    if ((copy = strdup(src)) == NULL)
        return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

int pod_endpoints_get(pam_handle_t *pamh, struct pod_http *http,
                      const struct pod_options *opts, struct pod_endpoints *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (opts->issuer != NULL) {
        out->cache = pod_cache_open(pamh, opts);
        rc = pod_discovery_fetch(pamh, http, opts->issuer, out);
        if (rc != PAM_SUCCESS) {
            pod_endpoints_free(out);
            return rc;
        }
        if (opts->debug && (opts->device_authorization_endpoint || opts->token_endpoint))
            pod_log(pamh, LOG_DEBUG, "configured endpoints replace discovery's:%s%s",
                    opts->device_authorization_endpoint ? " device_authorization_endpoint" : "",
                    opts->token_endpoint ? " token_endpoint" : "");
    }
    if (replace(&out->device_authorization_endpoint, opts->device_authorization_endpoint) != 0 ||
        replace(&out->token_endpoint, opts->token_endpoint) != 0) {
        pod_endpoints_free(out);
        return PAM_BUF_ERR;
    }
    if (out->device_authorization_endpoint == NULL || out->token_endpoint == NULL) {
        pod_log(pamh, LOG_ERR, "no issuer and no device_authorization_endpoint and "
                "token_endpoint");
        pod_endpoints_free(out);
        return PAM_SERVICE_ERR;
    }
    return PAM_SUCCESS;
}

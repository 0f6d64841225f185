/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* OpenID Connect discovery and the JWKS fetch, with endpoint checks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

int pod_discovery_fetch(pam_handle_t *pamh, struct pod_http *http,
                        const char *issuer, struct pod_endpoints *out)
{
    struct pod_http_resp resp = { 0 };
    struct pod_buf url;
    size_t n = strlen(issuer);
    const char *err = NULL;
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
    rc = pod_http_get(http, url.data, NULL, &resp);
    if (rc != PAM_SUCCESS)
        goto out;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "discovery %s answered HTTP %ld", url.data, resp.status);
        goto out;
    }
    if (pod_discovery_parse(resp.body.data, resp.body.len, issuer, out, &err) != 0) {
        pod_log(pamh, LOG_ERR, "discovery %s: %s", url.data, err);
        pod_http_set_reason(http, err == issuer_differs
                            ? "issuer: the discovery issuer differs from the configured issuer"
                            : "bad_answer: the discovery document was refused");
        goto out;
    }
    rc = PAM_SUCCESS;
out:
    pod_http_resp_wipe(&resp);
    pod_buf_wipe(&url);
    return rc;
}

int pod_jwks_fetch(pam_handle_t *pamh, struct pod_http *http,
                   const char *uri, struct pod_jwks **jwks)
{
    struct pod_http_resp resp = { 0 };
    const char *err = NULL;
    int rc;

    pod_jwks_free(*jwks);
    *jwks = NULL;
    rc = pod_http_get(http, uri, NULL, &resp);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200)
        pod_log(pamh, LOG_ERR, "JWKS %s answered HTTP %ld", uri, resp.status);
    else if (pod_jwks_parse(resp.body.data, resp.body.len, jwks, &err) != 0)
        pod_log(pamh, LOG_ERR, "JWKS %s: %s", uri, err);
    else
        rc = PAM_SUCCESS;
    pod_http_resp_wipe(&resp);
    return rc;
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
        rc = pod_discovery_fetch(pamh, http, opts->issuer, out);
        if (rc != PAM_SUCCESS)
            return rc;
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

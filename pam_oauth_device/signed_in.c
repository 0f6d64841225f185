/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Who signed in: the verified ID token, userinfo, or a user API's answer. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "claims.h"
#include "identity.h"
#include "json.h"
#include "jwks.h"
#include "log.h"
#include "prompt.h"
#include "signed_in.h"

/* userinfo = always, or fallback with a claim the rules need missing from
 * the ID token: fetch userinfo with the access token and merge it in
 * (*merged; left NULL when it is not used).  A PAM code; *reason says
 * what went wrong. */
static int add_userinfo(pam_handle_t *pamh, struct pod_http *http,
                        const struct pod_options *opts, const struct pod_endpoints *ep,
                        const struct pod_tokens *tokens, const cJSON *claims,
                        cJSON **merged, const char **reason)
{
    struct pod_http_resp resp = { 0 };
    const char *missing = NULL, *err = NULL;
    cJSON *doc = NULL;
    int rc;

    *merged = NULL;
    if (opts->userinfo == POD_USERINFO_NEVER)
        return PAM_SUCCESS;
    if (opts->userinfo == POD_USERINFO_FALLBACK &&
        (missing = pod_identity_missing_claim(claims, opts)) == NULL)
        return PAM_SUCCESS;
    if (ep->userinfo_endpoint == NULL) {
        if (opts->userinfo == POD_USERINFO_FALLBACK) {
            if (opts->debug)
                pod_log(pamh, LOG_DEBUG, "claim %s is not in the ID token and the IdP "
                        "has no userinfo endpoint", missing);
            return PAM_SUCCESS;
        }
        pod_log(pamh, LOG_ERR, "userinfo = always, but discovery names no userinfo_endpoint");
        *reason = "userinfo: the IdP has no userinfo endpoint";
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (opts->debug)
        pod_log(pamh, LOG_DEBUG, "fetching userinfo%s%s", missing ? ": the ID token lacks " : "",
                missing ? missing : "");
    *reason = "userinfo: the userinfo endpoint failed";
    rc = pod_http_get(http, ep->userinfo_endpoint, tokens->access_token, &resp);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "userinfo %s answered HTTP %ld", ep->userinfo_endpoint,
                resp.status);
    } else if ((doc = pod_json_parse_object(resp.body.data, resp.body.len, &err)) == NULL) {
        pod_log(pamh, LOG_ERR, "userinfo answer rejected: %s", err);
    } else if (pod_claims_merge(claims, doc, merged, &err) != 0) {
        pod_log(pamh, LOG_ERR, "userinfo answer rejected: %s", err);
        *reason = "userinfo: userinfo sub differs from the ID token";
        rc = PAM_AUTH_ERR;
        if (strcmp(err, "out of memory") == 0) {
            *reason = "userinfo: out of memory";
            rc = PAM_BUF_ERR;
        }
    } else {
        rc = PAM_SUCCESS;
    }
    cJSON_Delete(doc);
    pod_http_resp_wipe(&resp);
    return rc;
}

/* A provider without OpenID Connect (GitHub): the claims are the answer of
 * user_api to the access token (a JSON object: login, id, ...), with
 * "sub" set to its id when it has no sub of its own (for the audit line
 * and ISSUER|SUB pins).  A PAM code; *out (cJSON_Delete it). */
static int fetch_user_api(pam_handle_t *pamh, struct pod_http *http,
                          const struct pod_options *opts, const struct pod_tokens *tokens,
                          cJSON **out)
{
    struct pod_http_resp resp = { 0 };
    const char *err = NULL, *id;
    char num[POD_CLAIM_NUM_MAX];
    cJSON *doc = NULL;
    int rc;

    *out = NULL;
    if (opts->debug)
        pod_log(pamh, LOG_DEBUG, "fetching the user API %s", opts->user_api);
    /* Bearer, Accept: application/json and a User-Agent (GitHub refuses
     * API calls without one): http.c sends them. */
    rc = pod_http_get(http, opts->user_api, tokens->access_token, &resp);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "user_api %s answered HTTP %ld", opts->user_api, resp.status);
    } else if ((doc = pod_json_parse_object(resp.body.data, resp.body.len, &err)) == NULL) {
        pod_log(pamh, LOG_ERR, "user_api answer rejected: %s", err);
    } else if (pod_json_get(doc, "sub") == NULL &&
               (id = pod_claim_text(pod_json_get(doc, "id"), num)) != NULL &&
               cJSON_AddStringToObject(doc, "sub", id) == NULL) {
        rc = PAM_BUF_ERR;
    } else {
        *out = doc;
        doc = NULL;
        rc = PAM_SUCCESS;
    }
    cJSON_Delete(doc);
    pod_http_resp_wipe(&resp);
    return rc;
}

/* Verify the ID token: signature against the issuer's JWKS (refetched
 * once, within the cache's limit, when the kid is unknown or a cached key
 * fails: keys rotate), then the claims. */
static int verify_id_token(pam_handle_t *pamh, struct pod_http *http,
                           const struct pod_options *opts,
                           const struct pod_endpoints *ep, const char *id_token,
                           struct pod_jwt *jwt)
{
    struct pod_jwks *jwks = NULL;
    struct pod_jwt_expect expect = {
        .issuer = opts->issuer,
        .client_id = opts->client_id,
        .now = (int64_t)time(NULL),
        .leeway = opts->leeway,
    };
    const char *err = NULL;
    enum pod_jwt_sig sig;
    bool cached;
    int rc = PAM_AUTH_ERR;

    if (pod_jwt_parse(id_token, jwt, &err) != 0) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    rc = pod_jwks_fetch(pamh, http, ep->cache, ep->jwks_uri, false, &jwks, &cached);
    if (rc != PAM_SUCCESS)
        goto out;
    sig = pod_jwt_verify(jwt, jwks, &err);
    /* An unknown kid, or a cached key that fails: the keys may have
     * rotated.  One refetch, and few across logins: forged kids must not
     * turn every connection into a JWKS request. */
    if ((sig == POD_JWT_SIG_NO_KEY || (cached && sig != POD_JWT_SIG_OK)) &&
        pod_cache_may_refetch(ep->cache, expect.now)) {
        rc = pod_jwks_fetch(pamh, http, ep->cache, ep->jwks_uri, true, &jwks, &cached);
        if (rc != PAM_SUCCESS)
            goto out;
        sig = pod_jwt_verify(jwt, jwks, &err);
    }
    rc = PAM_AUTH_ERR;
    if (sig != POD_JWT_SIG_OK) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    if (pod_jwt_check_claims(jwt, &expect, &err) != 0) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    rc = PAM_SUCCESS;
out:
    pod_jwks_free(jwks);
    return rc;
}

/* Debug only: the verified claims, printable and bounded (they are no
 * secret, but personal data). */
static void log_claims(pam_handle_t *pamh, const char *what, const cJSON *claims)
{
    char *text = cJSON_PrintUnformatted(claims);
    char *clean = text ? pod_sanitize(text, 900) : NULL;

    pod_log(pamh, LOG_DEBUG, "%s: %s", what, clean ? clean : "?");
    free(clean);
    free(text);
}

/* Who signed in: without an issuer the user API's answer (*merged); else
 * the verified ID token's claims (in *jwt), with userinfo in *merged when
 * it is used.  *verified: the claims that may name a subject in the audit
 * line; *reason: what failed. */
int pod_signed_in(pam_handle_t *pamh, struct pod_http *http, const struct pod_options *opts,
                  const struct pod_endpoints *ep, const struct pod_tokens *tokens,
                  struct pod_jwt *jwt, cJSON **merged, const cJSON **verified,
                  const char **reason)
{
    int rc;

    if (opts->issuer == NULL) {
        /* No OpenID Connect, no ID token: the user API says who it is. */
        rc = fetch_user_api(pamh, http, opts, tokens, merged);
        if (rc != PAM_SUCCESS)
            return pod_http_step_failed(http, rc, "user_api: the user API failed", true, reason);
        *verified = *merged;
        if (opts->debug)
            log_claims(pamh, "user API claims", *merged);
        return PAM_SUCCESS;
    }
    *reason = "the ID token failed validation";
    if (tokens->id_token == NULL) {
        pod_log(pamh, LOG_ERR, "the token answer has no id_token");
        return PAM_AUTH_ERR;
    }
    rc = verify_id_token(pamh, http, opts, ep, tokens->id_token, jwt);
    if (rc != PAM_SUCCESS)
        return pod_http_step_failed(http, rc, *reason, false, reason);
    *verified = jwt->claims;
    if (opts->debug)
        log_claims(pamh, "ID token claims", jwt->claims);
    rc = add_userinfo(pamh, http, opts, ep, tokens, jwt->claims, merged, reason);
    if (rc != PAM_SUCCESS)
        return pod_http_step_failed(http, rc, *reason, true, reason);
    if (opts->debug && *merged != NULL)
        log_claims(pamh, "claims with userinfo", *merged);
    return PAM_SUCCESS;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* RFC 8628: the device authorization request and the token polling loop. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "claims.h"
#include "clock.h"
#include "compiler.h"
#include "device_flow.h"
#include "json.h"
#include "list.h"
#include "log.h"
#include "url.h"

#define GRANT_TYPE "urn:ietf:params:oauth:grant-type:device_code"
#define MAX_CODE 4096         /* device_code, tokens are opaque but bounded */
#define MAX_USER_CODE 128
#define MAX_TRANSIENT 4       /* consecutive failures before giving up */
#define MAX_BACKOFF_MS 60000
/* Audit-line words, one per outcome (pod_http_reason). */
#define REASON_IDP_ERROR "idp_error: the identity provider refused the request"
#define REASON_EXPIRED "expired: the device code expired before approval"
#define REASON_TIMEOUT "timeout: no approval before the timeout"

void pod_device_code_free(struct pod_device_code *d)
{
    pod_free_secret(d->device_code);
    free(d->user_code);
    free(d->verification_uri);
    free(d->verification_uri_complete);
    memset(d, 0, sizeof(*d));
}

void pod_tokens_free(struct pod_tokens *t)
{
    pod_free_secret(t->access_token);
    pod_free_secret(t->id_token);
    free(t->token_type);
    memset(t, 0, sizeof(*t));
}

/* A positive number of seconds, rounded up (RFC 8628 allows fractions in
 * no place, but rounding up is the safe reading of one). */
static int seconds(const cJSON *doc, const char *key, long min, long max,
                   long *out)
{
    const cJSON *v = pod_json_get(doc, key);
    double d;

    if (!cJSON_IsNumber(v))
        return -1;
    d = v->valuedouble;
    if (!isfinite(d) || d < 0)
        return -1;
    d = ceil(d);
    *out = d < (double)min ? min : d > (double)max ? max : (long)d;
    return 0;
}

static char *dup_string(const cJSON *doc, const char *key, size_t max)
{
    const char *v = pod_json_string(doc, key);

    if (v == NULL || v[0] == '\0' || strlen(v) > max)
        return NULL;
    return strdup(v);
}

/* RFC 8628 6.1 codes are short runs of letters and digits, often with a
 * '-' or a space.  Anything else (zero-width or soft hyphens, tag or
 * format characters that survive the display filter) means the IdP is
 * broken or hostile: the person could be made to type another code. */
static bool is_user_code(const char *s)
{
    bool alnum = false;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9');

        if (!letter && c != '-' && c != ' ')
            return false;
        alnum |= letter;
    }
    return alnum;
}

int pod_device_parse(const char *text, size_t len, struct pod_device_code *out,
                     const char **err)
{
    cJSON *doc;
    const char *uri;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    doc = pod_json_parse_object(text, len, err);
    if (doc == NULL)
        return -1;
    out->device_code = dup_string(doc, "device_code", MAX_CODE);
    out->user_code = dup_string(doc, "user_code", MAX_USER_CODE);
    if (out->device_code == NULL || out->user_code == NULL) {
        *err = "device authorization answer lacks device_code or user_code";
        goto out;
    }
    if (!is_user_code(out->user_code)) {
        *err = "device authorization answer has a user_code of other characters than "
               "letters, digits, '-' and spaces";
        goto out;
    }
    /* verification_url: the name Google and Entra v1 use. */
    uri = pod_json_string(doc, "verification_uri");
    if (uri == NULL && pod_json_get(doc, "verification_uri") == NULL)
        uri = pod_json_string(doc, "verification_url");
    if (!pod_is_https_url(uri)) {
        *err = "device authorization answer lacks an https verification_uri";
        goto out;
    }
    out->verification_uri = strdup(uri);
    uri = pod_json_string(doc, "verification_uri_complete");
    if (uri != NULL && pod_is_https_url(uri))
        out->verification_uri_complete = strdup(uri);
    if (out->verification_uri == NULL || (uri != NULL && pod_is_https_url(uri) &&
                                          out->verification_uri_complete == NULL)) {
        *err = "out of memory";
        goto out;
    }
    if (seconds(doc, "expires_in", 0, POD_MAX_EXPIRES_IN, &out->expires_in) != 0 ||
        out->expires_in <= 0) {
        *err = "device authorization answer has no valid expires_in";
        goto out;
    }
    out->interval = POD_DEFAULT_INTERVAL;
    if (pod_json_get(doc, "interval") != NULL &&
        seconds(doc, "interval", 1, POD_MAX_INTERVAL, &out->interval) != 0) {
        *err = "device authorization answer has an invalid interval";
        goto out;
    }
    rc = 0;
out:
    /* The tree holds the device code: a secret, wiped like the tokens. */
    pod_json_delete_secret(doc);
    if (rc != 0)
        pod_device_code_free(out);
    return rc;
}

/* Log an IdP error answer: code and description, made printable. */
static void log_idp_error(pam_handle_t *pamh, const char *what, long status,
                          const char *text, size_t len)
{
    cJSON *doc = pod_json_parse(text, len, &(const char *){ NULL });
    const char *fields[] = { "error", "error_description" };
    char clean[2][128] = { "", "" };

    for (size_t f = 0; doc != NULL && f < 2; f++) {
        const char *v = pod_json_string(doc, fields[f]);
        size_t o = 0;
        for (; v != NULL && *v != '\0' && o + 1 < sizeof(clean[f]); v++)
            if ((unsigned char)*v >= 0x20 && (unsigned char)*v < 0x7f)
                clean[f][o++] = *v;
        clean[f][o] = '\0';
    }
    pod_log(pamh, LOG_ERR, "%s answered HTTP %ld%s%s%s%s", what, status,
            clean[0][0] ? " error " : " without an OAuth error", clean[0],
            clean[1][0] ? ": " : "", clean[1]);
    cJSON_Delete(doc);
}

/* Whether an answer is an OAuth error object (GitHub may send one with
 * HTTP 200). */
static int is_oauth_error(const char *text, size_t len)
{
    cJSON *doc = pod_json_parse_object(text, len, &(const char *){ NULL });
    int yes = doc != NULL && pod_json_string(doc, "error") != NULL;

    pod_json_delete_secret(doc);
    return yes;
}

int pod_device_request(pam_handle_t *pamh, struct pod_http *http,
                       const struct pod_options *opts,
                       const struct pod_endpoints *ep, struct pod_device_code *out)
{
    struct pod_http_resp resp = { 0 };
    struct pod_buf form;
    const char *err = NULL;
    int rc = PAM_BUF_ERR;

    memset(out, 0, sizeof(*out));
    pod_buf_init(&form, POD_HTTP_MAX_BODY);
    /* No scope at all is fine without OpenID Connect (GitHub). */
    if (pod_buf_append(&form, "", 0) != 0 ||
        (opts->scope != NULL && pod_form_add(&form, "scope", opts->scope) != 0))
        goto out;
    /* required_acr as a request too (OIDC Core 3.1.2.1: voluntary; the ID
     * token's acr is what counts). */
    if (!pod_list_empty(opts->required_acr)) {
        char acr[POD_MAX_LINE + 1];
        const char *p = opts->required_acr, *item;
        size_t n, o = 0;

        while (pod_list_next(&p, &item, &n) && o + n + 1 < sizeof(acr)) {
            if (o > 0)
                acr[o++] = ' ';
            memcpy(acr + o, item, n);
            o += n;
        }
        acr[o] = '\0';
        if (pod_form_add(&form, "acr_values", acr) != 0)
            goto out;
    }
    rc = pod_http_post_form(http, ep->device_authorization_endpoint, form.data, &resp);
    if (rc != PAM_SUCCESS)
        goto out;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200 || is_oauth_error(resp.body.data, resp.body.len)) {
        log_idp_error(pamh, "device authorization endpoint", resp.status,
                      resp.body.data, resp.body.len);
        pod_http_set_reason(http, REASON_IDP_ERROR);
        goto out;
    }
    if (pod_device_parse(resp.body.data, resp.body.len, out, &err) != 0) {
        pod_log(pamh, LOG_ERR, "device authorization endpoint: %s", err);
        pod_http_set_reason(http, "bad_answer: the device authorization answer was refused");
        goto out;
    }
    out->issued_ms = pod_monotonic_ms();
    rc = PAM_SUCCESS;
out:
    pod_http_resp_wipe(&resp);
    pod_buf_wipe(&form);
    return rc;
}

static void set_why(char *why, size_t whylen, const char *s)
{
    size_t o = 0;

    if (whylen == 0)
        return;
    for (; *s != '\0' && o + 1 < whylen; s++)
        if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
            why[o++] = *s;
    why[o] = '\0';
}

static const struct {
    const char *error;
    enum pod_poll result;
} poll_errors[] = {
    { "authorization_pending", POD_POLL_PENDING },
    { "slow_down", POD_POLL_SLOW_DOWN },
    { "access_denied", POD_POLL_DENIED },
    { "authorization_declined", POD_POLL_DENIED }, /* Entra */
    { "expired_token", POD_POLL_EXPIRED },
};

/* Server trouble or rate limiting: worth another try after a pause. */
static int transient_status(long status)
{
    return status >= 500 || status == 429 || status == 408;
}

enum pod_poll pod_token_parse(long status, const char *text, size_t len,
                              struct pod_tokens *out, long *interval,
                              char *why, size_t whylen)
{
    enum pod_poll result = POD_POLL_BAD;
    const char *err = NULL, *error, *type;
    cJSON *doc;

    memset(out, 0, sizeof(*out));
    *interval = 0;
    doc = pod_json_parse_object(text, len, &err);
    if (doc == NULL) {
        set_why(why, whylen, err);
        return transient_status(status) ? POD_POLL_TRANSIENT : POD_POLL_BAD;
    }
    /* GitHub answers errors with 200, Google with 403/428: the error
     * member decides, whatever the status. */
    error = pod_json_string(doc, "error");
    if (error != NULL) {
        result = transient_status(status) ? POD_POLL_TRANSIENT : POD_POLL_ERROR;
        for (size_t i = 0; i < sizeof(poll_errors) / sizeof(poll_errors[0]); i++)
            if (strcmp(error, poll_errors[i].error) == 0)
                result = poll_errors[i].result;
        set_why(why, whylen, error);
        if (pod_json_get(doc, "interval") != NULL &&
            seconds(doc, "interval", 1, POD_MAX_INTERVAL, interval) != 0)
            *interval = 0;
        goto out;
    }
    if (status != 200) {
        set_why(why, whylen, "error answer without an error code");
        result = transient_status(status) ? POD_POLL_TRANSIENT : POD_POLL_BAD;
        goto out;
    }
    out->access_token = dup_string(doc, "access_token", POD_HTTP_MAX_BODY);
    if (out->access_token == NULL) {
        set_why(why, whylen, "success answer without access_token");
        goto out;
    }
    /* RFC 6749 5.1: the type is case-insensitive ("bearer" is common). */
    type = pod_json_string(doc, "token_type");
    if (type == NULL || !pod_ascii_streq_nocase(type, "Bearer")) {
        set_why(why, whylen, "token_type is missing or not Bearer");
        goto out;
    }
    out->token_type = strdup(type);
    if (pod_json_get(doc, "id_token") != NULL) {
        out->id_token = dup_string(doc, "id_token", POD_HTTP_MAX_BODY);
        if (out->id_token == NULL) {
            set_why(why, whylen, "id_token is not a string");
            goto out;
        }
    }
    if (out->token_type == NULL) {
        set_why(why, whylen, "out of memory");
        goto out;
    }
    set_why(why, whylen, "ok");
    result = POD_POLL_OK;
out:
    if (result != POD_POLL_OK)
        pod_tokens_free(out);
    pod_json_delete_secret(doc);
    return result;
}

/* The next wait after a failure to reach the token endpoint: RFC 8628 3.5
 * asks for an exponential back-off. */
static int64_t backoff_ms(int64_t interval_ms, int failures)
{
    int64_t ms = interval_ms << failures;

    return ms > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : ms;
}

/* Whether the wait before the next poll (w from pod_wait_ms: < 0 a
 * signal, > 0 the deadline, which is the code's expiry when expired) ends
 * the login: its PAM code, logged, with the audit reason set on http; or
 * PAM_SUCCESS when it is time to poll. */
static int wait_outcome(pam_handle_t *pamh, struct pod_http *http, int w, bool expired,
                        int failures, int answered, int polls)
{
    if (w < 0) {
        pod_log(pamh, LOG_NOTICE, "login interrupted by a signal");
        pod_http_set_reason(http, "interrupted: the login was interrupted by a signal");
        return PAM_ABORT;
    }
    if (w > 0 && failures > 0 && !answered) {
        /* The IdP never answered a poll: not the person's doing.  The
         * reason of the last failure stands (unreachable, idp_error). */
        pod_log(pamh, LOG_ERR, "the token endpoint failed until the deadline "
                "(%d polls)", polls);
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (w > 0) {
        pod_log(pamh, LOG_NOTICE, "no approval before the code expired or "
                "the timeout passed (%d polls)", polls);
        pod_http_set_reason(http, expired ? REASON_EXPIRED : REASON_TIMEOUT);
        return PAM_AUTH_ERR;
    }
    return PAM_SUCCESS;
}

/* One request to the token endpoint and its answer classified (*status:
 * its HTTP status, 0 when unreachable).  *rc is PAM_BUF_ERR when out of
 * memory, and the result then means nothing. */
static enum pod_poll poll_once(struct pod_http *http, const struct pod_endpoints *ep,
                               const char *form, struct pod_tokens *out, long *asked,
                               long *status, char *why, size_t whylen, int *rc)
{
    struct pod_http_resp resp = { 0 };
    enum pod_poll result = POD_POLL_TRANSIENT;

    *rc = pod_http_post_form(http, ep->token_endpoint, form, &resp);
    if (*rc == PAM_BUF_ERR)
        return result;
    if (*rc != PAM_SUCCESS) {
        snprintf(why, whylen, "token endpoint unreachable");
    } else {
        *status = resp.status;
        result = pod_token_parse(*status, resp.body.data, resp.body.len, out, asked, why,
                                 whylen);
        if (result == POD_POLL_TRANSIENT)
            pod_http_set_reason(http, REASON_IDP_ERROR);
    }
    pod_http_resp_wipe(&resp);
    return result;
}

/* A token answer that ends the login without tokens: logged, the audit
 * reason set on http, and its PAM code. */
static int poll_ended(pam_handle_t *pamh, struct pod_http *http, enum pod_poll result,
                      long status, const char *why)
{
    switch (result) {
    case POD_POLL_DENIED:
        pod_log(pamh, LOG_NOTICE, "the sign-in was denied at the identity provider (%s)", why);
        pod_http_set_reason(http, "denied: the sign-in was denied at the identity provider");
        return PAM_AUTH_ERR;
    case POD_POLL_EXPIRED:
        pod_log(pamh, LOG_NOTICE, "the device code expired before approval");
        pod_http_set_reason(http, REASON_EXPIRED);
        return PAM_AUTH_ERR;
    case POD_POLL_ERROR:
        pod_log(pamh, LOG_ERR, "token endpoint answered HTTP %ld error %s", status, why);
        pod_http_set_reason(http, REASON_IDP_ERROR);
        return PAM_AUTHINFO_UNAVAIL;
    case POD_POLL_BAD:
        pod_http_set_reason(http, "bad_answer: the token answer was refused");
        POD_FALLTHROUGH;
    case POD_POLL_TRANSIENT: /* the reason of the last failure stands */
    default:
        pod_log(pamh, LOG_ERR, "token endpoint: HTTP %ld %s", status, why);
        return PAM_AUTHINFO_UNAVAIL;
    }
}

int pod_device_poll(pam_handle_t *pamh, struct pod_http *http,
                    const struct pod_options *opts,
                    const struct pod_endpoints *ep,
                    const struct pod_device_code *dev, int64_t deadline_ms,
                    struct pod_tokens *out)
{
    struct pod_buf form;
    int64_t interval_ms = dev->interval * 1000;
    /* The person took time to approve: the first poll may come at once. */
    int64_t wait_ms = dev->issued_ms + interval_ms - pod_monotonic_ms();
    int failures = 0, polls = 0, answered = 0;
    const bool expired = deadline_ms == dev->issued_ms + dev->expires_in * 1000;
    int rc = PAM_BUF_ERR;

    memset(out, 0, sizeof(*out));
    pod_buf_init(&form, POD_HTTP_MAX_BODY);
    if (pod_form_add(&form, "grant_type", GRANT_TYPE) != 0 ||
        pod_form_add(&form, "device_code", dev->device_code) != 0)
        goto out;
    for (;;) {
        char why[160];
        long asked = 0, status = 0;
        enum pod_poll result;

        rc = wait_outcome(pamh, http, pod_wait_ms(wait_ms, deadline_ms), expired, failures,
                          answered, polls);
        if (rc != PAM_SUCCESS)
            goto out;
        polls++;
        result = poll_once(http, ep, form.data, out, &asked, &status, why, sizeof(why), &rc);
        if (rc == PAM_BUF_ERR)
            goto out;
        if (rc != PAM_SUCCESS && pod_http_reason(http) == pod_reason_late) {
            /* Approved or not, the person came back too late (Enter after
             * the deadline): a timeout, not an outage. */
            pod_log(pamh, LOG_NOTICE, "the timeout passed before the token request");
            rc = PAM_AUTH_ERR;
            goto out;
        }
        if (opts->debug)
            pod_log(pamh, LOG_DEBUG, "poll %d: HTTP %ld %s", polls, status, why);
        if (result == POD_POLL_TRANSIENT && ++failures < MAX_TRANSIENT) {
            wait_ms = backoff_ms(interval_ms, failures);
            pod_log(pamh, LOG_WARNING, "token endpoint: HTTP %ld %s; trying again "
                    "in %lld s", status, why, (long long)(wait_ms / 1000));
            continue;
        }
        switch (result) {
        case POD_POLL_OK:
            rc = PAM_SUCCESS;
            goto out;
        case POD_POLL_SLOW_DOWN:
            /* RFC 8628 3.5: +5 s for this and every later request. */
            interval_ms += POD_SLOW_DOWN_STEP * 1000;
            POD_FALLTHROUGH;
        case POD_POLL_PENDING:
            if (asked * 1000 > interval_ms)
                interval_ms = asked * 1000;
            wait_ms = interval_ms;
            failures = 0;
            answered = 1;
            continue;
        default:
            rc = poll_ended(pamh, http, result, status, why);
            goto out;
        }
    }
out:
    pod_buf_wipe(&form);
    return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The one libcurl handle of a login: https only, no redirects, CA from the
 * config, proxy from the config only, response size and time capped. */
#ifndef POD_HTTP_H
#define POD_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <security/pam_modules.h>
#include "buf.h"
#include "options.h"

#define POD_HTTP_MAX_BODY (256 * 1024)

struct pod_http;

struct pod_http_resp {
    long status;
    struct pod_buf body; /* wiped by pod_http_resp_wipe */
};

/* The environment variables through which a caller could steer libcurl
 * or OpenSSL (trust anchors, configuration, loaded code, key log): hidden
 * while either initialises.  NULL-terminated. */
extern const char *const pod_hostile_env[];

/* libcurl and OpenSSL initialised once per process, with those hidden and
 * OpenSSL's compiled-in configuration: before any other OpenSSL call,
 * whose implicit initialisation would read OPENSSL_CONF.  0, or -1
 * (logged). */
int pod_http_global_init(pam_handle_t *pamh);

/* NULL on failure (logged). */
struct pod_http *pod_http_new(pam_handle_t *pamh, const struct pod_options *opts);
void pod_http_free(struct pod_http *h);

/* Absolute CLOCK_MONOTONIC deadline (ms) no request may pass. */
void pod_http_set_deadline(struct pod_http *h, int64_t deadline_ms);

/* Audit-line words for why the last request failed, when it was not the
 * IdP's answer ("timeout: ...", "unreachable: ...", or what a caller set
 * with pod_http_set_reason); NULL after a request that was answered. */
const char *pod_http_reason(const struct pod_http *h);
void pod_http_set_reason(struct pod_http *h, const char *reason);

extern const char pod_reason_late[];        /* the deadline passed before a request */
extern const char pod_reason_unreachable[]; /* connection, TLS or transfer failed */

/* GET with Accept: application/json and an optional bearer token.
 * PAM_SUCCESS whatever the HTTP status; PAM_AUTHINFO_UNAVAIL (logged) when
 * the server cannot be reached, TLS fails, the deadline passes or the body
 * is over the cap (pod_http_reason says which); PAM_BUF_ERR. */
int pod_http_get(struct pod_http *h, const char *url, const char *bearer,
                 struct pod_http_resp *out);

/* POST application/x-www-form-urlencoded; the client authenticates with
 * HTTP Basic when it has a secret (then client_id is not in the body),
 * otherwise client_id is appended to the form. */
int pod_http_post_form(struct pod_http *h, const char *url, const char *form,
                       struct pod_http_resp *out);

/* The value of a header of the last answer (valid until the next
 * request), or NULL. */
const char *pod_http_header(struct pod_http *h, const char *name);

/* Append key=value (both form-urlencoded) to a form, '&'-separated. */
int pod_form_add(struct pod_buf *form, const char *key, const char *value);

void pod_http_resp_wipe(struct pod_http_resp *r);

/* A step failed with rc: the audit words (*reason) and the PAM code.  The
 * deadline passing before a request is the person's timeout, PAM_AUTH_ERR
 * (an authinfo_unavail=ignore stack must not fall through), never an
 * outage.  Otherwise what the transport or the protocol recorded on http
 * (unreachable, denied, expired, issuer, ...) comes first, or the step's
 * own words (own_first: the step names itself).  http may be NULL. */
int pod_http_step_failed(struct pod_http *http, int rc, const char *own, bool own_first,
                         const char **reason);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* RFC 8628: device authorization request and token polling. */
#ifndef POD_DEVICE_FLOW_H
#define POD_DEVICE_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include <security/pam_modules.h>
#include "discovery.h"
#include "http.h"
#include "options.h"

#define POD_DEFAULT_INTERVAL 5
#define POD_MAX_INTERVAL 300
#define POD_MAX_EXPIRES_IN 3600
#define POD_SLOW_DOWN_STEP 5

struct pod_device_code {
    char *device_code; /* secret */
    char *user_code;
    char *verification_uri;
    char *verification_uri_complete; /* optional */
    long expires_in;
    long interval;
    int64_t issued_ms; /* CLOCK_MONOTONIC when the answer came */
};

/* Pure: parse the device authorization response.  0, or -1 with *err. */
int pod_device_parse(const char *text, size_t len,
                     struct pod_device_code *out, const char **err);
void pod_device_code_free(struct pod_device_code *d);

int pod_device_request(pam_handle_t *pamh, struct pod_http *http,
                       const struct pod_options *opts,
                       const struct pod_endpoints *ep,
                       struct pod_device_code *out);

struct pod_tokens {
    char *access_token; /* secret */
    char *id_token;     /* secret */
    char *token_type;
};
void pod_tokens_free(struct pod_tokens *t);

enum pod_poll {
    POD_POLL_OK,
    POD_POLL_PENDING,
    POD_POLL_SLOW_DOWN,
    POD_POLL_DENIED,
    POD_POLL_EXPIRED,
    POD_POLL_ERROR,     /* the IdP answered another error */
    POD_POLL_TRANSIENT, /* a server error worth retrying later */
    POD_POLL_BAD,       /* the answer makes no sense */
};

/* Pure: classify one token endpoint answer.  On POD_POLL_OK *out is
 * filled.  *interval gets an interval the server asked for (0: none).
 * why[] gets the IdP's error code (printable ASCII only) or our reason. */
enum pod_poll pod_token_parse(long status, const char *text, size_t len,
                              struct pod_tokens *out, long *interval,
                              char *why, size_t whylen);

/* Poll until a result or deadline_ms (CLOCK_MONOTONIC).  PAM_SUCCESS with
 * *out filled; PAM_AUTH_ERR on denial/expiry/deadline; PAM_AUTHINFO_UNAVAIL
 * when the IdP fails; PAM_ABORT on SIGINT/SIGQUIT. */
int pod_device_poll(pam_handle_t *pamh, struct pod_http *http,
                    const struct pod_options *opts,
                    const struct pod_endpoints *ep,
                    const struct pod_device_code *dev, int64_t deadline_ms,
                    struct pod_tokens *out);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* JWS compact serialisation (RFC 7515) and ID token validation (OIDC Core
 * 3.1.3.7, RFC 8725). */
#ifndef POD_JWT_H
#define POD_JWT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "jwks.h"

#define POD_JWT_MAX_LEN (64 * 1024)

struct pod_jwt {
    cJSON *header;
    cJSON *claims;
    const char *alg; /* from header, points into it */
    const char *kid; /* may be NULL */
    const char *typ; /* may be NULL */
    char *signing_input; /* "b64header.b64payload" */
    size_t signing_input_len;
    unsigned char *sig;
    size_t sig_len;
};

/* Decode and strictly parse; rejects unknown crit, alg none.  0, or -1
 * with *err. */
int pod_jwt_parse(const char *compact, struct pod_jwt *out, const char **err);
void pod_jwt_free(struct pod_jwt *jwt);

enum pod_jwt_sig {
    POD_JWT_SIG_OK = 0,
    POD_JWT_SIG_NO_KEY = 1, /* kid not in the set: refetch the JWKS once */
    POD_JWT_SIG_BAD = -1,
};
/* Verify with the JWKS key chosen by kid; the alg must be allowed for the
 * key type (RS*, PS*: RSA >= 2048; ES256/384/512: matching curve; EdDSA:
 * Ed25519/Ed448).  HS* and none are always refused. */
enum pod_jwt_sig pod_jwt_verify(const struct pod_jwt *jwt,
                                const struct pod_jwks *jwks, const char **err);

/* Why alg may not be used with key (allow-list, key type, curve, the
 * JWK's own alg), or NULL when it may. */
const char *pod_jwt_alg_problem(const struct pod_jwk *key, const char *alg);

struct pod_jwt_expect {
    const char *issuer;
    const char *client_id;
    int64_t now;    /* seconds since the epoch */
    long leeway;    /* seconds */
};
/* iss, aud, azp, exp, nbf, iat, typ.  0, or -1 with *err. */
int pod_jwt_check_claims(const struct pod_jwt *jwt,
                         const struct pod_jwt_expect *expect, const char **err);


#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* JSON Web Key Sets (RFC 7517/7518/8037): JWK to EVP_PKEY. */
#ifndef POD_JWKS_H
#define POD_JWKS_H

#include <stddef.h>
#include <openssl/evp.h>

enum pod_kty { POD_KTY_OTHER = 0, POD_KTY_RSA, POD_KTY_EC, POD_KTY_OKP };

struct pod_jwk {
    char *kid;          /* may be NULL */
    char *alg;          /* may be NULL */
    enum pod_kty kty;
    char *crv;          /* EC/OKP curve name as in the JWK, else NULL */
    EVP_PKEY *pkey;     /* NULL when the key is unusable */
    const char *unusable; /* static reason when pkey is NULL */
};

struct pod_jwks {
    struct pod_jwk *keys;
    size_t n;
};

/* Parse a JWKS.  Keys that cannot be used for signature verification (oct,
 * use other than sig, RSA under 2048 bits, EC point off the curve, ...)
 * are kept with pkey NULL and a reason.  0, or -1 with *err when the
 * document itself is bad. */
int pod_jwks_parse(const char *text, size_t len, struct pod_jwks **out,
                   const char **err);
void pod_jwks_free(struct pod_jwks *jwks);

/* The key with this kid (kid NULL: the only key, if there is exactly one
 * usable signing key), or NULL. */
const struct pod_jwk *pod_jwks_find(const struct pod_jwks *jwks, const char *kid);

#endif

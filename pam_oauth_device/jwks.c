/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* JSON Web Key Sets: each JWK checked and turned into an EVP_PKEY. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "b64url.h"
#include "json.h"
#include "jwks.h"

#define MAX_KEYS 64
#define MAX_NAME 256   /* kid, alg, crv */
#define MAX_B64 4096   /* a 16384-bit modulus is 2731 characters */
#define MIN_RSA_BITS 2048

/* Compared by address: the one failure that fails the whole JWKS. */
static const char no_memory[] = "out of memory";

static const struct curve {
    const char *crv;   /* JWK name (RFC 7518 6.2.1.1, RFC 8037 2) */
    enum pod_kty kty;
    const char *name;  /* OpenSSL group or key type */
    size_t len;        /* field (EC) or public key (OKP) bytes */
} curves[] = {
    { "P-256", POD_KTY_EC, "prime256v1", 32 },
    { "P-384", POD_KTY_EC, "secp384r1", 48 },
    { "P-521", POD_KTY_EC, "secp521r1", 66 },
    { "Ed25519", POD_KTY_OKP, "ED25519", 32 },
    { "Ed448", POD_KTY_OKP, "ED448", 57 },
};

/* Members that only a private or symmetric JWK has (RFC 7518 6). */
static const char *const private_members[] = {
    "d", "p", "q", "dp", "dq", "qi", "oth", "k",
};

/* A base64url member, decoded; NULL when absent, too long or malformed. */
static unsigned char *member_bytes(const cJSON *jwk, const char *key, size_t *len)
{
    const char *s = pod_json_string(jwk, key);
    size_t n;

    if (s == NULL || (n = strlen(s)) == 0 || n > MAX_B64)
        return NULL;
    return pod_b64url_decode(s, n, len);
}

/* EVP_PKEY_fromdata of a public key. */
static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static int public_check(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static const char *rsa_key(const cJSON *jwk, EVP_PKEY **out)
{
    unsigned char *nb, *eb;
    size_t nlen = 0, elen = 0;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    const char *why = NULL;

    nb = member_bytes(jwk, "n", &nlen);
    eb = member_bytes(jwk, "e", &elen);
    if (nb == NULL || eb == NULL) {
        why = "RSA key without a valid n and e";
        goto out;
    }
    n = BN_bin2bn(nb, (int)nlen, NULL);
    e = BN_bin2bn(eb, (int)elen, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (n == NULL || e == NULL || bld == NULL) {
        why = no_memory;
        goto out;
    }
    if (BN_num_bits(n) < MIN_RSA_BITS) {
        why = "RSA key under 2048 bits";
        goto out;
    }
    if (BN_num_bits(n) > OPENSSL_RSA_MAX_MODULUS_BITS) {
        why = "RSA key too large";
        goto out;
    }
    if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
        (pkey = from_params("RSA", bld)) == NULL) {
        why = "RSA key rejected by OpenSSL";
        goto out;
    }
    /* Odd modulus without small factors, odd exponent above 1. */
    if (!public_check(pkey)) {
        why = "RSA public key invalid";
        goto out;
    }
    *out = pkey;
    pkey = NULL;
out:
    EVP_PKEY_free(pkey);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    free(nb);
    free(eb);
    return why;
}

static const struct curve *find_curve(const char *crv, enum pod_kty kty)
{
    for (size_t i = 0; crv != NULL && i < sizeof(curves) / sizeof(curves[0]); i++)
        if (curves[i].kty == kty && strcmp(curves[i].crv, crv) == 0)
            return &curves[i];
    return NULL;
}

static const char *ec_key(const cJSON *jwk, const struct curve *c, EVP_PKEY **out)
{
    unsigned char *x, *y, pub[1 + 2 * 66];
    size_t xlen = 0, ylen = 0;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    const char *why = NULL;

    x = member_bytes(jwk, "x", &xlen);
    y = member_bytes(jwk, "y", &ylen);
    /* RFC 7518 6.2.1.2: exactly the field length, leading zeros kept. */
    if (x == NULL || y == NULL || xlen != c->len || ylen != c->len) {
        why = "EC key without a valid x and y";
        goto out;
    }
    pub[0] = 0x04; /* uncompressed point, SEC 1 2.3.3 */
    memcpy(pub + 1, x, c->len);
    memcpy(pub + 1 + c->len, y, c->len);
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * c->len) != 1) {
        why = no_memory;
        goto out;
    }
    /* OpenSSL 3.0 fromdata already refuses points off the curve; the
     * explicit check does not rely on that. */
    pkey = from_params("EC", bld);
    if (pkey == NULL || !public_check(pkey)) {
        why = "EC point not on the curve";
        goto out;
    }
    *out = pkey;
    pkey = NULL;
out:
    EVP_PKEY_free(pkey);
    OSSL_PARAM_BLD_free(bld);
    free(x);
    free(y);
    return why;
}

static const char *okp_key(const cJSON *jwk, const struct curve *c, EVP_PKEY **out)
{
    unsigned char *x;
    size_t xlen = 0;
    OSSL_PARAM_BLD *bld = NULL;
    const char *why = NULL;

    x = member_bytes(jwk, "x", &xlen);
    if (x == NULL || xlen != c->len) {
        why = "OKP key without a valid x";
        goto out;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, x, xlen) != 1) {
        why = no_memory;
        goto out;
    }
    if ((*out = from_params(c->name, bld)) == NULL)
        why = "OKP key rejected by OpenSSL";
out:
    OSSL_PARAM_BLD_free(bld);
    free(x);
    return why;
}

/* Why the JWK may not verify signatures, whatever its key: RFC 7517 4.2,
 * 4.3, and private material that should never have been published. */
static const char *usage_problem(const cJSON *jwk)
{
    const cJSON *use = pod_json_get(jwk, "use");
    const cJSON *ops = pod_json_get(jwk, "key_ops");
    const cJSON *op;
    int verify = 0;

    for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++)
        if (pod_json_get(jwk, private_members[i]) != NULL)
            return "JWK contains private key material";
    if (use != NULL && (!cJSON_IsString(use) || strcmp(use->valuestring, "sig") != 0))
        return "JWK use is not sig";
    if (ops != NULL) {
        if (!cJSON_IsArray(ops))
            return "JWK key_ops malformed";
        cJSON_ArrayForEach(op, ops) {
            if (!cJSON_IsString(op))
                return "JWK key_ops malformed";
            if (strcmp(op->valuestring, "verify") == 0)
                verify = 1;
        }
        if (!verify)
            return "JWK key_ops lacks verify";
    }
    return NULL;
}

/* *dst = copy of the optional short string member.  -1: out of memory;
 * 1: present but not a short string. */
static int take_name(const cJSON *jwk, const char *key, char **dst)
{
    const cJSON *v = pod_json_get(jwk, key);

    if (v == NULL)
        return 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > MAX_NAME)
        return 1;
    *dst = strdup(v->valuestring);
    return *dst == NULL ? -1 : 0;
}

static enum pod_kty kty_of(const char *kty)
{
    if (strcmp(kty, "RSA") == 0)
        return POD_KTY_RSA;
    if (strcmp(kty, "EC") == 0)
        return POD_KTY_EC;
    if (strcmp(kty, "OKP") == 0)
        return POD_KTY_OKP;
    return POD_KTY_OTHER;
}

/* The key for a usable JWK, or why there is none. */
static const char *make_key(const cJSON *jwk, struct pod_jwk *k)
{
    const struct curve *c;
    const char *why = usage_problem(jwk);

    if (why != NULL)
        return why;
    if (k->kty == POD_KTY_RSA)
        return rsa_key(jwk, &k->pkey);
    if ((c = find_curve(k->crv, k->kty)) == NULL)
        return "unsupported curve";
    return k->kty == POD_KTY_EC ? ec_key(jwk, c, &k->pkey) : okp_key(jwk, c, &k->pkey);
}

/* Fills k; only running out of memory is an error (-1).  Anything else
 * leaves the key unusable with a reason, as RFC 7517 5 asks. */
static int jwk_parse(const cJSON *jwk, struct pod_jwk *k)
{
    const char *kty;
    int kid, alg, crv = 0;

    if (!cJSON_IsObject(jwk)) {
        k->unusable = "JWK is not an object";
        return 0;
    }
    kty = pod_json_string(jwk, "kty");
    if (kty != NULL)
        k->kty = kty_of(kty);
    kid = take_name(jwk, "kid", &k->kid);
    alg = take_name(jwk, "alg", &k->alg);
    if (k->kty == POD_KTY_EC || k->kty == POD_KTY_OKP)
        crv = take_name(jwk, "crv", &k->crv);
    if (kid < 0 || alg < 0 || crv < 0)
        return -1;
    if (kid || alg || crv)
        k->unusable = "JWK kid, alg or crv malformed";
    else if (kty == NULL)
        k->unusable = "JWK without kty";
    else if (strcmp(kty, "oct") == 0)
        k->unusable = "symmetric key refused";
    else if (k->kty == POD_KTY_OTHER)
        k->unusable = "unsupported key type";
    else
        k->unusable = make_key(jwk, k);
    return k->unusable == no_memory ? -1 : 0;
}

/* Two usable keys sharing a kid make the choice ambiguous: neither is
 * used. */
static void drop_duplicate_kids(struct pod_jwks *set)
{
    for (size_t i = 0; i < set->n; i++) {
        for (size_t j = i + 1; j < set->n; j++) {
            struct pod_jwk *a = &set->keys[i], *b = &set->keys[j];

            if (a->pkey != NULL && b->pkey != NULL && a->kid != NULL &&
                b->kid != NULL && strcmp(a->kid, b->kid) == 0)
                a->unusable = b->unusable = "duplicate kid in JWKS";
        }
    }
    for (size_t i = 0; i < set->n; i++) {
        if (set->keys[i].unusable != NULL) {
            EVP_PKEY_free(set->keys[i].pkey);
            set->keys[i].pkey = NULL;
        }
    }
}

int pod_jwks_parse(const char *text, size_t len, struct pod_jwks **out,
                   const char **err)
{
    struct pod_jwks *set = NULL;
    const cJSON *keys, *jwk;
    cJSON *doc;
    int n, rc = -1;

    *out = NULL;
    doc = pod_json_parse(text, len, err);
    if (doc == NULL)
        return -1;
    /* Refused keys leave OpenSSL errors that are not ours to report; the
     * caller's own errors stay. */
    ERR_set_mark();
    keys = pod_json_get(doc, "keys");
    if (!cJSON_IsArray(keys)) {
        *err = "JWKS is not an object with a keys array";
        goto out;
    }
    n = cJSON_GetArraySize(keys);
    if (n > MAX_KEYS) {
        *err = "JWKS has too many keys";
        goto out;
    }
    set = calloc(1, sizeof(*set));
    if (set == NULL || (set->keys = calloc((size_t)n + 1, sizeof(*set->keys))) == NULL) {
        *err = "out of memory";
        goto out;
    }
    cJSON_ArrayForEach(jwk, keys) {
        if (jwk_parse(jwk, &set->keys[set->n++]) != 0) {
            *err = "out of memory";
            goto out;
        }
    }
    drop_duplicate_kids(set);
    *out = set;
    set = NULL;
    rc = 0;
out:
    pod_jwks_free(set);
    cJSON_Delete(doc);
    ERR_pop_to_mark();
    return rc;
}

void pod_jwks_free(struct pod_jwks *jwks)
{
    if (jwks == NULL)
        return;
    for (size_t i = 0; jwks->keys != NULL && i < jwks->n; i++) {
        free(jwks->keys[i].kid);
        free(jwks->keys[i].alg);
        free(jwks->keys[i].crv);
        EVP_PKEY_free(jwks->keys[i].pkey);
    }
    free(jwks->keys);
    free(jwks);
}

const struct pod_jwk *pod_jwks_find(const struct pod_jwks *jwks, const char *kid)
{
    const struct pod_jwk *found = NULL;

    if (jwks == NULL)
        return NULL;
    for (size_t i = 0; i < jwks->n; i++) {
        const struct pod_jwk *k = &jwks->keys[i];

        if (kid == NULL) {
            if (k->pkey == NULL)
                continue;
            if (found != NULL)
                return NULL;
            found = k;
        } else if (k->kid != NULL && strcmp(k->kid, kid) == 0) {
            /* A usable match wins over an unusable one with the same kid. */
            if (k->pkey != NULL)
                return k;
            if (found == NULL)
                found = k;
        }
    }
    return found;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* JWS compact parsing, signature verification and the ID token claim checks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ascii.h"
#include "b64url.h"
#include "json.h"
#include "jwt.h"

#define MAX_TIME 253402300799LL /* 9999-12-31T23:59:59Z */
#define MAX_LEEWAY 86400L
#define MAX_SUB 255             /* OIDC Core 2 */

/* The only algorithms ever accepted (RFC 7518 3.1, RFC 8037 3.1). */
static const struct alg {
    const char *name;
    enum pod_kty kty;
    const char *md;    /* NULL: EdDSA hashes internally */
    int pss;
    const char *crv;   /* EC: the one curve this alg goes with */
    size_t field;      /* EC: bytes of r and of s */
} algs[] = {
    { "RS256", POD_KTY_RSA, "SHA256", 0, NULL, 0 },
    { "RS384", POD_KTY_RSA, "SHA384", 0, NULL, 0 },
    { "RS512", POD_KTY_RSA, "SHA512", 0, NULL, 0 },
    { "PS256", POD_KTY_RSA, "SHA256", 1, NULL, 0 },
    { "PS384", POD_KTY_RSA, "SHA384", 1, NULL, 0 },
    { "PS512", POD_KTY_RSA, "SHA512", 1, NULL, 0 },
    { "ES256", POD_KTY_EC, "SHA256", 0, "P-256", 32 },
    { "ES384", POD_KTY_EC, "SHA384", 0, "P-384", 48 },
    { "ES512", POD_KTY_EC, "SHA512", 0, "P-521", 66 },
    { "EdDSA", POD_KTY_OKP, NULL, 0, NULL, 0 },
};

/* Why alg may not be used with key, or NULL with *found set. */
static const char *alg_for_key(const struct pod_jwk *key, const char *alg,
                               const struct alg **found)
{
    const struct alg *a = NULL;

    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
        if (strcmp(algs[i].name, alg) == 0)
            a = &algs[i];
    *found = a;
    if (a == NULL)
        return "ID token alg not allowed";
    if (a->kty != key->kty ||
        (a->crv != NULL && (key->crv == NULL || strcmp(a->crv, key->crv) != 0)))
        return "ID token alg not allowed for key";
    if (key->alg != NULL && strcmp(key->alg, alg) != 0)
        return "ID token alg differs from the JWK alg";
    return NULL;
}

const char *pod_jwt_alg_problem(const struct pod_jwk *key, const char *alg)
{
    const struct alg *a;

    return alg_for_key(key, alg, &a);
}

/* A base64url part holding a JSON object. */
static cJSON *decode_object(const char *b64, size_t len, const char *what_b64,
                            const char *what_json, const char *what_obj,
                            const char **err)
{
    size_t n = 0;
    unsigned char *raw = pod_b64url_decode(b64, len, &n);
    cJSON *obj;

    if (raw == NULL) {
        *err = what_b64;
        return NULL;
    }
    /* The JSON reason is dropped: which part failed matters more. */
    obj = pod_json_parse((const char *)raw, n, NULL);
    explicit_bzero(raw, n);
    free(raw);
    if (obj == NULL) {
        *err = what_json;
        return NULL;
    }
    if (!cJSON_IsObject(obj)) {
        pod_json_delete_secret(obj);
        *err = what_obj;
        return NULL;
    }
    return obj;
}

/* RFC 7515 4.1.11: a non-empty array of strings naming extensions the
 * recipient must understand.  We understand none. */
static const char *check_crit(const cJSON *header)
{
    const cJSON *crit = pod_json_get(header, "crit"), *name;

    if (crit == NULL)
        return NULL;
    if (!cJSON_IsArray(crit) || crit->child == NULL)
        return "ID token crit header malformed";
    cJSON_ArrayForEach(name, crit)
        if (!cJSON_IsString(name))
            return "ID token crit header malformed";
    return "ID token crit header not understood";
}

/* Header members we use; jku, x5u, jwk and x5c are ignored: keys come
 * from the configured issuer's JWKS only. */
static const char *check_header(struct pod_jwt *jwt)
{
    const cJSON *kid = pod_json_get(jwt->header, "kid");
    const cJSON *typ = pod_json_get(jwt->header, "typ");

    jwt->alg = pod_json_string(jwt->header, "alg");
    if (jwt->alg == NULL)
        return "ID token header has no alg";
    if (pod_ascii_streq_nocase(jwt->alg, "none"))
        return "ID token alg none refused";
    if (kid != NULL && !cJSON_IsString(kid))
        return "ID token kid malformed";
    if (typ != NULL && !cJSON_IsString(typ))
        return "ID token typ malformed";
    jwt->kid = kid ? kid->valuestring : NULL;
    jwt->typ = typ ? typ->valuestring : NULL;
    return check_crit(jwt->header);
}

int pod_jwt_parse(const char *compact, struct pod_jwt *out, const char **err)
{
    const char *dot1, *dot2;
    size_t len, hlen, plen, slen, dots = 0;

    memset(out, 0, sizeof(*out));
    if (compact == NULL) {
        *err = "no ID token";
        return -1;
    }
    len = strnlen(compact, POD_JWT_MAX_LEN + 1);
    if (len > POD_JWT_MAX_LEN) {
        *err = "ID token too long";
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        dots += compact[i] == '.';
    if (dots != 2) {
        *err = dots == 4 ? "ID token is encrypted (JWE), not supported"
                         : "ID token is not a three-part compact JWS";
        return -1;
    }
    dot1 = memchr(compact, '.', len);
    dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - compact));
    hlen = (size_t)(dot1 - compact);
    plen = (size_t)(dot2 - dot1 - 1);
    slen = len - (size_t)(dot2 + 1 - compact);
    if (hlen == 0 || plen == 0) {
        *err = "ID token has an empty part";
        return -1;
    }
    out->header = decode_object(compact, hlen, "ID token header is not base64url",
                                "ID token header JSON rejected",
                                "ID token header is not a JSON object", err);
    if (out->header == NULL)
        goto fail;
    /* The header first: an unsigned "alg":"none" token says so in the log. */
    if ((*err = check_header(out)) != NULL)
        goto fail;
    if (slen == 0) {
        *err = "ID token has an empty signature";
        goto fail;
    }
    out->claims = decode_object(dot1 + 1, plen, "ID token claims are not base64url",
                                "ID token claims JSON rejected",
                                "ID token claims are not a JSON object", err);
    if (out->claims == NULL)
        goto fail;
    out->sig = pod_b64url_decode(dot2 + 1, slen, &out->sig_len);
    if (out->sig == NULL) {
        *err = "ID token signature is not base64url";
        goto fail;
    }
    out->signing_input_len = (size_t)(dot2 - compact);
    out->signing_input = malloc(out->signing_input_len + 1);
    if (out->signing_input == NULL) {
        *err = "out of memory";
        goto fail;
    }
    memcpy(out->signing_input, compact, out->signing_input_len);
    out->signing_input[out->signing_input_len] = '\0';
    return 0;
fail:
    pod_jwt_free(out);
    return -1;
}

void pod_jwt_free(struct pod_jwt *jwt)
{
    if (jwt == NULL)
        return;
    pod_json_delete_secret(jwt->header);
    pod_json_delete_secret(jwt->claims);
    if (jwt->signing_input != NULL) {
        explicit_bzero(jwt->signing_input, jwt->signing_input_len);
        free(jwt->signing_input);
    }
    if (jwt->sig != NULL) {
        explicit_bzero(jwt->sig, jwt->sig_len);
        free(jwt->sig);
    }
    memset(jwt, 0, sizeof(*jwt));
}

/* JWS carries ECDSA as r||s (RFC 7518 3.4); OpenSSL wants DER. */
static unsigned char *ecdsa_der(const unsigned char *sig, size_t field, size_t *der_len)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)field, NULL);
    BIGNUM *s = BN_bin2bn(sig + field, (int)field, NULL);
    unsigned char *der = NULL;
    int n;

    if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return NULL;
    }
    n = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (n <= 0)
        return NULL;
    *der_len = (size_t)n;
    return der;
}

/* 1: valid, 0: invalid, -1: could not check. */
static int verify_with(const struct alg *a, EVP_PKEY *pkey, const struct pod_jwt *jwt,
                       const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int rc = -1;

    if (md == NULL || EVP_DigestVerifyInit_ex(md, &pctx, a->md, NULL, NULL, pkey, NULL) != 1)
        goto out;
    if (a->kty == POD_KTY_RSA && !a->pss &&
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
        goto out;
    /* PSS as RFC 7518 3.5 fixes it: MGF1 with the same hash, and a salt
     * exactly as long as the hash (not AUTO, which takes any length). */
    if (a->pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                   EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, a->md, NULL) != 1))
        goto out;
    rc = EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)jwt->signing_input,
                          jwt->signing_input_len) == 1;
out:
    EVP_MD_CTX_free(md);
    return rc;
}

/* The kid-less case: one usable key is unambiguous, none may be a
 * rotation (refetch), several cannot be chosen from. */
static enum pod_jwt_sig no_key(const struct pod_jwt *jwt, const struct pod_jwks *jwks,
                               const char **err)
{
    size_t usable = 0;

    if (jwt->kid != NULL) {
        *err = "unknown kid";
        return POD_JWT_SIG_NO_KEY;
    }
    for (size_t i = 0; jwks != NULL && i < jwks->n; i++)
        usable += jwks->keys[i].pkey != NULL;
    if (usable == 0) {
        *err = "no usable key in the JWKS";
        return POD_JWT_SIG_NO_KEY;
    }
    *err = "ID token has no kid and the JWKS has several keys";
    return POD_JWT_SIG_BAD;
}

enum pod_jwt_sig pod_jwt_verify(const struct pod_jwt *jwt,
                                const struct pod_jwks *jwks, const char **err)
{
    const struct pod_jwk *key;
    const struct alg *a;
    unsigned char *der = NULL;
    const unsigned char *sig = jwt->sig;
    size_t sig_len = jwt->sig_len;
    int ok;

    key = pod_jwks_find(jwks, jwt->kid);
    if (key == NULL)
        return no_key(jwt, jwks, err);
    if (key->pkey == NULL) {
        *err = key->unusable;
        return POD_JWT_SIG_BAD;
    }
    if ((*err = alg_for_key(key, jwt->alg, &a)) != NULL || a == NULL)
        return POD_JWT_SIG_BAD;
    if (a->kty == POD_KTY_EC) {
        if (sig_len != 2 * a->field) {
            *err = "ID token signature length wrong";
            return POD_JWT_SIG_BAD;
        }
        if ((der = ecdsa_der(sig, a->field, &sig_len)) == NULL) {
            *err = "out of memory";
            return POD_JWT_SIG_BAD;
        }
        sig = der;
    } else if (a->kty == POD_KTY_RSA && sig_len != (size_t)EVP_PKEY_get_size(key->pkey)) {
        *err = "ID token signature length wrong";
        return POD_JWT_SIG_BAD;
    }
    /* A failed check queues OpenSSL errors: drop ours, keep the caller's. */
    ERR_set_mark();
    ok = verify_with(a, key->pkey, jwt, sig, sig_len);
    ERR_pop_to_mark();
    OPENSSL_free(der);
    if (ok == 1)
        return POD_JWT_SIG_OK;
    *err = ok == 0 ? "ID token signature invalid" : "ID token signature could not be checked";
    return POD_JWT_SIG_BAD;
}

/* A NumericDate (RFC 7519 2) as whole seconds in [0, year 9999]. */
static const char *get_time(const cJSON *claims, const char *key, int required,
                            int64_t *out, const char *missing, const char *bad)
{
    long long v;

    switch (pod_json_int(claims, key, 0, MAX_TIME, &v)) {
    case POD_JSON_OK:
        *out = v;
        return NULL;
    case POD_JSON_MISSING:
        return required ? missing : NULL;
    case POD_JSON_BAD:
        break;
    }
    return bad;
}

/* OIDC Core 3.1.3.7 steps 3-5: our client_id among the audiences, and azp
 * naming us when present or when there are several audiences. */
static const char *check_audience(const cJSON *claims, const char *client_id)
{
    const cJSON *aud = pod_json_get(claims, "aud"), *v;
    const cJSON *azp = pod_json_get(claims, "azp");
    size_t count = 0;
    int found = 0;

    if (aud == NULL)
        return "ID token aud missing";
    if (cJSON_IsString(aud)) {
        count = 1;
        found = strcmp(aud->valuestring, client_id) == 0;
    } else if (cJSON_IsArray(aud)) {
        cJSON_ArrayForEach(v, aud) {
            if (!cJSON_IsString(v))
                return "ID token aud malformed";
            count++;
            found |= strcmp(v->valuestring, client_id) == 0;
        }
    }
    if (count == 0)
        return "ID token aud malformed";
    if (!found)
        return "ID token audience mismatch";
    if (azp != NULL && (!cJSON_IsString(azp) || strcmp(azp->valuestring, client_id) != 0))
        return "ID token azp mismatch";
    if (azp == NULL && count > 1)
        return "ID token has several audiences and no azp";
    return NULL;
}

static const char *check_times(const cJSON *claims, int64_t now, long leeway)
{
    int64_t exp = 0, iat = 0, nbf = -1;
    const char *e;

    if ((e = get_time(claims, "exp", 1, &exp, "ID token exp missing", "ID token exp invalid")) ||
        (e = get_time(claims, "iat", 1, &iat, "ID token iat missing", "ID token iat invalid")) ||
        (e = get_time(claims, "nbf", 0, &nbf, NULL, "ID token nbf invalid")))
        return e;
    if (now >= exp + leeway)
        return "ID token expired";
    if (nbf >= 0 && nbf > now + leeway)
        return "ID token not yet valid";
    if (iat > now + leeway)
        return "ID token issued in the future";
    return NULL;
}

int pod_jwt_check_claims(const struct pod_jwt *jwt,
                         const struct pod_jwt_expect *expect, const char **err)
{
    const cJSON *iss = pod_json_get(jwt->claims, "iss");
    const char *sub, *e;

    /* Fail closed on a caller mistake; bounds keep the sums below exact. */
    if (expect == NULL || expect->issuer == NULL || expect->client_id == NULL ||
        expect->now < 0 || expect->now > MAX_TIME || expect->leeway < 0 ||
        expect->leeway > MAX_LEEWAY) {
        *err = "ID token check misconfigured";
        return -1;
    }
    /* RFC 9068 2.1: an access token must not pass as an ID token. */
    if (jwt->typ != NULL && (pod_ascii_streq_nocase(jwt->typ, "at+jwt") ||
                             pod_ascii_streq_nocase(jwt->typ, "application/at+jwt"))) {
        *err = "ID token typ is at+jwt (an access token)";
        return -1;
    }
    if (iss == NULL) {
        *err = "ID token issuer missing";
        return -1;
    }
    /* Byte for byte: no case folding, no trailing-slash tolerance. */
    if (!cJSON_IsString(iss) || strcmp(iss->valuestring, expect->issuer) != 0) {
        *err = "ID token issuer mismatch";
        return -1;
    }
    if ((e = check_audience(jwt->claims, expect->client_id)) != NULL ||
        (e = check_times(jwt->claims, expect->now, expect->leeway)) != NULL) {
        *err = e;
        return -1;
    }
    sub = pod_json_string(jwt->claims, "sub");
    if (sub == NULL || sub[0] == '\0') {
        *err = "ID token sub missing";
        return -1;
    }
    if (strlen(sub) > MAX_SUB) {
        *err = "ID token sub too long";
        return -1;
    }
    return 0;
}

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "jose_helpers.h"
#include "unit_helpers.h"

static struct {
    const char *name;
    const char *type;  /* EVP_PKEY_Q_keygen type */
    const char *curve; /* EC group, else NULL */
    size_t bits;       /* RSA */
    const char *crv;   /* JWK crv */
    size_t len;        /* EC field or OKP key bytes */
    EVP_PKEY *pkey;
} keys[] = {
    { "RSA-2048", "RSA", NULL, 2048, NULL, 0, NULL },
    { "RSA-1024", "RSA", NULL, 1024, NULL, 0, NULL },
    { "P-256", "EC", "P-256", 0, "P-256", 32, NULL },
    { "P-384", "EC", "P-384", 0, "P-384", 48, NULL },
    { "P-521", "EC", "P-521", 0, "P-521", 66, NULL },
    { "Ed25519", "ED25519", NULL, 0, "Ed25519", 32, NULL },
    { "Ed448", "ED448", NULL, 0, "Ed448", 57, NULL },
};

static size_t key_index(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].name, name) == 0)
            return i;
    fail_msg("no test key %s", name);
    return 0;
}

EVP_PKEY *jh_key(const char *name)
{
    size_t i = key_index(name);

    if (keys[i].pkey == NULL) {
        if (keys[i].bits != 0)
            keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", keys[i].bits);
        else if (keys[i].curve != NULL)
            keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", keys[i].curve);
        else
            keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL, keys[i].type);
        assert_non_null(keys[i].pkey);
    }
    return keys[i].pkey;
}

void jh_keys_free(void)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        EVP_PKEY_free(keys[i].pkey);
        keys[i].pkey = NULL;
    }
}

char *jh_b64url(const void *data, size_t len)
{
    char *s = malloc(len / 3 * 4 + 5);
    size_t n;

    assert_non_null(s);
    EVP_EncodeBlock((unsigned char *)s, data, (int)len);
    for (n = 0; s[n] != '\0' && s[n] != '='; n++)
        s[n] = s[n] == '+' ? '-' : s[n] == '/' ? '_' : s[n];
    s[n] = '\0';
    return s;
}

static void add_b64(cJSON *obj, const char *member, const unsigned char *p, size_t n)
{
    char *s = jh_b64url(p, n);

    assert_non_null(cJSON_AddStringToObject(obj, member, s));
    free(s);
}

static void add_bn(cJSON *obj, const char *member, const BIGNUM *bn, size_t len)
{
    unsigned char buf[1024];
    size_t n = len ? len : (size_t)BN_num_bytes(bn);

    assert_true(n <= sizeof(buf));
    assert_int_equal(BN_bn2binpad(bn, buf, (int)n), (int)n);
    add_b64(obj, member, buf, n);
}

cJSON *jh_jwk(const char *key, const char *kid)
{
    size_t i = key_index(key);
    EVP_PKEY *pkey = jh_key(key);
    cJSON *jwk = cJSON_CreateObject();
    BIGNUM *a = NULL, *b = NULL;

    assert_non_null(jwk);
    if (kid != NULL)
        assert_non_null(cJSON_AddStringToObject(jwk, "kid", kid));
    if (keys[i].bits != 0) {
        assert_non_null(cJSON_AddStringToObject(jwk, "kty", "RSA"));
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &a), 1);
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &b), 1);
        add_bn(jwk, "n", a, 0);
        add_bn(jwk, "e", b, 0);
    } else if (keys[i].curve != NULL) {
        assert_non_null(cJSON_AddStringToObject(jwk, "kty", "EC"));
        assert_non_null(cJSON_AddStringToObject(jwk, "crv", keys[i].crv));
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &a), 1);
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &b), 1);
        add_bn(jwk, "x", a, keys[i].len);
        add_bn(jwk, "y", b, keys[i].len);
    } else {
        unsigned char x[64];
        size_t n = sizeof(x);

        assert_non_null(cJSON_AddStringToObject(jwk, "kty", "OKP"));
        assert_non_null(cJSON_AddStringToObject(jwk, "crv", keys[i].crv));
        assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, x, &n), 1);
        assert_int_equal(n, keys[i].len);
        add_b64(jwk, "x", x, n);
    }
    BN_free(a);
    BN_free(b);
    return jwk;
}

char *jh_jwks_text(cJSON *jwk, ...)
{
    cJSON *doc = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    va_list ap;
    char *text;

    assert_non_null(doc);
    assert_non_null(arr);
    cJSON_AddItemToObject(doc, "keys", arr);
    va_start(ap, jwk);
    for (; jwk != NULL; jwk = va_arg(ap, cJSON *))
        cJSON_AddItemToArray(arr, jwk);
    va_end(ap);
    text = cJSON_PrintUnformatted(doc);
    assert_non_null(text);
    cJSON_Delete(doc);
    return text;
}

struct pod_jwks *jh_jwks(const char *text)
{
    struct pod_jwks *set = NULL;
    const char *err = NULL;
    char *copy = ut_exact(text, strlen(text));

    if (pod_jwks_parse(copy, strlen(text), &set, &err) != 0)
        fail_msg("JWKS refused: %s", err);
    free(copy);
    return set;
}

static char *signing_input(const char *header, const char *payload)
{
    char *h = jh_b64url(header, strlen(header));
    char *p = jh_b64url(payload, strlen(payload));
    char *s = ut_format("%s.%s", h, p);

    free(h);
    free(p);
    return s;
}

char *jh_compact(const char *header, const char *payload,
                 const unsigned char *sig, size_t sig_len)
{
    char *in = signing_input(header, payload);
    char *s = jh_b64url(sig, sig_len);
    char *token = ut_format("%s.%s", in, s);

    free(in);
    free(s);
    return token;
}

enum mode { PKCS1, PSS, PSS_MAX, ECDSA, EDDSA, HMAC };

static const struct {
    const char *alg;
    const char *md;
    enum mode mode;
    size_t field; /* ECDSA: bytes of r and of s */
} sig_algs[] = {
    { "RS256", "SHA256", PKCS1, 0 },  { "RS384", "SHA384", PKCS1, 0 },
    { "RS512", "SHA512", PKCS1, 0 },  { "PS256", "SHA256", PSS, 0 },
    { "PS384", "SHA384", PSS, 0 },    { "PS512", "SHA512", PSS, 0 },
    { "PS256-maxsalt", "SHA256", PSS_MAX, 0 },
    { "ES256", "SHA256", ECDSA, 32 }, { "ES384", "SHA384", ECDSA, 48 },
    { "ES512", "SHA512", ECDSA, 66 }, { "EdDSA", NULL, EDDSA, 0 },
    { "HS256", "SHA256", HMAC, 0 },   { "HS512", "SHA512", HMAC, 0 },
};

/* JWS wants r||s, each left-padded to the field size (RFC 7518 3.4). */
static size_t der_to_raw(const unsigned char *der, size_t der_len, size_t field,
                         unsigned char *out)
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    const BIGNUM *r, *s;

    assert_non_null(es);
    ECDSA_SIG_get0(es, &r, &s);
    assert_int_equal(BN_bn2binpad(r, out, (int)field), (int)field);
    assert_int_equal(BN_bn2binpad(s, out + field, (int)field), (int)field);
    ECDSA_SIG_free(es);
    return 2 * field;
}

size_t jh_signature(const char *key, const char *alg, const char *header,
                    const char *payload, unsigned char sig[JH_MAX_SIG])
{
    EVP_PKEY *pkey = jh_key(key);
    char *in = signing_input(header, payload);
    unsigned char der[JH_MAX_SIG];
    size_t sig_len = JH_MAX_SIG, i;

    for (i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++)
        if (strcmp(sig_algs[i].alg, alg) == 0)
            break;
    if (i == sizeof(sig_algs) / sizeof(sig_algs[0]))
        fail_msg("no signing mode %s", alg);
    if (sig_algs[i].mode == HMAC) {
        unsigned char *pub = NULL;
        int pub_len = i2d_PUBKEY(pkey, &pub);

        assert_true(pub_len > 0);
        assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, sig_algs[i].md, NULL, pub,
                                  (size_t)pub_len, (unsigned char *)in, strlen(in),
                                  sig, JH_MAX_SIG, &sig_len));
        OPENSSL_free(pub);
    } else {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pctx = NULL;
        enum mode m = sig_algs[i].mode;

        assert_non_null(md);
        assert_int_equal(EVP_DigestSignInit_ex(md, &pctx, sig_algs[i].md, NULL, NULL,
                                               pkey, NULL), 1);
        if (m == PSS || m == PSS_MAX) {
            assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
            assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(
                                 pctx, m == PSS ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_MAX), 1);
        }
        if (m == ECDSA) {
            size_t der_len = sizeof(der);

            assert_int_equal(EVP_DigestSign(md, der, &der_len, (unsigned char *)in,
                                            strlen(in)), 1);
            sig_len = der_to_raw(der, der_len, sig_algs[i].field, sig);
        } else {
            assert_int_equal(EVP_DigestSign(md, sig, &sig_len, (unsigned char *)in,
                                            strlen(in)), 1);
        }
        EVP_MD_CTX_free(md);
    }
    free(in);
    return sig_len;
}

char *jh_sign(const char *key, const char *alg, const char *header,
              const char *payload)
{
    unsigned char sig[JH_MAX_SIG];
    size_t n = jh_signature(key, alg, header, payload, sig);

    return jh_compact(header, payload, sig, n);
}

int jh_teardown(void **state)
{
    (void)state;
    jh_keys_free();
    return 0;
}

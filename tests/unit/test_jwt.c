/* pod_jwt_*: compact JWS parsing, signatures, ID token claims (base64url:
 * test_b64url.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/err.h>

#include "jose_helpers.h"
#include "jwt.h"
#include "unit_helpers.h"

#define ISSUER "https://idp.example.com/realms/x"
#define CLIENT "client-1"
#define NOW 1700000000
#define LEEWAY 60

/* A valid claim set is ALL; BUT_X is all but claim x, for rows that
 * change or drop x. */
#define ISS "\"iss\":\"" ISSUER "\""
#define AUD "\"aud\":\"" CLIENT "\""
#define SUB "\"sub\":\"alice\""
#define IAT "\"iat\":1699999900"
#define EXP "\"exp\":1700000300"
#define ALL ISS "," AUD "," SUB "," IAT "," EXP
#define BUT_ISS AUD "," SUB "," IAT "," EXP
#define BUT_AUD ISS "," SUB "," IAT "," EXP
#define BUT_SUB ISS "," AUD "," IAT "," EXP
#define BUT_IAT ISS "," AUD "," SUB "," EXP
#define BUT_EXP ISS "," AUD "," SUB "," IAT
#define VALID "{" ALL "}"

static const struct pod_jwt_expect expect = { ISSUER, CLIENT, NOW, LEEWAY };

/* base64url of {"alg":"RS256"}, {"sub":"a"}, "sig" and "si". */
#define H "eyJhbGciOiJSUzI1NiJ9"
#define P "eyJzdWIiOiJhIn0"
#define S "c2ln"
#define S2 "c2k"

static const unsigned char dummy_sig[] = "sig";

/* A compact JWS of header and payload with a signature nobody checks. */
static char *unsigned_token(const char *header, const char *payload)
{
    return jh_compact(header, payload, dummy_sig, 3);
}

struct parse_row {
    const char *name;
    const char *raw;     /* the token, or NULL for... */
    const char *header;  /* ...header and payload JSON with a dummy signature */
    const char *payload;
    const char *err;     /* NULL: parsed */
};

static const struct parse_row parse_rows[] = {
    { "minimal", H "." P "." S, NULL, NULL, NULL },
    { "two parts", H "." P, NULL, NULL, "ID token is not a three-part compact JWS" },
    { "four parts", H "." P "." S "." S, NULL, NULL,
      "ID token is not a three-part compact JWS" },
    { "five parts (JWE)", H "." P "." S "." S "." S, NULL, NULL,
      "ID token is encrypted (JWE), not supported" },
    { "empty header", "." P "." S, NULL, NULL, "ID token has an empty part" },
    { "empty payload", H ".." S, NULL, NULL, "ID token has an empty part" },
    { "empty signature", H "." P ".", NULL, NULL, "ID token has an empty signature" },
    { "empty string", "", NULL, NULL, "ID token is not a three-part compact JWS" },
    { "padded payload", H "." P "=." S, NULL, NULL, "ID token claims are not base64url" },
    { "padded header", H "==." P "." S, NULL, NULL, "ID token header is not base64url" },
    { "plus in signature", H "." P ".c2l+", NULL, NULL,
      "ID token signature is not base64url" },
    { "slash in signature", H "." P ".c2l/", NULL, NULL,
      "ID token signature is not base64url" },
    { "space in payload", H "." P " ." S, NULL, NULL, "ID token claims are not base64url" },
    { "stray bits in signature", H "." P ".c2l", NULL, NULL,
      "ID token signature is not base64url" },
    { "short canonical signature", H "." P "." S2, NULL, NULL, NULL },
    { "alg none", NULL, "{\"alg\":\"none\"}", VALID, "ID token alg none refused" },
    { "alg NoNe", NULL, "{\"alg\":\"NoNe\"}", VALID, "ID token alg none refused" },
    { "no alg", NULL, "{\"kid\":\"k\"}", VALID, "ID token header has no alg" },
    { "alg a number", NULL, "{\"alg\":256}", VALID, "ID token header has no alg" },
    { "kid a number", NULL, "{\"alg\":\"RS256\",\"kid\":1}", VALID,
      "ID token kid malformed" },
    { "typ an object", NULL, "{\"alg\":\"RS256\",\"typ\":{}}", VALID,
      "ID token typ malformed" },
    { "crit", NULL, "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1}", VALID,
      "ID token crit header not understood" },
    { "crit empty", NULL, "{\"alg\":\"RS256\",\"crit\":[]}", VALID,
      "ID token crit header malformed" },
    { "crit a string", NULL, "{\"alg\":\"RS256\",\"crit\":\"exp\"}", VALID,
      "ID token crit header malformed" },
    { "crit with a number", NULL, "{\"alg\":\"RS256\",\"crit\":[\"b64\",1]}", VALID,
      "ID token crit header malformed" },
    { "key-carrying headers ignored", NULL,
      "{\"alg\":\"RS256\",\"jku\":\"https://evil.example/jwks\",\"x5u\":\"https://evil.example/c\","
      "\"x5c\":[\"MIIB\"],\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}}", VALID, NULL },
    { "header not JSON", NULL, "{\"alg\":\"RS256\"", VALID, "ID token header JSON rejected" },
    { "header an array", NULL, "[\"RS256\"]", VALID, "ID token header is not a JSON object" },
    { "header alg twice", NULL, "{\"alg\":\"RS256\",\"alg\":\"none\"}", VALID,
      "ID token header JSON rejected" },
    { "claims an array", NULL, "{\"alg\":\"RS256\"}", "[" VALID "]",
      "ID token claims are not a JSON object" },
    { "claims a string", NULL, "{\"alg\":\"RS256\"}", "\"x\"",
      "ID token claims are not a JSON object" },
    { "duplicate claim", NULL, "{\"alg\":\"RS256\"}", "{" ALL ",\"sub\":\"bob\"}",
      "ID token claims JSON rejected" },
    { "\\u0000 in a claim", NULL, "{\"alg\":\"RS256\"}",
      "{" BUT_SUB ",\"sub\":\"alice\\u0000bob\"}", "ID token claims JSON rejected" },
    { "escaped backslash in a claim", NULL, "{\"alg\":\"RS256\"}",
      "{" BUT_SUB ",\"sub\":\"alice\\\\u0000bob\"}", NULL },
    { "claims nested 16 deep", NULL, "{\"alg\":\"RS256\"}",
      "{\"a\":[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}", NULL },
    { "claims nested 17 deep", NULL, "{\"alg\":\"RS256\"}",
      "{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}", "ID token claims JSON rejected" },
    { "claims with trailing data", NULL, "{\"alg\":\"RS256\"}", VALID " {}",
      "ID token claims JSON rejected" },
};

static void test_parse_table(void **state)
{
    struct ut_table t = { "pod_jwt_parse", UT_ROWS(parse_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(parse_rows); i++) {
        const struct parse_row *row = &parse_rows[i];
        char *token = row->raw ? strdup(row->raw) : unsigned_token(row->header, row->payload);
        struct pod_jwt jwt;
        const char *err = NULL;
        int rc = pod_jwt_parse(token, &jwt, &err);

        ut_check(&t, rc == (row->err ? -1 : 0), row->name, "rc %d", rc);
        ut_check_str(&t, row->name, "err", err, row->err);
        /* A failed parse leaves nothing behind. */
        if (rc != 0)
            ut_check(&t, !jwt.header && !jwt.claims && !jwt.signing_input && !jwt.sig,
                     row->name, "fields left set");
        pod_jwt_free(&jwt);
        free(token);
    }
    ut_done(&t);
}

static void test_parse_fields(void **state)
{
    const char *header = "{\"alg\":\"ES256\",\"kid\":\"k-1\",\"typ\":\"JWT\"}";
    char *token = unsigned_token(header, VALID);
    struct pod_jwt jwt;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_jwt_parse(token, &jwt, &err), 0);
    assert_string_equal(jwt.alg, "ES256");
    assert_string_equal(jwt.kid, "k-1");
    assert_string_equal(jwt.typ, "JWT");
    assert_int_equal(jwt.signing_input_len, strrchr(token, '.') - token);
    assert_memory_equal(jwt.signing_input, token, jwt.signing_input_len);
    assert_int_equal(jwt.signing_input[jwt.signing_input_len], '\0');
    assert_int_equal(jwt.sig_len, 3);
    assert_memory_equal(jwt.sig, "sig", 3);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(jwt.claims, "sub")->valuestring,
                        "alice");
    pod_jwt_free(&jwt);
    assert_null(jwt.header);
    assert_null(jwt.signing_input);
    pod_jwt_free(&jwt);
    assert_int_equal(pod_jwt_parse(NULL, &jwt, &err), -1);
    assert_string_equal(err, "no ID token");
    free(token);
}

/* A token of exactly total characters: header, a sub claim as filler, and
 * a one- to three-byte signature. */
static char *token_of_length(size_t total)
{
    static const char header[] = "{\"alg\":\"RS256\"}";
    size_t hlen = (4 * strlen(header) + 2) / 3;

    for (size_t k = 0;; k++) {
        size_t plen = (4 * (k + 10) + 2) / 3;

        assert_true(hlen + plen + 4 <= total);
        for (size_t s = 1; s <= 3; s++) {
            if (hlen + 1 + plen + 1 + (4 * s + 2) / 3 == total) {
                char *payload = malloc(k + 11), *token;

                assert_non_null(payload);
                memcpy(payload, "{\"sub\":\"", 8);
                memset(payload + 8, 'a', k);
                memcpy(payload + 8 + k, "\"}", 3);
                token = jh_compact(header, payload, dummy_sig, s);
                free(payload);
                assert_int_equal(strlen(token), total);
                return token;
            }
        }
    }
}

static void test_length_limit(void **state)
{
    char *at = token_of_length(POD_JWT_MAX_LEN), *over = token_of_length(POD_JWT_MAX_LEN + 1);
    char *huge = token_of_length(4 * POD_JWT_MAX_LEN);
    struct pod_jwt jwt;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_jwt_parse(at, &jwt, &err), 0);
    pod_jwt_free(&jwt);
    assert_int_equal(pod_jwt_parse(over, &jwt, &err), -1);
    assert_string_equal(err, "ID token too long");
    err = NULL;
    assert_int_equal(pod_jwt_parse(huge, &jwt, &err), -1);
    assert_string_equal(err, "ID token too long");
    free(at);
    free(over);
    free(huge);
}

/* kid = key name for every test key, plus RSA-2048 with "alg":"RS256"
 * and an oct key. */
static struct pod_jwks *verify_jwks(void)
{
    cJSON *pinned = jh_jwk("RSA-2048", "RSA-2048-RS256");
    cJSON *oct = cJSON_Parse("{\"kty\":\"oct\",\"kid\":\"oct\",\"k\":\"c2VjcmV0\"}");
    struct pod_jwks *set;
    char *text;

    assert_non_null(oct);
    cJSON_AddStringToObject(pinned, "alg", "RS256");
    text = jh_jwks_text(jh_jwk("RSA-2048", "RSA-2048"), jh_jwk("RSA-1024", "RSA-1024"),
                        jh_jwk("P-256", "P-256"), jh_jwk("P-384", "P-384"),
                        jh_jwk("P-521", "P-521"), jh_jwk("Ed25519", "Ed25519"),
                        jh_jwk("Ed448", "Ed448"), pinned, oct, NULL);
    set = jh_jwks(text);
    free(text);
    return set;
}

enum mutation { SAME, FLIP_SIG, SHORT_SIG, OTHER_PAYLOAD };

struct verify_row {
    const char *name;
    const char *key;    /* signs... */
    const char *alg;    /* ...this way (jh_signature) */
    const char *header;
    enum mutation mut;
    enum pod_jwt_sig expect;
    const char *err;
};

#define HDR(alg, kid) "{\"alg\":\"" alg "\",\"kid\":\"" kid "\"}"

static const struct verify_row verify_rows[] = {
    { "RS256", "RSA-2048", "RS256", HDR("RS256", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "RS384", "RSA-2048", "RS384", HDR("RS384", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "RS512", "RSA-2048", "RS512", HDR("RS512", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "PS256", "RSA-2048", "PS256", HDR("PS256", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "PS384", "RSA-2048", "PS384", HDR("PS384", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "PS512", "RSA-2048", "PS512", HDR("PS512", "RSA-2048"), SAME, POD_JWT_SIG_OK, NULL },
    { "ES256", "P-256", "ES256", HDR("ES256", "P-256"), SAME, POD_JWT_SIG_OK, NULL },
    { "ES384", "P-384", "ES384", HDR("ES384", "P-384"), SAME, POD_JWT_SIG_OK, NULL },
    { "ES512", "P-521", "ES512", HDR("ES512", "P-521"), SAME, POD_JWT_SIG_OK, NULL },
    { "EdDSA Ed25519", "Ed25519", "EdDSA", HDR("EdDSA", "Ed25519"), SAME,
      POD_JWT_SIG_OK, NULL },
    { "EdDSA Ed448", "Ed448", "EdDSA", HDR("EdDSA", "Ed448"), SAME, POD_JWT_SIG_OK,
      NULL },
    { "JWK alg matches", "RSA-2048", "RS256", HDR("RS256", "RSA-2048-RS256"), SAME,
      POD_JWT_SIG_OK, NULL },
    { "RSA bad signature", "RSA-2048", "RS256", HDR("RS256", "RSA-2048"), FLIP_SIG,
      POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "ECDSA bad signature", "P-256", "ES256", HDR("ES256", "P-256"), FLIP_SIG,
      POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "EdDSA bad signature", "Ed25519", "EdDSA", HDR("EdDSA", "Ed25519"), FLIP_SIG,
      POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "RSA tampered payload", "RSA-2048", "PS256", HDR("PS256", "RSA-2048"),
      OTHER_PAYLOAD, POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "ECDSA tampered payload", "P-384", "ES384", HDR("ES384", "P-384"), OTHER_PAYLOAD,
      POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "EdDSA tampered payload", "Ed448", "EdDSA", HDR("EdDSA", "Ed448"), OTHER_PAYLOAD,
      POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "PSS salt longer than the hash", "RSA-2048", "PS256-maxsalt",
      HDR("PS256", "RSA-2048"), SAME, POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "RSASSA-PKCS1-v1_5 signature sent as PS256", "RSA-2048", "RS256", HDR("PS256", "RSA-2048"),
      SAME, POD_JWT_SIG_BAD, "ID token signature invalid" },
    { "HS256 keyed with the RSA public key", "RSA-2048", "HS256",
      HDR("HS256", "RSA-2048"), SAME, POD_JWT_SIG_BAD, "ID token alg not allowed" },
    { "HS512 with an EC kid", "P-256", "HS512", HDR("HS512", "P-256"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed" },
    { "alg in lower case", "RSA-2048", "RS256", HDR("rs256", "RSA-2048"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed" },
    { "alg RS1", "RSA-2048", "RS256", HDR("RS1", "RSA-2048"), SAME, POD_JWT_SIG_BAD,
      "ID token alg not allowed" },
    { "none with trailing space", "RSA-2048", "RS256", HDR("none ", "RSA-2048"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed" },
    { "RS256 against an EC key", "RSA-2048", "RS256", HDR("RS256", "P-256"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed for key" },
    { "ES256 against a P-384 key", "P-256", "ES256", HDR("ES256", "P-384"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed for key" },
    { "ES384 against a P-256 key", "P-384", "ES384", HDR("ES384", "P-256"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed for key" },
    { "EdDSA against an RSA key", "Ed25519", "EdDSA", HDR("EdDSA", "RSA-2048"), SAME,
      POD_JWT_SIG_BAD, "ID token alg not allowed for key" },
    { "PS256 against a JWK pinned to RS256", "RSA-2048", "PS256",
      HDR("PS256", "RSA-2048-RS256"), SAME, POD_JWT_SIG_BAD,
      "ID token alg differs from the JWK alg" },
    { "ES256 signature one byte short", "P-256", "ES256", HDR("ES256", "P-256"),
      SHORT_SIG, POD_JWT_SIG_BAD, "ID token signature length wrong" },
    { "ES512 signature one byte short", "P-521", "ES512", HDR("ES512", "P-521"),
      SHORT_SIG, POD_JWT_SIG_BAD, "ID token signature length wrong" },
    { "RSA signature one byte short", "RSA-2048", "RS256", HDR("RS256", "RSA-2048"),
      SHORT_SIG, POD_JWT_SIG_BAD, "ID token signature length wrong" },
    { "unknown kid", "RSA-2048", "RS256", HDR("RS256", "RSA-4096"), SAME,
      POD_JWT_SIG_NO_KEY, "unknown kid" },
    { "kid in another case", "RSA-2048", "RS256", HDR("RS256", "rsa-2048"), SAME,
      POD_JWT_SIG_NO_KEY, "unknown kid" },
    { "kid of an oct key", "RSA-2048", "HS256", HDR("HS256", "oct"), SAME,
      POD_JWT_SIG_BAD, "symmetric key refused" },
    { "RSA-1024 key", "RSA-1024", "RS256", HDR("RS256", "RSA-1024"), SAME,
      POD_JWT_SIG_BAD, "RSA key under 2048 bits" },
};

static void test_verify_table(void **state)
{
    struct ut_table t = { "pod_jwt_verify", UT_ROWS(verify_rows), 0 };
    struct pod_jwks *set = verify_jwks();

    (void)state;
    for (size_t i = 0; i < UT_ROWS(verify_rows); i++) {
        const struct verify_row *row = &verify_rows[i];
        unsigned char sig[JH_MAX_SIG];
        size_t n = jh_signature(row->key, row->alg, row->header, VALID, sig);
        const char *payload = VALID;
        struct pod_jwt jwt;
        const char *err = NULL;
        enum pod_jwt_sig rc;
        char *token;

        if (row->mut == FLIP_SIG)
            sig[n / 2] ^= 0x01;
        if (row->mut == SHORT_SIG)
            n--;
        if (row->mut == OTHER_PAYLOAD)
            payload = "{" BUT_SUB ",\"sub\":\"mallory\"}";
        token = jh_compact(row->header, payload, sig, n);
        assert_int_equal(pod_jwt_parse(token, &jwt, &err), 0);
        rc = pod_jwt_verify(&jwt, set, &err);
        ut_check(&t, rc == row->expect, row->name, "rc %d, expected %d", rc, row->expect);
        ut_check_str(&t, row->name, "err", err, row->err);
        ut_check(&t, ERR_peek_error() == 0, row->name, "OpenSSL error queue not empty");
        ERR_clear_error();
        pod_jwt_free(&jwt);
        free(token);
    }
    pod_jwks_free(set);
    ut_done(&t);
}

static enum pod_jwt_sig verify_token(const char *token, const char *jwks_text,
                                     const char **err)
{
    struct pod_jwks *set = jh_jwks(jwks_text);
    struct pod_jwt jwt;
    enum pod_jwt_sig rc;

    assert_int_equal(pod_jwt_parse(token, &jwt, err), 0);
    rc = pod_jwt_verify(&jwt, set, err);
    pod_jwt_free(&jwt);
    pod_jwks_free(set);
    return rc;
}

static void test_no_kid(void **state)
{
    char *token = jh_sign("P-256", "ES256", "{\"alg\":\"ES256\"}", VALID);
    char *one = jh_jwks_text(jh_jwk("P-256", "a"), jh_jwk("RSA-1024", "b"), NULL);
    char *two = jh_jwks_text(jh_jwk("P-256", "a"), jh_jwk("P-384", "b"), NULL);
    char *none = jh_jwks_text(jh_jwk("RSA-1024", "b"), NULL);
    const char *err = NULL;

    (void)state;
    /* One usable key: it is the key, unusable ones do not count. */
    assert_int_equal(verify_token(token, one, &err), POD_JWT_SIG_OK);
    assert_int_equal(verify_token(token, two, &err), POD_JWT_SIG_BAD);
    assert_string_equal(err, "ID token has no kid and the JWKS has several keys");
    /* None usable may be a key rotation: worth one refetch. */
    assert_int_equal(verify_token(token, none, &err), POD_JWT_SIG_NO_KEY);
    assert_string_equal(err, "no usable key in the JWKS");
    assert_int_equal(verify_token(token, "{\"keys\":[]}", &err), POD_JWT_SIG_NO_KEY);
    free(token);
    free(one);
    free(two);
    free(none);
}

/* A key offered in the header (RFC 7515 jwk, also jku, x5c) is never
 * used: only the JWKS counts. */
static void test_embedded_key_ignored(void **state)
{
    cJSON *header = cJSON_CreateObject();
    char *htext, *token, *jwks = jh_jwks_text(jh_jwk("RSA-2048", "idp"), NULL);
    const char *err = NULL;

    (void)state;
    cJSON_AddStringToObject(header, "alg", "ES256");
    cJSON_AddItemToObject(header, "jwk", jh_jwk("P-256", NULL));
    htext = cJSON_PrintUnformatted(header);
    token = jh_sign("P-256", "ES256", htext, VALID);
    assert_int_equal(verify_token(token, jwks, &err), POD_JWT_SIG_BAD);
    assert_string_equal(err, "ID token alg not allowed for key");
    free(token);
    cJSON_free(htext);
    cJSON_Delete(header);
    free(jwks);
}

struct claims_row {
    const char *name;
    const char *header; /* NULL: {"alg":"RS256"} */
    const char *payload;
    const char *err;    /* NULL: accepted */
};

static const struct claims_row claims_rows[] = {
    { "valid", NULL, VALID, NULL },
    { "aud array of one", NULL, "{" BUT_AUD ",\"aud\":[\"" CLIENT "\"]}", NULL },
    { "aud array with azp", NULL,
      "{" BUT_AUD ",\"aud\":[\"other\",\"" CLIENT "\"],\"azp\":\"" CLIENT "\"}", NULL },
    { "aud array without azp", NULL,
      "{" BUT_AUD ",\"aud\":[\"" CLIENT "\",\"other\"]}",
      "ID token has several audiences and no azp" },
    { "aud another client", NULL, "{" BUT_AUD ",\"aud\":\"client-2\"}",
      "ID token audience mismatch" },
    { "aud in another case", NULL, "{" BUT_AUD ",\"aud\":\"Client-1\"}",
      "ID token audience mismatch" },
    { "aud array without the client", NULL,
      "{" BUT_AUD ",\"aud\":[\"a\",\"b\"],\"azp\":\"" CLIENT "\"}", "ID token audience mismatch" },
    { "aud array with a number", NULL,
      "{" BUT_AUD ",\"aud\":[\"" CLIENT "\",1],\"azp\":\"" CLIENT "\"}",
      "ID token aud malformed" },
    { "aud empty array", NULL, "{" BUT_AUD ",\"aud\":[]}", "ID token aud malformed" },
    { "aud a number", NULL, "{" BUT_AUD ",\"aud\":1}", "ID token aud malformed" },
    { "aud missing", NULL, "{" BUT_AUD "}", "ID token aud missing" },
    { "azp another client", NULL, "{" ALL ",\"azp\":\"client-2\"}",
      "ID token azp mismatch" },
    { "azp a number", NULL, "{" ALL ",\"azp\":1}", "ID token azp mismatch" },
    { "azp matching", NULL, "{" ALL ",\"azp\":\"" CLIENT "\"}", NULL },
    { "iss missing", NULL, "{" BUT_ISS "}", "ID token issuer missing" },
    { "iss in another case", NULL,
      "{" BUT_ISS ",\"iss\":\"https://IDP.example.com/realms/x\"}", "ID token issuer mismatch" },
    { "iss with a trailing slash", NULL, "{" BUT_ISS ",\"iss\":\"" ISSUER "/\"}",
      "ID token issuer mismatch" },
    { "iss a prefix", NULL, "{" BUT_ISS ",\"iss\":\"https://idp.example.com/realms\"}",
      "ID token issuer mismatch" },
    { "iss an array", NULL, "{" BUT_ISS ",\"iss\":[\"" ISSUER "\"]}",
      "ID token issuer mismatch" },
    { "exp missing", NULL, "{" BUT_EXP "}", "ID token exp missing" },
    { "exp past leeway", NULL, "{" BUT_EXP ",\"exp\":1699999900}", "ID token expired" },
    { "exp exactly leeway ago", NULL, "{" BUT_EXP ",\"exp\":1699999940}",
      "ID token expired" },
    { "exp within leeway", NULL, "{" BUT_EXP ",\"exp\":1699999941}", NULL },
    { "exp a string", NULL, "{" BUT_EXP ",\"exp\":\"1700000300\"}",
      "ID token exp invalid" },
    { "exp fractional", NULL, "{" BUT_EXP ",\"exp\":1700000300.5}",
      "ID token exp invalid" },
    { "exp negative", NULL, "{" BUT_EXP ",\"exp\":-1}", "ID token exp invalid" },
    { "exp in year 10000", NULL, "{" BUT_EXP ",\"exp\":253402300800}",
      "ID token exp invalid" },
    { "exp at the end of 9999", NULL, "{" BUT_EXP ",\"exp\":253402300799}", NULL },
    { "exp 1e400", NULL, "{" BUT_EXP ",\"exp\":1e400}", "ID token exp invalid" },
    { "nbf past leeway", NULL, "{" ALL ",\"nbf\":1700000061}", "ID token not yet valid" },
    { "nbf within leeway", NULL, "{" ALL ",\"nbf\":1700000060}", NULL },
    { "nbf a string", NULL, "{" ALL ",\"nbf\":\"0\"}", "ID token nbf invalid" },
    { "iat missing", NULL, "{" BUT_IAT "}", "ID token iat missing" },
    { "iat past leeway", NULL, "{" BUT_IAT ",\"iat\":1700000061}",
      "ID token issued in the future" },
    { "iat within leeway", NULL, "{" BUT_IAT ",\"iat\":1700000060}", NULL },
    { "iat null", NULL, "{" BUT_IAT ",\"iat\":null}", "ID token iat invalid" },
    { "sub missing", NULL, "{" BUT_SUB "}", "ID token sub missing" },
    { "sub empty", NULL, "{" BUT_SUB ",\"sub\":\"\"}", "ID token sub missing" },
    { "sub a number", NULL, "{" BUT_SUB ",\"sub\":42}", "ID token sub missing" },
    { "typ JWT", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", VALID, NULL },
    { "typ at+jwt", "{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", VALID,
      "ID token typ is at+jwt (an access token)" },
    { "typ AT+JWT", "{\"alg\":\"RS256\",\"typ\":\"AT+JWT\"}", VALID,
      "ID token typ is at+jwt (an access token)" },
    { "typ application/at+jwt", "{\"alg\":\"RS256\",\"typ\":\"Application/At+JWT\"}",
      VALID, "ID token typ is at+jwt (an access token)" },
};

static int check_claims(const char *header, const char *payload, const char **err)
{
    char *token = unsigned_token(header, payload);
    struct pod_jwt jwt;
    int rc;

    assert_int_equal(pod_jwt_parse(token, &jwt, err), 0);
    rc = pod_jwt_check_claims(&jwt, &expect, err);
    pod_jwt_free(&jwt);
    free(token);
    return rc;
}

static void test_claims_table(void **state)
{
    struct ut_table t = { "pod_jwt_check_claims", UT_ROWS(claims_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(claims_rows); i++) {
        const struct claims_row *row = &claims_rows[i];
        const char *err = NULL;
        int rc = check_claims(row->header ? row->header : "{\"alg\":\"RS256\"}",
                              row->payload, &err);

        ut_check(&t, rc == (row->err ? -1 : 0), row->name, "rc %d", rc);
        ut_check_str(&t, row->name, "err", err, row->err);
    }
    ut_done(&t);
}

static void test_sub_length(void **state)
{
    char sub[257];
    char *at, *over;
    const char *err = NULL;

    (void)state;
    memset(sub, 's', 256);
    sub[256] = '\0';
    over = ut_format("{" BUT_SUB ",\"sub\":\"%s\"}", sub);
    sub[255] = '\0';
    at = ut_format("{" BUT_SUB ",\"sub\":\"%s\"}", sub);
    assert_int_equal(check_claims("{\"alg\":\"RS256\"}", at, &err), 0);
    assert_int_equal(check_claims("{\"alg\":\"RS256\"}", over, &err), -1);
    assert_string_equal(err, "ID token sub too long");
    free(at);
    free(over);
}

static void test_expect_misconfigured(void **state)
{
    static const struct pod_jwt_expect bad[] = {
        { NULL, CLIENT, NOW, LEEWAY },
        { ISSUER, NULL, NOW, LEEWAY },
        { ISSUER, CLIENT, -1, LEEWAY },
        { ISSUER, CLIENT, NOW, -1 },
        { ISSUER, CLIENT, NOW, 86401 },
        { ISSUER, CLIENT, 253402300800LL, LEEWAY },
    };
    char *token = unsigned_token("{\"alg\":\"RS256\"}", VALID);
    struct pod_jwt jwt;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_jwt_parse(token, &jwt, &err), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        assert_int_equal(pod_jwt_check_claims(&jwt, &bad[i], &err), -1);
        assert_string_equal(err, "ID token check misconfigured");
    }
    assert_int_equal(pod_jwt_check_claims(&jwt, NULL, &err), -1);
    pod_jwt_free(&jwt);
    free(token);
}

/* The order a caller uses: parse, verify, then the claims. */
static void test_whole_token(void **state)
{
    const char *header = "{\"alg\":\"ES256\",\"kid\":\"P-256\",\"typ\":\"JWT\"}";
    char *token = jh_sign("P-256", "ES256", header, "{" ALL ",\"nonce\":\"n-0S6_WzA2Mj\"}");
    struct pod_jwks *set = verify_jwks();
    struct pod_jwt jwt;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_jwt_parse(token, &jwt, &err), 0);
    assert_int_equal(pod_jwt_verify(&jwt, set, &err), POD_JWT_SIG_OK);
    assert_int_equal(pod_jwt_check_claims(&jwt, &expect, &err), 0);
    assert_null(err);
    pod_jwt_free(&jwt);
    pod_jwks_free(set);
    free(token);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_verify_table),
        cmocka_unit_test(test_no_kid),
        cmocka_unit_test(test_embedded_key_ignored),
        cmocka_unit_test(test_claims_table),
        cmocka_unit_test(test_sub_length),
        cmocka_unit_test(test_expect_misconfigured),
        cmocka_unit_test(test_whole_token),
    };

    return cmocka_run_group_tests(tests, NULL, jh_teardown);
}

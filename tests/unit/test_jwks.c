/* pod_jwks_*: JWK to EVP_PKEY, refused keys and their reasons, lookup. */
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
#include "jwks.h"
#include "unit_helpers.h"

/* The P-256 base point G (SEC 2 2.4.2), a valid public key, and
 * variations on it: G.y - 1 is off the curve, x = p is out of range. */
#define P256_GX "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY"
#define P256_GY "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"
#define P256_GY_MINUS_1 "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfQ"
#define P256_P "_____wAAAAEAAAAAAAAAAAAAAAD_______________8"
#define EC_JWK(x, y) "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" x "\",\"y\":\"" y "\"}"

struct jwk_row {
    const char *name;
    const char *key;    /* a test key's JWK, changed as below... */
    const char *member; /* ...this member set to value, or removed */
    const char *value;  /* JSON text; NULL: remove member */
    const char *jwk;    /* or this literal array element */
    const char *reason; /* NULL: usable */
    enum pod_kty kty;
};

static const struct jwk_row jwk_rows[] = {
    { .name = "RSA-2048", .key = "RSA-2048", .kty = POD_KTY_RSA },
    { .name = "P-256", .key = "P-256", .kty = POD_KTY_EC },
    { .name = "P-384", .key = "P-384", .kty = POD_KTY_EC },
    { .name = "P-521", .key = "P-521", .kty = POD_KTY_EC },
    { .name = "Ed25519", .key = "Ed25519", .kty = POD_KTY_OKP },
    { .name = "Ed448", .key = "Ed448", .kty = POD_KTY_OKP },
    { .name = "use sig", .key = "RSA-2048", .member = "use", .value = "\"sig\"",
      .kty = POD_KTY_RSA },
    { .name = "key_ops with verify", .key = "P-256", .member = "key_ops",
      .value = "[\"sign\",\"verify\"]", .kty = POD_KTY_EC },
    { .name = "EC base point", .jwk = EC_JWK(P256_GX, P256_GY), .kty = POD_KTY_EC },
    { .name = "RSA-1024", .key = "RSA-1024", .reason = "RSA key under 2048 bits",
      .kty = POD_KTY_RSA },
    { .name = "RSA even exponent", .key = "RSA-2048", .member = "e", .value = "\"AAAC\"",
      .reason = "RSA public key invalid", .kty = POD_KTY_RSA },
    { .name = "RSA exponent 1", .key = "RSA-2048", .member = "e", .value = "\"AQ\"",
      .reason = "RSA public key invalid", .kty = POD_KTY_RSA },
    { .name = "RSA without n", .key = "RSA-2048", .member = "n",
      .reason = "RSA key without a valid n and e", .kty = POD_KTY_RSA },
    { .name = "RSA n padded", .key = "RSA-2048", .member = "n", .value = "\"AQAB==\"",
      .reason = "RSA key without a valid n and e", .kty = POD_KTY_RSA },
    { .name = "RSA n a number", .key = "RSA-2048", .member = "n", .value = "65537",
      .reason = "RSA key without a valid n and e", .kty = POD_KTY_RSA },
    { .name = "EC point off the curve", .jwk = EC_JWK(P256_GX, P256_GY_MINUS_1),
      .reason = "EC point not on the curve", .kty = POD_KTY_EC },
    { .name = "EC x equal to p", .jwk = EC_JWK(P256_P, P256_GY),
      .reason = "EC point not on the curve", .kty = POD_KTY_EC },
    { .name = "EC x too short", .key = "P-256", .member = "x", .value = "\"AAAA\"",
      .reason = "EC key without a valid x and y", .kty = POD_KTY_EC },
    { .name = "EC without y", .key = "P-256", .member = "y",
      .reason = "EC key without a valid x and y", .kty = POD_KTY_EC },
    { .name = "P-384 key labelled P-256", .key = "P-384", .member = "crv",
      .value = "\"P-256\"", .reason = "EC key without a valid x and y", .kty = POD_KTY_EC },
    { .name = "EC secp256k1", .key = "P-256", .member = "crv", .value = "\"secp256k1\"",
      .reason = "unsupported curve", .kty = POD_KTY_EC },
    { .name = "EC without crv", .key = "P-256", .member = "crv",
      .reason = "unsupported curve", .kty = POD_KTY_EC },
    { .name = "OKP X25519", .key = "Ed25519", .member = "crv", .value = "\"X25519\"",
      .reason = "unsupported curve", .kty = POD_KTY_OKP },
    { .name = "OKP Ed25519 key labelled Ed448", .key = "Ed25519", .member = "crv",
      .value = "\"Ed448\"", .reason = "OKP key without a valid x", .kty = POD_KTY_OKP },
    { .name = "OKP EC curve name", .key = "Ed25519", .member = "crv", .value = "\"P-256\"",
      .reason = "unsupported curve", .kty = POD_KTY_OKP },
    { .name = "use enc", .key = "RSA-2048", .member = "use", .value = "\"enc\"",
      .reason = "JWK use is not sig", .kty = POD_KTY_RSA },
    { .name = "use not a string", .key = "RSA-2048", .member = "use", .value = "1",
      .reason = "JWK use is not sig", .kty = POD_KTY_RSA },
    { .name = "key_ops without verify", .key = "P-256", .member = "key_ops",
      .value = "[\"sign\"]", .reason = "JWK key_ops lacks verify", .kty = POD_KTY_EC },
    { .name = "key_ops not an array", .key = "P-256", .member = "key_ops",
      .value = "\"verify\"", .reason = "JWK key_ops malformed", .kty = POD_KTY_EC },
    { .name = "EC with d", .key = "P-256", .member = "d", .value = "\"AQAB\"",
      .reason = "JWK contains private key material", .kty = POD_KTY_EC },
    { .name = "RSA with p", .key = "RSA-2048", .member = "p", .value = "\"AQAB\"",
      .reason = "JWK contains private key material", .kty = POD_KTY_RSA },
    { .name = "oct", .jwk = "{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"}",
      .reason = "symmetric key refused", .kty = POD_KTY_OTHER },
    { .name = "kty in lower case", .key = "RSA-2048", .member = "kty", .value = "\"rsa\"",
      .reason = "unsupported key type", .kty = POD_KTY_OTHER },
    { .name = "without kty", .key = "RSA-2048", .member = "kty",
      .reason = "JWK without kty", .kty = POD_KTY_OTHER },
    { .name = "kid a number", .key = "RSA-2048", .member = "kid", .value = "5",
      .reason = "JWK kid, alg or crv malformed", .kty = POD_KTY_RSA },
    { .name = "alg an array", .key = "P-256", .member = "alg", .value = "[]",
      .reason = "JWK kid, alg or crv malformed", .kty = POD_KTY_EC },
    { .name = "crv a number", .key = "Ed25519", .member = "crv", .value = "1",
      .reason = "JWK kid, alg or crv malformed", .kty = POD_KTY_OKP },
    { .name = "not an object", .jwk = "\"RSA\"", .reason = "JWK is not an object",
      .kty = POD_KTY_OTHER },
};

static char *row_jwks(const struct jwk_row *row)
{
    cJSON *jwk, *v;

    if (row->jwk != NULL)
        return ut_format("{\"keys\":[%s]}", row->jwk);
    jwk = jh_jwk(row->key, "k1");
    if (row->member != NULL) {
        cJSON_DeleteItemFromObjectCaseSensitive(jwk, row->member);
        if (row->value != NULL) {
            assert_non_null(v = cJSON_Parse(row->value));
            cJSON_AddItemToObject(jwk, row->member, v);
        }
    }
    return jh_jwks_text(jwk, NULL);
}

static void test_jwk_table(void **state)
{
    struct ut_table t = { "JWK", UT_ROWS(jwk_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(jwk_rows); i++) {
        const struct jwk_row *row = &jwk_rows[i];
        char *text = row_jwks(row);
        struct pod_jwks *set = jh_jwks(text);
        const struct pod_jwk *k = &set->keys[0];

        ut_check(&t, set->n == 1, row->name, "%zu keys", set->n);
        ut_check(&t, k->kty == row->kty, row->name, "kty %d, expected %d", k->kty, row->kty);
        ut_check_str(&t, row->name, "unusable", k->unusable, row->reason);
        ut_check(&t, (k->pkey != NULL) == (row->reason == NULL), row->name, "pkey %s",
                 k->pkey ? "set" : "NULL");
        /* The public key is the one exported, not merely some key. */
        if (k->pkey != NULL && row->key != NULL)
            ut_check(&t, EVP_PKEY_eq(k->pkey, jh_key(row->key)) == 1, row->name,
                     "another public key");
        /* Refusals leave no OpenSSL errors behind for other code. */
        ut_check(&t, ERR_peek_error() == 0, row->name, "OpenSSL error queue not empty");
        ERR_clear_error();
        pod_jwks_free(set);
        free(text);
    }
    ut_done(&t);
}

static void test_document_table(void **state)
{
    static const struct {
        const char *name;
        const char *text;
        const char *err;
    } rows[] = {
        { "not JSON", "{\"keys\":[", "JSON syntax error" },
        { "an array", "[]", "JWKS is not an object with a keys array" },
        { "no keys", "{}", "JWKS is not an object with a keys array" },
        { "keys an object", "{\"keys\":{}}", "JWKS is not an object with a keys array" },
        { "keys twice", "{\"keys\":[],\"keys\":[]}", "JSON object has duplicate member names" },
        { "duplicate in a key", "{\"keys\":[{\"kty\":\"EC\",\"kty\":\"RSA\"}]}",
          "JSON object has duplicate member names" },
        { "trailing data", "{\"keys\":[]} []", "JSON text has data after the value" },
    };
    struct ut_table t = { "JWKS document", UT_ROWS(rows), 0 };
    static struct pod_jwks sentinel;

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        size_t len = strlen(rows[i].text);
        char *text = ut_exact(rows[i].text, len);
        struct pod_jwks *set = &sentinel;
        const char *err = NULL;
        int rc = pod_jwks_parse(text, len, &set, &err);

        ut_check(&t, rc == -1, rows[i].name, "rc %d", rc);
        ut_check(&t, set == NULL, rows[i].name, "*out not cleared");
        ut_check_str(&t, rows[i].name, "err", err, rows[i].err);
        free(text);
    }
    ut_done(&t);
}

static void test_empty_set(void **state)
{
    struct pod_jwks *set = jh_jwks("{\"keys\":[]}");

    (void)state;
    assert_int_equal(set->n, 0);
    assert_null(pod_jwks_find(set, NULL));
    assert_null(pod_jwks_find(set, "k"));
    assert_null(pod_jwks_find(NULL, "k"));
    pod_jwks_free(set);
    pod_jwks_free(NULL);
}

/* n copies of an oct JWK: cheap keys to count with. */
static char *oct_keys(size_t n)
{
    static const char key[] = "{\"kty\":\"oct\"},";
    size_t k = strlen(key);
    char *keys = malloc(n * k + 1), *text;

    assert_non_null(keys);
    for (size_t i = 0; i < n; i++)
        memcpy(keys + i * k, key, k);
    keys[n * k - 1] = '\0'; /* no comma after the last */
    text = ut_format("{\"keys\":[%s]}", keys);
    free(keys);
    return text;
}

static void test_key_count(void **state)
{
    char *at = oct_keys(64), *over = oct_keys(65);
    struct pod_jwks *set = jh_jwks(at);
    const char *err = NULL;

    (void)state;
    assert_int_equal(set->n, 64);
    pod_jwks_free(set);
    assert_int_equal(pod_jwks_parse(over, strlen(over), &set, &err), -1);
    assert_string_equal(err, "JWKS has too many keys");
    free(at);
    free(over);
}

/* An RSA JWK whose modulus is nbytes of 0xff. */
static char *rsa_jwks_of(size_t nbytes)
{
    unsigned char *n = malloc(nbytes);
    char *b64, *text;

    assert_non_null(n);
    memset(n, 0xff, nbytes);
    b64 = jh_b64url(n, nbytes);
    text = ut_format("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\"}]}", b64);
    free(b64);
    free(n);
    return text;
}

static void test_rsa_size_caps(void **state)
{
    char *big = rsa_jwks_of(16384 / 8 + 1), *huge = rsa_jwks_of(4096);
    struct pod_jwks *a = jh_jwks(big), *b = jh_jwks(huge);

    (void)state;
    /* Past OpenSSL's RSA limit... */
    assert_string_equal(a->keys[0].unusable, "RSA key too large");
    /* ...and past the member length cap, which stops before decoding. */
    assert_string_equal(b->keys[0].unusable, "RSA key without a valid n and e");
    pod_jwks_free(a);
    pod_jwks_free(b);
    free(big);
    free(huge);
}

static void test_members_kept(void **state)
{
    cJSON *ec = jh_jwk("P-256", "ec-1"), *rsa = jh_jwk("RSA-2048", NULL);
    char *text, *long_kid = malloc(258);
    struct pod_jwks *set;

    (void)state;
    cJSON_AddStringToObject(ec, "alg", "ES256");
    cJSON_AddStringToObject(rsa, "crv", "P-256"); /* meaningless for RSA */
    assert_non_null(long_kid);
    memset(long_kid, 'k', 257);
    long_kid[257] = '\0';
    text = jh_jwks_text(ec, rsa, jh_jwk("Ed25519", long_kid), NULL);
    set = jh_jwks(text);
    assert_int_equal(set->n, 3);
    assert_string_equal(set->keys[0].kid, "ec-1");
    assert_string_equal(set->keys[0].alg, "ES256");
    assert_string_equal(set->keys[0].crv, "P-256");
    assert_null(set->keys[1].kid);
    assert_null(set->keys[1].alg);
    assert_null(set->keys[1].crv);
    assert_non_null(set->keys[1].pkey);
    /* Names are capped at 256 bytes. */
    assert_null(set->keys[2].pkey);
    assert_string_equal(set->keys[2].unusable, "JWK kid, alg or crv malformed");
    pod_jwks_free(set);
    free(text);
    free(long_kid);
}

static void test_find(void **state)
{
    char *text = jh_jwks_text(jh_jwk("P-256", "k1"), jh_jwk("RSA-2048", "k2"),
                              jh_jwk("RSA-1024", "weak"), NULL);
    char *one = jh_jwks_text(jh_jwk("Ed25519", "only"), jh_jwk("RSA-1024", "weak"), NULL);
    struct pod_jwks *set = jh_jwks(text), *single = jh_jwks(one);

    (void)state;
    assert_ptr_equal(pod_jwks_find(set, "k1"), &set->keys[0]);
    assert_ptr_equal(pod_jwks_find(set, "k2"), &set->keys[1]);
    assert_null(pod_jwks_find(set, "K1"));
    assert_null(pod_jwks_find(set, "k"));
    assert_null(pod_jwks_find(set, "k10"));
    /* An unusable key is found, so that its reason can be told. */
    assert_ptr_equal(pod_jwks_find(set, "weak"), &set->keys[2]);
    /* No kid: only when exactly one key is usable. */
    assert_null(pod_jwks_find(set, NULL));
    assert_ptr_equal(pod_jwks_find(single, NULL), &single->keys[0]);
    pod_jwks_free(set);
    pod_jwks_free(single);
    free(text);
    free(one);
}

static void test_duplicate_kid(void **state)
{
    char *text = jh_jwks_text(jh_jwk("P-256", "same"), jh_jwk("RSA-1024", "mixed"),
                              jh_jwk("P-384", "same"), jh_jwk("RSA-2048", "mixed"), NULL);
    struct pod_jwks *set = jh_jwks(text);
    const struct pod_jwk *k;

    (void)state;
    /* Two usable keys with one kid: neither can be trusted to be meant. */
    assert_null(set->keys[0].pkey);
    assert_null(set->keys[2].pkey);
    assert_string_equal(set->keys[0].unusable, "duplicate kid in JWKS");
    assert_string_equal(set->keys[2].unusable, "duplicate kid in JWKS");
    k = pod_jwks_find(set, "same");
    assert_non_null(k);
    assert_null(k->pkey);
    /* A usable and an unusable key: the usable one is meant. */
    assert_ptr_equal(pod_jwks_find(set, "mixed"), &set->keys[3]);
    assert_non_null(set->keys[3].pkey);
    pod_jwks_free(set);
    free(text);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwk_table),
        cmocka_unit_test(test_document_table),
        cmocka_unit_test(test_empty_set),
        cmocka_unit_test(test_key_count),
        cmocka_unit_test(test_rsa_size_caps),
        cmocka_unit_test(test_members_kept),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_duplicate_kid),
    };

    return cmocka_run_group_tests(tests, NULL, jh_teardown);
}

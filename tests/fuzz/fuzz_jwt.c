/* pod_jwt_parse on the input as a compact JWS; when it parses, the
 * signature is checked against a fixed JWKS (the test provider's RSA 2048,
 * EC P-256 and Ed25519 keys, fixtures.h) and the claims against fixed
 * expectations.  Also: pod_b64url_decode accepts only the canonical
 * spelling, so whatever it decodes encodes back to the same text. */
#include "config.h"

#include <strings.h>

#include "b64url.h"
#include "fixtures.h"
#include "fuzz.h"
#include "json.h"
#include "jwks.h"
#include "jwt.h"

static struct pod_jwks *jwks;

static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding: malloc'd, NUL-terminated. */
static char *b64url_encode(const unsigned char *in, size_t len)
{
    char *out = malloc(len / 3 * 4 + 4 + 1), *o = out;
    size_t i = 0;

    if (out == NULL)
        return NULL;
    for (; i + 3 <= len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *o++ = b64url_chars[v >> 18 & 63];
        *o++ = b64url_chars[v >> 12 & 63];
        *o++ = b64url_chars[v >> 6 & 63];
        *o++ = b64url_chars[v & 63];
    }
    if (len - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        *o++ = b64url_chars[v >> 18 & 63];
        *o++ = b64url_chars[v >> 12 & 63];
    } else if (len - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        *o++ = b64url_chars[v >> 18 & 63];
        *o++ = b64url_chars[v >> 12 & 63];
        *o++ = b64url_chars[v >> 6 & 63];
    }
    *o = '\0';
    return out;
}

static void check_b64url(const uint8_t *data, size_t size)
{
    size_t n = 0;
    unsigned char *raw = pod_b64url_decode((const char *)data, size, &n);
    char *again;

    if (raw == NULL)
        return;
    FUZZ_CHECK(n <= size / 4 * 3 + 2);
    again = b64url_encode(raw, n);
    FUZZ_CHECK(again == NULL || (strlen(again) == size && memcmp(again, data, size) == 0));
    free(again);
    free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct pod_jwt_expect expect = {
        .issuer = FUZZ_ISSUER,
        .client_id = FUZZ_CLIENT_ID,
        .now = FUZZ_NOW,
        .leeway = FUZZ_LEEWAY,
    };
    struct pod_jwt jwt;
    const char *err = NULL;
    enum pod_jwt_sig sig;
    char *compact;

    fuzz_quiet();
    if (jwks == NULL) {
        /* Kept for the life of the process (still reachable, no leak). */
        FUZZ_CHECK(pod_jwks_parse(FUZZ_JWKS, strlen(FUZZ_JWKS), &jwks, &err) == 0);
        for (size_t i = 0; i < jwks->n; i++)
            FUZZ_CHECK(jwks->keys[i].pkey != NULL);
    }
    check_b64url(data, size);

    if ((compact = fuzz_cstring(data, size)) == NULL)
        return 0;
    if (pod_jwt_parse(compact, &jwt, &err) != 0) {
        FUZZ_CHECK(err != NULL);
        FUZZ_CHECK(jwt.header == NULL && jwt.claims == NULL && jwt.sig == NULL &&
                   jwt.signing_input == NULL);
        free(compact);
        return 0;
    }
    FUZZ_CHECK(jwt.header != NULL && jwt.claims != NULL);
    FUZZ_CHECK(jwt.alg != NULL && strcasecmp(jwt.alg, "none") != 0);
    FUZZ_CHECK(jwt.sig != NULL && jwt.sig_len > 0);
    /* The signing input is the text up to the second dot. */
    FUZZ_CHECK(jwt.signing_input != NULL && jwt.signing_input_len < strlen(compact) &&
               memcmp(jwt.signing_input, compact, jwt.signing_input_len) == 0 &&
               compact[jwt.signing_input_len] == '.');

    err = NULL;
    sig = pod_jwt_verify(&jwt, jwks, &err);
    FUZZ_CHECK(sig == POD_JWT_SIG_OK || sig == POD_JWT_SIG_NO_KEY || sig == POD_JWT_SIG_BAD);
    FUZZ_CHECK(sig == POD_JWT_SIG_OK || err != NULL);
    /* HS* and none never verify, whatever the key. */
    FUZZ_CHECK(sig != POD_JWT_SIG_OK || strncmp(jwt.alg, "HS", 2) != 0);

    /* Checked whatever the signature said, to reach every claim rule. */
    err = NULL;
    if (pod_jwt_check_claims(&jwt, &expect, &err) == 0) {
        const char *sub = pod_json_string(jwt.claims, "sub");
        FUZZ_CHECK(sub != NULL && sub[0] != '\0' && strlen(sub) <= 255);
    } else {
        FUZZ_CHECK(err != NULL);
    }
    pod_jwt_free(&jwt);
    free(compact);
    return 0;
}

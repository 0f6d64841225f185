/* Test helpers for the JOSE code: keys made with OpenSSL, their public
 * JWKs and tokens signed here.  They use OpenSSL and cJSON only, never
 * the code under test, except jh_jwks(). */
#ifndef JOSE_HELPERS_H
#define JOSE_HELPERS_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "jwks.h"

/* Keys by name: "RSA-2048", "RSA-1024", "P-256", "P-384", "P-521",
 * "Ed25519", "Ed448".  Made on first use, kept until jh_keys_free(). */
EVP_PKEY *jh_key(const char *name);
void jh_keys_free(void);

/* Every helper fails the test on error; strings are malloc'd. */
char *jh_b64url(const void *data, size_t len);

/* The public JWK of a key, as an object the test may change. */
cJSON *jh_jwk(const char *key, const char *kid);
/* {"keys":[...]} from JWK objects, which it takes; NULL ends the list. */
char *jh_jwks_text(cJSON *jwk, ...);
/* pod_jwks_parse of an unterminated copy of text, which must succeed. */
struct pod_jwks *jh_jwks(const char *text);

/* b64url(header) "." b64url(payload) "." b64url(sig). */
char *jh_compact(const char *header, const char *payload,
                 const unsigned char *sig, size_t sig_len);
/* The JWS signature (raw r||s for ECDSA) over b64url(header) "."
 * b64url(payload), made with a key the way alg says: the JWS algorithms,
 * plus "PS256-maxsalt" (PSS with the longest salt) and HS* (HMAC keyed
 * with the key's DER public key, the classic confusion attack).  The
 * header is used as given: it need not name alg.  Returns the length. */
#define JH_MAX_SIG 1024
size_t jh_signature(const char *key, const char *alg, const char *header,
                    const char *payload, unsigned char sig[JH_MAX_SIG]);
/* jh_compact of jh_signature. */
char *jh_sign(const char *key, const char *alg, const char *header,
              const char *payload);

/* A cmocka group teardown that frees the keys. */
int jh_teardown(void **state);

#endif

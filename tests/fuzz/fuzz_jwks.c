/* pod_jwks_parse: a JSON Web Key Set.  When it parses, the key lookup and
 * signature checks run against it with fixed ID tokens (fixtures.h): the
 * test provider's real ones, which verify when their key is there, and
 * kid-less ones of each algorithm whose signature never verifies. */
#include "config.h"

#include "fixtures.h"
#include "fuzz.h"
#include "jwks.h"
#include "jwt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct pod_jwt idp[ARRAY_SIZE(fuzz_idp_tokens)];
static struct pod_jwt forged[ARRAY_SIZE(fuzz_forged_tokens)];
static int ready;

static void init(void)
{
    const char *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(idp); i++)
        FUZZ_CHECK(pod_jwt_parse(fuzz_idp_tokens[i], &idp[i], &err) == 0);
    for (size_t i = 0; i < ARRAY_SIZE(forged); i++)
        FUZZ_CHECK(pod_jwt_parse(fuzz_forged_tokens[i], &forged[i], &err) == 0);
    ready = 1;
}

static enum pod_jwt_sig verify(const struct pod_jwt *jwt, const struct pod_jwks *set)
{
    const char *err = NULL;
    enum pod_jwt_sig r = pod_jwt_verify(jwt, set, &err);

    FUZZ_CHECK(r == POD_JWT_SIG_OK || r == POD_JWT_SIG_NO_KEY || r == POD_JWT_SIG_BAD);
    FUZZ_CHECK(r == POD_JWT_SIG_OK || err != NULL);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pod_jwks *set = NULL;
    const struct pod_jwk *k;
    const char *err = NULL;
    size_t usable = 0;

    fuzz_quiet();
    if (!ready)
        init();
    if (pod_jwks_parse((const char *)data, size, &set, &err) != 0) {
        FUZZ_CHECK(set == NULL && err != NULL);
        return 0;
    }
    FUZZ_CHECK(set != NULL);
    for (size_t i = 0; i < set->n; i++) {
        k = &set->keys[i];
        /* Either a key or the reason there is none (jwks.h). */
        FUZZ_CHECK((k->pkey == NULL) == (k->unusable != NULL));
        FUZZ_CHECK(k->pkey == NULL || k->kty != POD_KTY_OTHER);
        FUZZ_CHECK(k->pkey == NULL || k->kty == POD_KTY_RSA || k->crv != NULL);
        usable += k->pkey != NULL;
        if (k->kid != NULL) {
            const struct pod_jwk *found = pod_jwks_find(set, k->kid);
            FUZZ_CHECK(found != NULL && strcmp(found->kid, k->kid) == 0);
            FUZZ_CHECK(k->pkey == NULL || found->pkey != NULL);
        }
    }
    /* No kid: the one usable key, if there is exactly one. */
    k = pod_jwks_find(set, NULL);
    FUZZ_CHECK(usable == 1 ? k != NULL && k->pkey != NULL : k == NULL);

    for (size_t i = 0; i < ARRAY_SIZE(idp); i++)
        verify(&idp[i], set);
    for (size_t i = 0; i < ARRAY_SIZE(forged); i++)
        FUZZ_CHECK(verify(&forged[i], set) != POD_JWT_SIG_OK);
    pod_jwks_free(set);
    return 0;
}

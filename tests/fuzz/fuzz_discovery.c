/* pod_discovery_parse: an OpenID Connect discovery document, checked
 * against a fixed issuer (the test provider's). */
#include "config.h"

#include "discovery.h"
#include "fuzz.h"
#include "url.h"

#define ISSUER "https://127.0.0.1:8443"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pod_endpoints ep;
    const char *err = NULL;

    fuzz_quiet();
    if (pod_discovery_parse((const char *)data, size, ISSUER, &ep, &err) == 0) {
        FUZZ_CHECK(ep.issuer != NULL && strcmp(ep.issuer, ISSUER) == 0);
        FUZZ_CHECK(pod_is_https_url(ep.device_authorization_endpoint));
        FUZZ_CHECK(pod_is_https_url(ep.token_endpoint));
        FUZZ_CHECK(pod_is_https_url(ep.jwks_uri));
        FUZZ_CHECK(ep.userinfo_endpoint == NULL || pod_is_https_url(ep.userinfo_endpoint));
        pod_endpoints_free(&ep);
    } else {
        FUZZ_CHECK(err != NULL);
        FUZZ_CHECK(ep.issuer == NULL && ep.device_authorization_endpoint == NULL &&
                   ep.token_endpoint == NULL && ep.jwks_uri == NULL &&
                   ep.userinfo_endpoint == NULL);
    }
    return 0;
}

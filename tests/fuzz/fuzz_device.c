/* pod_device_parse: the device authorization answer (RFC 8628 3.2). */
#include "config.h"

#include "device_flow.h"
#include "fuzz.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pod_device_code d;
    const char *err = NULL;

    fuzz_quiet();
    if (pod_device_parse((const char *)data, size, &d, &err) == 0) {
        /* What the login relies on without checking again. */
        FUZZ_CHECK(d.device_code != NULL && d.device_code[0] != '\0');
        FUZZ_CHECK(d.user_code != NULL && d.user_code[0] != '\0');
        FUZZ_CHECK(pod_is_https_url(d.verification_uri));
        FUZZ_CHECK(d.verification_uri_complete == NULL ||
                   pod_is_https_url(d.verification_uri_complete));
        FUZZ_CHECK(d.expires_in > 0 && d.expires_in <= POD_MAX_EXPIRES_IN);
        FUZZ_CHECK(d.interval >= 1 && d.interval <= POD_MAX_INTERVAL);
        pod_device_code_free(&d);
    } else {
        FUZZ_CHECK(err != NULL);
        /* Failure leaves nothing to free. */
        FUZZ_CHECK(d.device_code == NULL && d.user_code == NULL &&
                   d.verification_uri == NULL && d.verification_uri_complete == NULL);
    }
    return 0;
}

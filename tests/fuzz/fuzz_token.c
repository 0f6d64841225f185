/* pod_token_parse: one token endpoint answer.  The first 2 input bytes
 * are the HTTP status (big-endian, modulo 600), the rest is the body. */
#include "config.h"

#include <strings.h>

#include "device_flow.h"
#include "fuzz.h"

#define WHY_LEN 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pod_tokens t;
    long status, interval = -1;
    char *why;
    enum pod_poll r;

    if (size < 2)
        return 0;
    fuzz_quiet();
    status = (long)(((unsigned)data[0] << 8 | data[1]) % 600);
    /* Exactly WHY_LEN bytes on the heap: a write past it is caught. */
    why = malloc(WHY_LEN);
    if (why == NULL)
        return 0;
    memset(why, 'X', WHY_LEN);
    r = pod_token_parse(status, (const char *)data + 2, size - 2, &t, &interval, why,
                        WHY_LEN);
    FUZZ_CHECK(r >= POD_POLL_OK && r <= POD_POLL_BAD);
    /* why reaches the log: printable ASCII and terminated. */
    FUZZ_CHECK(fuzz_printable(why, WHY_LEN));
    FUZZ_CHECK(interval == 0 || (interval >= 1 && interval <= POD_MAX_INTERVAL));
    if (r == POD_POLL_OK) {
        FUZZ_CHECK(t.access_token != NULL && t.access_token[0] != '\0');
        FUZZ_CHECK(t.token_type != NULL && strcasecmp(t.token_type, "Bearer") == 0);
        FUZZ_CHECK(t.id_token == NULL || t.id_token[0] != '\0');
        pod_tokens_free(&t);
    } else {
        FUZZ_CHECK(t.access_token == NULL && t.id_token == NULL && t.token_type == NULL);
    }
    /* whylen 0 writes nothing; 1 leaves just the NUL. */
    r = pod_token_parse(status, (const char *)data + 2, size - 2, &t, &interval, why, 1);
    FUZZ_CHECK(why[0] == '\0');
    pod_tokens_free(&t);
    free(why);
    return 0;
}

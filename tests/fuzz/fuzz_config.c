/* The config file parser (pod_options_parse_text, what the loader runs on
 * the file it read).  The values that get in must keep the table's rules.
 * Path values are stat()ed as in real use: nothing is opened or written. */
#include "config.h"

#include <security/pam_appl.h>

#include "fuzz.h"
#include "options.h"

static int clean(const char *s)
{
    if (s == NULL)
        return 1;
    if (s[0] == '\0')
        return 0; /* empty unsets: it never stays as "" */
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pod_options zero;
    struct pod_options o = { 0 };
    int rc;

    fuzz_quiet();
    rc = pod_options_parse_text(NULL, (const char *)data, size, "fuzz.conf", &o);
    FUZZ_CHECK(rc == PAM_SUCCESS || rc == PAM_SERVICE_ERR || rc == PAM_BUF_ERR);
    /* Also on failure: what got in before the bad line was checked. */
    FUZZ_CHECK(o.config == NULL); /* only from the PAM line */
    FUZZ_CHECK(clean(o.issuer) && clean(o.client_id) && clean(o.client_secret) &&
               clean(o.client_secret_file) && clean(o.scope) && clean(o.username_claim) &&
               clean(o.groups_claim) && clean(o.allowed_groups) && clean(o.ca_file) &&
               clean(o.proxy));
    FUZZ_CHECK(o.issuer == NULL || strncmp(o.issuer, "https://", 8) == 0);
    FUZZ_CHECK(o.proxy == NULL || strncmp(o.proxy, "http://", 7) == 0 ||
               strncmp(o.proxy, "https://", 8) == 0);
    FUZZ_CHECK(o.client_secret_file == NULL || o.client_secret_file[0] == '/');
    FUZZ_CHECK(o.ca_file == NULL || o.ca_file[0] == '/');
    FUZZ_CHECK(o.timeout == 0 || (o.timeout >= 10 && o.timeout <= 3600));
    FUZZ_CHECK(o.leeway >= 0 && o.leeway <= 600);
    FUZZ_CHECK(o.qr == POD_QR_UTF8 || o.qr == POD_QR_ASCII || o.qr == POD_QR_OFF);
    pod_options_free(&o);
    FUZZ_CHECK(memcmp(&o, &zero, sizeof(o)) == 0);
    return 0;
}

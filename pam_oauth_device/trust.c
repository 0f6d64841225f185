/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The trust anchors of a login, read through the safe-file reader. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <security/pam_modules.h>

#include "log.h"
#include "trust.h"

static const struct pod_safefile_rules ca_rules = {
    .owner = 0, .secret = false, .max = POD_MAX_CA_FILE, .text = true,
};

static int read_rules(pam_handle_t *pamh, const char *path, bool *absent, struct pod_file *out)
{
    int r = pod_safefile_read(pamh, path, &ca_rules, absent, out);

    return r == 0 ? PAM_SUCCESS : r == -2 ? PAM_BUF_ERR : PAM_SERVICE_ERR;
}

int pod_trust_read(pam_handle_t *pamh, const char *ca_file, struct pod_file *out)
{
    char real[PATH_MAX];
    const char *sys = X509_get_default_cert_file();
    bool absent = false;
    int rc;

    out->data = NULL;
    out->len = 0;
    if (ca_file != NULL) {
        if ((rc = read_rules(pamh, ca_file, NULL, out)) != PAM_SUCCESS)
            pod_log(pamh, LOG_ERR, "ca_file %s is refused: every login fails until it is "
                    "fixed", ca_file);
        return rc;
    }
    /* The compiled-in name, never the environment's (SSL_CERT_FILE); the
     * distribution's own symlinks (Debian's /usr/lib/ssl/cert.pem) are
     * followed, the file they end at must pass the rules. */
    if (realpath(sys, real) == NULL) {
        if (errno == ENOENT)
            return PAM_SUCCESS;
        pod_log(pamh, LOG_ERR, "cannot resolve the system CA bundle %s: %m", sys);
        return PAM_SERVICE_ERR;
    }
    rc = read_rules(pamh, real, &absent, out);
    return absent ? PAM_SUCCESS : rc;
}

int pod_trust_count(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    X509 *x;
    int n = 0;

    if (bio == NULL)
        return 0;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        X509_free(x);
        n++;
    }
    BIO_free(bio);
    ERR_clear_error();
    return n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The one libcurl handle of a login: https only, size and time caps, proxy rules. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "clock.h"
#include "http.h"
#include "log.h"

/* No single request may take longer than this, whatever the deadline.
 * The TCP connect and TLS handshake have no shorter bound of their own: a
 * provider under load (500 logins at once) finishes handshakes after more
 * than 10 s, which is no outage while the login has time left. */
#define REQUEST_MAX_MS 30000

struct pod_http {
    pam_handle_t *pamh;
    const struct pod_options *opts;
    CURL *curl;
    int64_t deadline_ms;
    char *basic_user;   /* form-urlencoded client_id, with a secret only */
    char *basic_secret; /* form-urlencoded client_secret: wiped */
    const char *reason; /* pod_http_reason */
    char errbuf[CURL_ERROR_SIZE];
};

const char pod_reason_late[] = "timeout: the time was up before the identity provider was asked";
const char pod_reason_unreachable[] = "unreachable: the identity provider could not be reached";

static int global_init_done;

const char *const pod_hostile_env[] = {
    "SSLKEYLOGFILE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
    "OPENSSL_CONF", "OPENSSL_CONF_INCLUDE", "OPENSSL_MODULES", "OPENSSL_ENGINES", NULL,
};

static int load_openssl_config(void)
{
    OPENSSL_INIT_SETTINGS *set = OPENSSL_INIT_new();
    char path[4096];
    int ok;

    if (set == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/openssl.cnf", OPENSSL_info(OPENSSL_INFO_CONFIG_DIR));
    ok = OPENSSL_INIT_set_config_filename(set, path) == 1 &&
         OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, set) == 1;
    OPENSSL_INIT_free(set);
    return ok ? 0 : -1;
}

/* The hostile variables out of the environment while OpenSSL and libcurl
 * initialise, which is when they read them (OpenSSL's configuration and
 * what it includes or loads, libcurl's key log), then back: the host
 * process (sshd, sudo, a PAM daemon) keeps its environment.  saved[i] is
 * pod_hostile_env[i]'s value, or NULL. */
static int hide_env(pam_handle_t *pamh, char **saved)
{
    for (size_t i = 0; pod_hostile_env[i] != NULL; i++) {
        const char *v = getenv(pod_hostile_env[i]);

        saved[i] = NULL;
        if (v == NULL)
            continue;
        pod_log(pamh, LOG_WARNING, "ignoring %s from the environment", pod_hostile_env[i]);
        if ((saved[i] = strdup(v)) == NULL)
            return -1;
        unsetenv(pod_hostile_env[i]);
    }
    return 0;
}

static void restore_env(pam_handle_t *pamh, char **saved)
{
    for (size_t i = 0; pod_hostile_env[i] != NULL; i++) {
        if (saved[i] != NULL && setenv(pod_hostile_env[i], saved[i], 1) != 0)
            pod_log(pamh, LOG_WARNING, "cannot restore %s in the environment",
                    pod_hostile_env[i]);
        free(saved[i]);
    }
}

/* Initialise libcurl once per process.  Never cleaned up: libpam may
 * dlclose us while others still use libcurl (we link with -z nodelete). */
int pod_http_global_init(pam_handle_t *pamh)
{
    char *saved[sizeof(pod_hostile_env) / sizeof(pod_hostile_env[0])] = { NULL };
    int rc = 0;

    if (global_init_done)
        return 0;
    if (!(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_THREADSAFE))
        pod_log(pamh, LOG_WARNING, "libcurl is not built thread-safe; "
                "initialising it anyway");
    /* Under sudo the environment belongs to the unprivileged caller (and a
     * non-setuid caller of su, login or a PAM daemon is not filtered by
     * secure_getenv): the key log would export the TLS keys, the others
     * choose which configuration and code OpenSSL loads.  The CA
     * variables are hidden too, though the handle's CAINFO_BLOB already
     * makes them void. */
    if (hide_env(pamh, saved) != 0) {
        pod_log(pamh, LOG_ERR, "out of memory");
        rc = -1;
    } else {
        /* The system configuration from OpenSSL's compiled-in directory,
         * never one the environment names (a no-op when the process
         * initialised OpenSSL already: then its configuration is the
         * program's choice). */
        if (load_openssl_config() != 0)
            pod_log(pamh, LOG_WARNING, "cannot load the system OpenSSL configuration");
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            pod_log(pamh, LOG_ERR, "cannot initialise libcurl");
            rc = -1;
        }
    }
    restore_env(pamh, saved);
    global_init_done = rc == 0;
    return rc;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct pod_buf *body = userdata;
    size_t n = size * nmemb;

    /* Returning less than n aborts the transfer: the cap is enforced here,
     * whatever Content-Length said. */
    if (pod_buf_append(body, ptr, n) != 0)
        return 0;
    return n;
}

struct pod_http *pod_http_new(pam_handle_t *pamh, const struct pod_options *opts)
{
    struct pod_http *h = NULL;
    CURL *c;
    int ok = 1;

    if (pod_http_global_init(pamh) != 0)
        return NULL;
    h = calloc(1, sizeof(*h));
    if (h == NULL)
        return NULL;
    h->pamh = pamh;
    h->opts = opts;
    h->deadline_ms = INT64_MAX;
    h->curl = c = curl_easy_init();
    if (c == NULL) {
        free(h);
        return NULL;
    }
    ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                           (curl_off_t)POD_HTTP_MAX_BODY) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION) == CURLE_OK;
    /* An empty proxy disables the *_proxy variables of the caller, and an
     * empty no-proxy list its no_proxy/NO_PROXY: nothing bypasses a
     * configured proxy. */
    ok &= curl_easy_setopt(c, CURLOPT_PROXY, opts->proxy ? opts->proxy : "") == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_NOPROXY, "") == CURLE_OK;
    /* No credentials from a .netrc of the caller's $HOME. */
    ok &= curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED) == CURLE_OK;
    /* The anchors as the bytes checked at load time (options.c): no path
     * for libcurl or OpenSSL to open, and with CAINFO and CAPATH unset no
     * default paths either, which SSL_CERT_FILE and SSL_CERT_DIR steer.
     * Only a system without a bundle file names OpenSSL's compiled-in
     * directory. */
    ok &= curl_easy_setopt(c, CURLOPT_CAINFO, NULL) == CURLE_OK;
    if (opts->ca_pem != NULL) {
        struct curl_blob blob = { opts->ca_pem, opts->ca_pem_len, CURL_BLOB_COPY };

        ok &= curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_CAPATH, NULL) == CURLE_OK;
    } else {
        ok &= opts->ca_file == NULL;
        ok &= curl_easy_setopt(c, CURLOPT_CAPATH, X509_get_default_cert_dir()) == CURLE_OK;
    }
    if (opts->client_secret != NULL) {
        /* RFC 6749 2.3.1: form-urlencode both before Basic encoding. */
        h->basic_user = curl_easy_escape(c, opts->client_id, 0);
        h->basic_secret = curl_easy_escape(c, opts->client_secret, 0);
        ok &= h->basic_user != NULL && h->basic_secret != NULL;
    }
    if (!ok) {
        pod_log(pamh, LOG_ERR, "cannot set up libcurl (is it older than 7.85?)");
        pod_http_free(h);
        return NULL;
    }
    return h;
}

void pod_http_free(struct pod_http *h)
{
    if (h == NULL)
        return;
    if (h->curl != NULL)
        curl_easy_cleanup(h->curl);
    curl_free(h->basic_user);
    if (h->basic_secret != NULL) {
        explicit_bzero(h->basic_secret, strlen(h->basic_secret));
        curl_free(h->basic_secret);
    }
    free(h);
}

void pod_http_set_deadline(struct pod_http *h, int64_t deadline_ms)
{
    h->deadline_ms = deadline_ms;
}

const char *pod_http_reason(const struct pod_http *h)
{
    return h->reason;
}

void pod_http_set_reason(struct pod_http *h, const char *reason)
{
    h->reason = reason;
}

void pod_http_resp_wipe(struct pod_http_resp *r)
{
    pod_buf_wipe(&r->body);
    r->status = 0;
}

int pod_form_add(struct pod_buf *form, const char *key, const char *value)
{
    char *k = curl_easy_escape(NULL, key, 0);
    char *v = curl_easy_escape(NULL, value, 0);
    int rc = -1;

    if (k != NULL && v != NULL &&
        (form->len == 0 || pod_buf_append(form, "&", 1) == 0) &&
        pod_buf_append(form, k, strlen(k)) == 0 &&
        pod_buf_append(form, "=", 1) == 0 &&
        pod_buf_append(form, v, strlen(v)) == 0)
        rc = 0;
    curl_free(k);
    if (v != NULL) {
        explicit_bzero(v, strlen(v));
        curl_free(v);
    }
    return rc;
}

/* One transfer with SIGPIPE blocked (a peer closing the socket must not
 * kill sshd or sudo); a SIGPIPE we caused is consumed afterwards. */
static CURLcode perform(CURL *c)
{
    sigset_t pipe_set, old, pending;
    int was_pending;
    CURLcode res;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    res = curl_easy_perform(c);
    sigpending(&pending);
    if (!was_pending && sigismember(&pending, SIGPIPE) == 1) {
        const struct timespec zero = { 0, 0 };
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return res;
}

static int request(struct pod_http *h, const char *url, const char *bearer,
                   const char *form, struct pod_http_resp *out)
{
    struct curl_slist *headers = NULL;
    int64_t left = h->deadline_ms - pod_monotonic_ms();
    CURL *c = h->curl;
    CURLcode res;
    int rc = PAM_AUTHINFO_UNAVAIL;
    int ok = 1;

    pod_buf_init(&out->body, POD_HTTP_MAX_BODY);
    out->status = 0;
    h->reason = NULL;
    if (left <= 0) {
        /* The person's time ran out (Enter after the deadline): no outage. */
        pod_log(h->pamh, LOG_NOTICE, "time is up before contacting %s", url);
        h->reason = pod_reason_late;
        return rc;
    }
    headers = curl_slist_append(headers, "Accept: application/json");
    if (headers == NULL)
        return PAM_BUF_ERR;
    h->errbuf[0] = '\0';
    ok &= curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body) == CURLE_OK;
    ok &= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                           (long)(left < REQUEST_MAX_MS ? left : REQUEST_MAX_MS)) == CURLE_OK;
    if (form != NULL) {
        ok &= curl_easy_setopt(c, CURLOPT_POSTFIELDS, form) == CURLE_OK;
        /* Client credentials go only to the endpoints we POST to. */
        ok &= curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_USERNAME, h->basic_user) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_PASSWORD, h->basic_secret) == CURLE_OK;
    } else {
        ok &= curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_HTTPAUTH,
                               bearer ? CURLAUTH_BEARER : CURLAUTH_BASIC) == CURLE_OK;
        ok &= curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, bearer) == CURLE_OK;
    }
    if (!ok) {
        rc = PAM_BUF_ERR;
        goto out;
    }
    if (h->opts->debug)
        pod_log(h->pamh, LOG_DEBUG, "%s %s", form ? "POST" : "GET", url);
    res = perform(c);
    if (res == CURLE_WRITE_ERROR || res == CURLE_FILESIZE_EXCEEDED) {
        pod_log(h->pamh, LOG_ERR, "answer from %s is larger than %d bytes",
                url, POD_HTTP_MAX_BODY);
        goto out;
    }
    if (res != CURLE_OK) {
        h->reason = pod_reason_unreachable;
        pod_log(h->pamh, LOG_ERR, "cannot reach %s: %s", url,
                h->errbuf[0] ? h->errbuf : curl_easy_strerror(res));
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    if (out->body.data == NULL && pod_buf_append(&out->body, "", 0) != 0) {
        rc = PAM_BUF_ERR;
        goto out;
    }
    rc = PAM_SUCCESS;
out:
    /* Drop references to the caller's buffers and the bearer token. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, NULL);
    curl_easy_setopt(c, CURLOPT_USERNAME, NULL);
    curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
    curl_slist_free_all(headers);
    if (rc != PAM_SUCCESS)
        pod_http_resp_wipe(out);
    return rc;
}

int pod_http_get(struct pod_http *h, const char *url, const char *bearer,
                 struct pod_http_resp *out)
{
    return request(h, url, bearer, NULL, out);
}

int pod_http_post_form(struct pod_http *h, const char *url, const char *form,
                       struct pod_http_resp *out)
{
    struct pod_buf body;
    int rc;

    if (h->basic_secret != NULL)
        return request(h, url, NULL, form, out);
    /* A public client names itself in the body. */
    pod_buf_init(&body, POD_HTTP_MAX_BODY);
    if (pod_buf_append(&body, form, strlen(form)) != 0 ||
        pod_form_add(&body, "client_id", h->opts->client_id) != 0) {
        pod_buf_wipe(&body);
        return PAM_BUF_ERR;
    }
    rc = request(h, url, NULL, body.data, out);
    pod_buf_wipe(&body);
    return rc;
}

const char *pod_http_header(struct pod_http *h, const char *name)
{
    struct curl_header *hdr = NULL;

    /* Request -1: the server's answer, not a proxy's reply to CONNECT. */
    if (curl_easy_header(h->curl, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK)
        return NULL;
    return hdr->value;
}

/* A step failed with rc: the audit words (*reason) and the PAM code.  The
 * deadline passing before a request is the person's timeout, PAM_AUTH_ERR
 * (an authinfo_unavail=ignore stack must not fall through), never an
 * outage.  Otherwise what the transport or the protocol recorded
 * (unreachable, denied, expired, issuer, ...) comes first, or the step's
 * own words (own_first: the userinfo step names itself). */
int pod_http_step_failed(struct pod_http *http, int rc, const char *own, bool own_first,
                         const char **reason)
{
    const char *why = http != NULL ? pod_http_reason(http) : NULL;

    if (why == pod_reason_late) {
        *reason = why;
        return rc == PAM_AUTHINFO_UNAVAIL ? PAM_AUTH_ERR : rc;
    }
    *reason = own_first || why == NULL ? own : why;
    return rc;
}

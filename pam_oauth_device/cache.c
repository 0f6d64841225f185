/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The per-issuer cache (cache.h): one JSON entry a file, read through the
 * safe-file reader, replaced by rename under a lock file. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "cache.h"
#include "clock.h"
#include "json.h"
#include "log.h"
#include "safefile.h"

#define FORMAT 1
/* A JWKS answer may be POD_HTTP_MAX_BODY (256 KiB), escaped in JSON. */
#define ENTRY_MAX (1024 * 1024)
#define LOCK_WAIT_MS 250

struct pod_cache {
    pam_handle_t *pamh;
    const char *issuer;
    char trust[2 * 32 + 1]; /* SHA-256 of the issuer and the trust settings */
    char *path;             /* DIR/TRUST.json */
    char *lock;             /* DIR/TRUST.lock */
    char *tmp;              /* DIR/TRUST.json.XXXXXX, mkstemp's template */
    cJSON *entry;           /* as read and found to belong; never NULL */
    int64_t read_ms;        /* when entry was read (CLOCK_MONOTONIC) */
};

/* An entry read this recently is as good as one read again. */
#define REREAD_GAP_MS 1000

const char *pod_check_cache_dir(const char *value)
{
    return value[0] != '/' ? "expected an absolute path" : NULL;
}

long pod_cache_lifetime(const char *cc)
{
    long age = POD_CACHE_DEFAULT_AGE;

    /* RFC 9111 5.2: directives are comma-separated, case-insensitive. */
    while (cc != NULL && *cc != '\0') {
        cc += strspn(cc, " \t,");
        if (strncasecmp(cc, "no-store", 8) == 0 || strncasecmp(cc, "no-cache", 8) == 0)
            return POD_CACHE_MIN_AGE;
        if (strncasecmp(cc, "max-age=", 8) == 0) {
            const char *p = cc + 8 + (cc[8] == '"');
            long v = 0;
            if (!isdigit((unsigned char)*p))
                return POD_CACHE_DEFAULT_AGE;
            for (; isdigit((unsigned char)*p) && v <= POD_CACHE_MAX_AGE; p++)
                v = v * 10 + (*p - '0');
            age = v;
        }
        cc += strcspn(cc, ",");
    }
    return age < POD_CACHE_MIN_AGE ? POD_CACHE_MIN_AGE
         : age > POD_CACHE_MAX_AGE ? POD_CACHE_MAX_AGE : age;
}

/* The hex SHA-256 of the issuer, the CA file and the proxy: an entry
 * fetched under other trust settings is another entry. */
static int trust_key(const struct pod_options *opts, char out[2 * 32 + 1])
{
    const char *parts[] = { opts->issuer, opts->ca_file ? opts->ca_file : "",
                            opts->proxy ? opts->proxy : "" };
    unsigned char md[32];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);

    /* Each part with its NUL, so no two settings share a hash input. */
    for (size_t i = 0; ok && i < sizeof(parts) / sizeof(parts[0]); i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &n) && n == sizeof(md);
    EVP_MD_CTX_free(ctx);
    for (size_t i = 0; ok && i < sizeof(md); i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return ok ? 0 : -1;
}

/* The directory (with create, created when missing): root's, a
 * directory, no one else may write to it.  0, or -1 (logged). */
static int trusted_dir(pam_handle_t *pamh, const char *dir, bool create)
{
    struct stat st;

    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
        pod_log(pamh, LOG_WARNING, "cache %s: cannot create it: %m", dir);
        return -1;
    }
    if (lstat(dir, &st) != 0) {
        pod_log(pamh, LOG_WARNING, "cache %s: %m", dir);
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        pod_log(pamh, LOG_WARNING, "cache %s: ignored: not a directory of root's that only "
                "root may write to (owner uid %u, mode %04o)", dir, (unsigned)st.st_uid,
                (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* A new empty entry of c's issuer, or NULL. */
static cJSON *new_entry(const struct pod_cache *c)
{
    cJSON *e = cJSON_CreateObject();

    if (e == NULL || cJSON_AddNumberToObject(e, "format", FORMAT) == NULL ||
        cJSON_AddStringToObject(e, "issuer", c->issuer) == NULL ||
        cJSON_AddStringToObject(e, "trust", c->trust) == NULL) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

/* The entry on disk when it is safe and belongs to c, else a new empty
 * one (the reason logged); NULL when out of memory. */
static cJSON *read_entry(const struct pod_cache *c)
{
    const struct pod_safefile_rules rules = { .owner = 0, .max = ENTRY_MAX, .text = true,
                                              .advisory = true };
    struct pod_file f;
    const char *err = NULL;
    bool absent = false;
    long long format = 0;
    cJSON *e;

    if (pod_safefile_read(c->pamh, c->path, &rules, &absent, &f) != 0)
        return new_entry(c);
    e = pod_json_parse_object(f.data, f.len, &err);
    pod_safefile_wipe(&f);
    if (e == NULL) {
        pod_log(c->pamh, LOG_WARNING, "cache %s: ignored: %s", c->path, err);
        return new_entry(c);
    }
    if (pod_json_int(e, "format", 0, 1000, &format) != POD_JSON_OK || format != FORMAT ||
        pod_json_string(e, "issuer") == NULL ||
        strcmp(pod_json_string(e, "issuer"), c->issuer) != 0 ||
        pod_json_string(e, "trust") == NULL ||
        strcmp(pod_json_string(e, "trust"), c->trust) != 0) {
        pod_log(c->pamh, LOG_WARNING, "cache %s: ignored: it is not this issuer's entry",
                c->path);
        cJSON_Delete(e);
        return new_entry(c);
    }
    return e;
}

/* DIR/NAMESUFFIX, allocated, or NULL. */
static char *file_name(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);

    if (p != NULL)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

struct pod_cache *pod_cache_open(pam_handle_t *pamh, const struct pod_options *opts)
{
    struct pod_cache *c;

    if (!opts->cache || opts->issuer == NULL || opts->cache_dir == NULL)
        return NULL;
    if (trusted_dir(pamh, opts->cache_dir, true) != 0)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->pamh = pamh;
    c->issuer = opts->issuer;
    if (trust_key(opts, c->trust) != 0 ||
        (c->path = file_name(opts->cache_dir, c->trust, ".json")) == NULL ||
        (c->lock = file_name(opts->cache_dir, c->trust, ".lock")) == NULL ||
        (c->tmp = file_name(opts->cache_dir, c->trust, ".json.XXXXXX")) == NULL ||
        (c->entry = read_entry(c)) == NULL) {
        pod_log(pamh, LOG_WARNING, "cache: out of memory, not used");
        pod_cache_free(c);
        return NULL;
    }
    c->read_ms = pod_monotonic_ms();
    return c;
}

void pod_cache_free(struct pod_cache *c)
{
    if (c == NULL)
        return;
    cJSON_Delete(c->entry);
    free(c->path);
    free(c->lock);
    free(c->tmp);
    free(c);
}

/* A number member, or def. */
static long long number(const cJSON *obj, const char *key, long long def)
{
    long long v;

    return pod_json_int(obj, key, 0, INT64_MAX / 2, &v) == POD_JSON_OK ? v : def;
}

const char *pod_cache_get(const struct pod_cache *c, const char *item, const char *source,
                          int64_t now)
{
    const cJSON *it = c ? pod_json_get(c->entry, item) : NULL;
    const char *src = pod_json_string(it, "source");
    long long fetched = number(it, "fetched", INT64_MAX);

    if (src == NULL || strcmp(src, source) != 0)
        return NULL;
    /* Never past the longest lifetime, nor before it was fetched: a clock
     * set back must not stretch a lifetime. */
    if (now >= number(it, "expires", 0) || now < fetched || now - fetched >= POD_CACHE_MAX_AGE)
        return NULL;
    return pod_json_string(it, "body");
}

void pod_cache_reread(struct pod_cache *c)
{
    cJSON *e;

    if (c == NULL || pod_monotonic_ms() - c->read_ms < REREAD_GAP_MS ||
        (e = read_entry(c)) == NULL)
        return;
    cJSON_Delete(c->entry);
    c->entry = e;
    c->read_ms = pod_monotonic_ms();
}

/* The lock of c's entry, taken within LOCK_WAIT_MS; -1: someone else is
 * writing it, and this update can be skipped; -2: no lock file (logged). */
static int lock_entry(const struct pod_cache *c)
{
    int64_t until = pod_monotonic_ms() + LOCK_WAIT_MS;
    int fd = open(c->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);

    if (fd < 0) {
        pod_log(c->pamh, LOG_WARNING, "cache %s: %m", c->lock);
        return -2;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK || errno == EINTR;
        if (!busy || pod_monotonic_ms() >= until || pod_wait_ms(5, until) != 0) {
            close(fd);
            return busy ? -1 : -2;
        }
    }
    return fd;
}

/* Write e to a temporary file beside the entry, then rename it over:
 * a reader sees the old entry or the new one, never part of one. */
static int write_entry(const struct pod_cache *c, const cJSON *e)
{
    char *text = cJSON_PrintUnformatted(e);
    char *tmp = NULL;
    size_t len, done = 0;
    int fd = -1, rc = -1;
    bool made = false;

    if (text == NULL || (tmp = strdup(c->tmp)) == NULL)
        goto out;
    len = strlen(text);
    if (len > ENTRY_MAX)
        goto out;
    fd = mkstemp(tmp); /* 0600 */
    if (fd < 0)
        goto out;
    made = true;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    rc = rename(tmp, c->path);
out:
    if (rc != 0) {
        pod_log(c->pamh, LOG_WARNING, "cache %s: cannot write it: %m", c->path);
        if (fd >= 0)
            close(fd);
        if (made)
            unlink(tmp);
    }
    free(tmp);
    free(text);
    return rc;
}

enum update { UPDATED, UNCHANGED, BUSY, FAILED };

/* Change the entry under its lock: it is read again first, so a
 * concurrent login's items are kept.  change returns whether there is
 * something to write.  BUSY: another login held the lock throughout. */
static enum update update(struct pod_cache *c, bool (*change)(cJSON *e, void *arg), void *arg)
{
    int lock = lock_entry(c);
    enum update r = FAILED;
    cJSON *e;

    if (lock < 0)
        return lock == -1 ? BUSY : FAILED;
    e = read_entry(c);
    if (e != NULL && !change(e, arg))
        r = UNCHANGED;
    else if (e != NULL && write_entry(c, e) == 0) {
        cJSON_Delete(c->entry);
        c->entry = e;
        c->read_ms = pod_monotonic_ms();
        e = NULL;
        r = UPDATED;
    }
    cJSON_Delete(e);
    close(lock);
    return r;
}

/* Set key to value (owned) in e; false when it could not be. */
static bool set_member(cJSON *e, const char *key, cJSON *value)
{
    if (value == NULL)
        return false;
    if (cJSON_GetObjectItemCaseSensitive(e, key) != NULL)
        return cJSON_ReplaceItemInObjectCaseSensitive(e, key, value);
    return cJSON_AddItemToObject(e, key, value);
}

struct put {
    const char *item, *source, *body;
    int64_t fetched, expires;
};

static bool put_item(cJSON *e, void *arg)
{
    const struct put *p = arg;
    cJSON *it = cJSON_CreateObject();

    if (it == NULL || cJSON_AddStringToObject(it, "source", p->source) == NULL ||
        cJSON_AddNumberToObject(it, "fetched", (double)p->fetched) == NULL ||
        cJSON_AddNumberToObject(it, "expires", (double)p->expires) == NULL ||
        cJSON_AddStringToObject(it, "body", p->body) == NULL) {
        cJSON_Delete(it);
        return false;
    }
    return set_member(e, p->item, it);
}

void pod_cache_put(struct pod_cache *c, const char *item, const char *source,
                   const char *body, long lifetime, int64_t now)
{
    struct put p = { item, source, body, now, now + lifetime };

    if (c != NULL)
        update(c, put_item, &p);
}

const char *pod_cache_verification_uri(const struct pod_cache *c)
{
    return c ? pod_json_string(c->entry, "verification_uri") : NULL;
}

static bool put_uri(cJSON *e, void *arg)
{
    const char *old = pod_json_string(e, "verification_uri");

    if (old != NULL && strcmp(old, arg) == 0)
        return false;
    return set_member(e, "verification_uri", cJSON_CreateString(arg));
}

void pod_cache_put_verification_uri(struct pod_cache *c, const char *uri)
{
    const char *old = pod_cache_verification_uri(c);

    /* A warm cache is not written on every login. */
    if (c != NULL && uri != NULL && (old == NULL || strcmp(old, uri) != 0))
        update(c, put_uri, (void *)uri);
}

struct refetch {
    int64_t now;
    bool limited;
};

static bool record_refetch(cJSON *e, void *arg)
{
    struct refetch *r = arg;
    long long last = number(e, "jwks_refetched", 0);

    r->limited = last <= r->now && r->now - last < POD_CACHE_REFETCH_GAP;
    return !r->limited && set_member(e, "jwks_refetched", cJSON_CreateNumber((double)r->now));
}

bool pod_cache_may_refetch(struct pod_cache *c, int64_t now)
{
    struct refetch r = { now, false };
    enum update u;

    if (c == NULL)
        return true;
    /* Checked and recorded under the lock, so concurrent logins agree; a
     * login that cannot get the lock finds another one refetching. */
    u = update(c, record_refetch, &r);
    if (u == BUSY || r.limited) {
        pod_log(c->pamh, LOG_WARNING, "JWKS of %s: not refetched: another login did "
                "within %d s", c->issuer, POD_CACHE_REFETCH_GAP);
        return false;
    }
    return true;
}

bool pod_cache_times(const struct pod_cache *c, const char *item, int64_t *fetched,
                     int64_t *expires)
{
    const cJSON *it = c ? pod_json_get(c->entry, item) : NULL;

    if (pod_json_string(it, "body") == NULL)
        return false;
    *fetched = number(it, "fetched", 0);
    *expires = number(it, "expires", 0);
    return true;
}

const char *pod_cache_path(const struct pod_cache *c)
{
    return c->path;
}

/* One of the cache's own files: 64 hex digits, then .json, .lock or a
 * temporary file's .json.XXXXXX. */
static bool own_file(const char *name)
{
    size_t n = strspn(name, "0123456789abcdef");
    const char *rest = name + n;

    return n == 64 && (strcmp(rest, ".json") == 0 || strcmp(rest, ".lock") == 0 ||
                       (strncmp(rest, ".json.", 6) == 0 && strlen(rest) == 12));
}

int pod_cache_flush(pam_handle_t *pamh, const char *dir)
{
    struct stat st;
    struct dirent *d;
    DIR *dh;
    int n = 0;

    if (lstat(dir, &st) != 0 && errno == ENOENT)
        return 0;
    if (trusted_dir(pamh, dir, false) != 0)
        return -1;
    dh = opendir(dir);
    if (dh == NULL) {
        pod_log(pamh, LOG_ERR, "cache %s: %m", dir);
        return -1;
    }
    while ((d = readdir(dh)) != NULL) {
        if (!own_file(d->d_name))
            continue;
        if (unlinkat(dirfd(dh), d->d_name, 0) != 0) {
            pod_log(pamh, LOG_ERR, "cache %s/%s: cannot remove it: %m", dir, d->d_name);
            n = -1;
            break;
        }
        n++;
    }
    closedir(dh);
    return n;
}

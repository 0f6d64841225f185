/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The per-issuer cache of the discovery document, the JWKS and the last
 * verification URL: advisory, re-verified on every read, written atomically. */
#ifndef POD_CACHE_H
#define POD_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <security/pam_modules.h>
#include "opts.h"

/* FHS: /var/cache whatever the prefix, as the man page says. */
#define POD_DEFAULT_CACHE_DIR "/var/cache/pam_oauth_device"

/* Lifetimes (seconds) of a cached answer: Cache-Control max-age, clamped. */
#define POD_CACHE_MIN_AGE (5 * 60)
#define POD_CACHE_MAX_AGE (24 * 60 * 60)
#define POD_CACHE_DEFAULT_AGE (60 * 60)
/* At most one forced JWKS refetch per issuer in this many seconds. */
#define POD_CACHE_REFETCH_GAP 30

/* The items of an entry. */
#define POD_CACHE_DISCOVERY "discovery"
#define POD_CACHE_JWKS "jwks"

struct pod_cache;

/* Table check of cache_dir: NULL, or why the value is bad. */
const char *pod_check_cache_dir(const char *value);

/* Pure: the lifetime an answer with this Cache-Control header (NULL: none)
 * may be cached for, in seconds. */
long pod_cache_lifetime(const char *cache_control);

/* The cache entry of opts->issuer, bound to it and to the trust settings
 * (ca_file, proxy); the directory is created 0700 when missing.  NULL when
 * the cache is off, there is no issuer, or the directory cannot be
 * trusted (LOG_WARNING): a cache problem never fails a login. */
struct pod_cache *pod_cache_open(pam_handle_t *pamh, const struct pod_options *opts);
void pod_cache_free(struct pod_cache *c);

/* The body of item, stored for source (the URL it came from), when it is
 * there and not expired at now (seconds since the epoch); else NULL.  The
 * caller parses and checks it as if it had just been fetched. */
const char *pod_cache_get(const struct pod_cache *c, const char *item, const char *source,
                          int64_t now);

/* Read the entry again from disk (as pod_cache_open does), unless it was
 * read within the last second: an item missing or expired when the login
 * began may have been written by a concurrent login since.  c may be
 * NULL. */
void pod_cache_reread(struct pod_cache *c);

/* Store item's body, fetched from source at now, for lifetime seconds.
 * Failures are logged (LOG_WARNING) and otherwise ignored.  c may be NULL. */
void pod_cache_put(struct pod_cache *c, const char *item, const char *source,
                   const char *body, long lifetime, int64_t now);

/* The verification URL last seen, or NULL; c may be NULL. */
const char *pod_cache_verification_uri(const struct pod_cache *c);
/* Remember it (written only when it changed).  c may be NULL. */
void pod_cache_put_verification_uri(struct pod_cache *c, const char *uri);

/* When item was fetched and when it expires (seconds since the epoch);
 * false when c holds none.  For the admin tool. */
bool pod_cache_times(const struct pod_cache *c, const char *item, int64_t *fetched,
                     int64_t *expires);
/* The entry's file, for the admin tool. */
const char *pod_cache_path(const struct pod_cache *c);

/* Remove every entry of the cache directory dir (and its lock and
 * temporary files), after the same directory checks.  The number removed,
 * 0 when dir does not exist, or -1 (logged). */
int pod_cache_flush(pam_handle_t *pamh, const char *dir);

/* Whether a forced JWKS refetch may happen at now: at most one per
 * POD_CACHE_REFETCH_GAP seconds per issuer, across logins (recorded in the
 * entry).  Without a cache (c NULL), always. */
bool pod_cache_may_refetch(struct pod_cache *c, int64_t now);

#endif

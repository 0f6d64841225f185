/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The typed value engine: text to a bool, bounded number, enum, string,
 * path or URL field of a struct, knowing no key of its own. */
#ifndef POD_OPTVAL_H
#define POD_OPTVAL_H

#include <stdbool.h>
#include <stddef.h>

struct pam_handle;

enum pod_optval_type {
    POD_OPT_STRING, /* non-empty text */
    POD_OPT_SECRET, /* text that is never logged and is wiped on free */
    POD_OPT_PATH,   /* absolute path of an existing regular file */
    POD_OPT_URL,    /* words: the accepted scheme prefixes */
    POD_OPT_BOOL,   /* words: alternately false and true spellings */
    POD_OPT_LONG,   /* min..max */
    POD_OPT_ENUM,   /* words: the names, in the order of the enum values */
};

#define POD_OPT_REQUIRED 0x1u
#define POD_OPT_EMPTY_UNSETS 0x2u /* "key =" removes an earlier value */
#define POD_OPT_ARGV_ONLY 0x4u    /* applied before the file is read */
#define POD_OPT_FILE_ONLY 0x8u    /* files under /etc/pam.d are world-readable */

/* One key: where its value lives in the struct and what it may be. */
struct pod_optval {
    const char *name;
    enum pod_optval_type type;
    size_t offset; /* of a char * (strings), bool, long or int (enums) */
    const char *def; /* parsed like a value from the file; NULL: unset */
    unsigned flags;
    long min, max;
    const char *const *words;
    const char *(*check)(const char *value); /* NULL or why a value is bad */
};

/* Whether the field is a char * that the engine allocates. */
bool pod_optval_is_string(const struct pod_optval *opt);

/* Whether s has a control character (below 0x20, or DEL). */
bool pod_optval_has_control(const char *s);

/* Parse value by opt's type into the field of base; where ("FILE:LINE")
 * and opt->name start the message.  0, -1 (bad value, logged, never
 * repeating a secret or URL) or -2 (out of memory, logged); the field is
 * unchanged on failure. */
int pod_optval_set(struct pam_handle *pamh, void *base, const char *where,
                   const struct pod_optval *opt, const char *value);

/* Release a string field (wiping a secret) and set it NULL. */
void pod_optval_free(void *base, const struct pod_optval *opt);

/* The field as text for a person: a secret only as "(set)"/"(unset)". */
void pod_optval_format(const void *base, const struct pod_optval *opt, char *buf, size_t len);

#endif

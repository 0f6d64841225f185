/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The one reader of every file the module trusts: no symlink, the right
 * owner and mode, a size cap, no NUL byte, wiped when done. */
#ifndef POD_SAFEFILE_H
#define POD_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct pam_handle;

/* What a file must be, besides a regular file that is not a symlink. */
struct pod_safefile_rules {
    uid_t owner;  /* its owner: 0 (root) for the module; the tests' own uid */
    bool secret;  /* others have no access at all (chmod o-rwx) */
    size_t max;   /* the size cap in bytes, a multiple of 1 KiB for messages */
    bool text;    /* pod_safefile_read: refuse a NUL byte */
    bool advisory; /* refusals logged as LOG_WARNING: the caller does without */
};

/* The rules of the module's own files: root's, at most 64 KiB of text. */
#define POD_SAFEFILE_ROOT(is_secret) \
    ((struct pod_safefile_rules){ .owner = 0, .secret = (is_secret), \
                                  .max = 64 * 1024, .text = true })

/* A whole file in memory, NUL-terminated; wipe it with pod_safefile_wipe. */
struct pod_file {
    char *data;
    size_t len;
    mode_t mode; /* from fstat, for rules on the content (a secret inside) */
};

/* Open path read-only (O_NOFOLLOW, O_CLOEXEC, O_NONBLOCK: a FIFO cannot
 * hang a login) and check it against rules with fstat.  absent, when not
 * NULL, is set for a missing file, which is then not logged.  An fd, or
 * -1 with the reason logged. */
int pod_safefile_open(struct pam_handle *pamh, const char *path,
                      const struct pod_safefile_rules *rules, bool *absent, struct stat *st);

/* pod_safefile_open, then the whole file into *out (up to rules->max
 * bytes, whatever it grew to since fstat).  0, or -1 (refused, logged;
 * *out empty, anything read wiped) or -2 (out of memory, logged). */
int pod_safefile_read(struct pam_handle *pamh, const char *path,
                      const struct pod_safefile_rules *rules, bool *absent,
                      struct pod_file *out);

/* Zero and free the content; safe on an empty or wiped *f. */
void pod_safefile_wipe(struct pod_file *f);

#endif

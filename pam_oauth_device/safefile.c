/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The one reader of every file the module trusts (safefile.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "safefile.h"

/* How loud a refusal is: an advisory file's caller goes on without it. */
static int level_of(const struct pod_safefile_rules *r)
{
    return r->advisory ? LOG_WARNING : LOG_ERR;
}

/* Why st breaks the rules, or NULL; owner is written into buf. */
static const char *refusal(const struct stat *st, const struct pod_safefile_rules *r,
                           char *buf, size_t size)
{
    if (!S_ISREG(st->st_mode))
        return "not a regular file";
    if (st->st_uid != r->owner) {
        if (r->owner == 0)
            return "not owned by root";
        snprintf(buf, size, "not owned by uid %u", (unsigned)r->owner);
        return buf;
    }
    if (st->st_mode & S_IWGRP)
        return "writable by its group";
    if (st->st_mode & S_IWOTH)
        return "writable by others";
    if (r->secret && (st->st_mode & S_IRWXO))
        return "holds a secret but others have access (chmod o-rwx)";
    if ((size_t)st->st_size > r->max) {
        snprintf(buf, size, "larger than %zu KiB", r->max / 1024);
        return buf;
    }
    return NULL;
}

int pod_safefile_open(struct pam_handle *pamh, const char *path,
                      const struct pod_safefile_rules *rules, bool *absent, struct stat *st)
{
    char buf[64];
    const char *why;
    int level = level_of(rules);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT && absent != NULL)
            *absent = true;
        else if (errno == ELOOP)
            pod_log(pamh, level, "%s: refused: a symbolic link", path);
        else
            pod_log(pamh, level, "cannot open %s: %m", path);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        pod_log(pamh, level, "cannot stat %s: %m", path);
        close(fd);
        return -1;
    }
    why = refusal(st, rules, buf, sizeof(buf));
    if (why != NULL) {
        pod_log(pamh, level, "%s: refused: %s (owner uid %u, mode %04o)", path, why,
                (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
        close(fd);
        return -1;
    }
    return fd;
}

void pod_safefile_wipe(struct pod_file *f)
{
    pod_free_wiped(f->data, f->len);
    f->data = NULL;
    f->len = 0;
}

/* Up to max bytes of fd into f->data; 0, or -1 (logged). */
static int read_all(struct pam_handle *pamh, int fd, const char *path,
                    const struct pod_safefile_rules *rules, struct pod_file *f)
{
    int level = level_of(rules);
    size_t max = rules->max;

    for (;;) {
        ssize_t n = read(fd, f->data + f->len, max + 1 - f->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pod_log(pamh, level, "cannot read %s: %m", path);
            return -1;
        }
        if (n == 0)
            return 0;
        f->len += (size_t)n;
        if (f->len > max) {
            pod_log(pamh, level, "%s: refused: larger than %zu KiB", path, max / 1024);
            return -1;
        }
    }
}

int pod_safefile_read(struct pam_handle *pamh, const char *path,
                      const struct pod_safefile_rules *rules, bool *absent,
                      struct pod_file *out)
{
    struct stat st;
    int rc = -1;
    int fd = pod_safefile_open(pamh, path, rules, absent, &st);

    out->data = NULL;
    out->len = 0;
    out->mode = 0;
    if (fd < 0)
        return -1;
    /* One byte past the cap: the file may have grown since fstat. */
    out->data = malloc(rules->max + 2);
    if (out->data == NULL) {
        pod_log(pamh, LOG_ERR, "out of memory");
        rc = -2;
        goto out;
    }
    if (read_all(pamh, fd, path, rules, out) != 0)
        goto out;
    out->data[out->len] = '\0';
    if (rules->text && memchr(out->data, '\0', out->len) != NULL) {
        pod_log(pamh, level_of(rules), "%s: refused: it contains a NUL byte", path);
        goto out;
    }
    out->mode = st.st_mode;
    rc = 0;
out:
    close(fd);
    if (rc != 0)
        pod_safefile_wipe(out);
    return rc;
}

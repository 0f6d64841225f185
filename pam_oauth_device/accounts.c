/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Local accounts and groups from NSS, with buffers that grow to fit. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

#include "accounts.h"

/* A buffer that fits any sane entry: a group of many thousands of members
 * is several hundred KiB, and ERANGE must never read as "no such group". */
#define NSS_BUF_MIN 4096
#define NSS_BUF_MAX (16 * 1024 * 1024)

enum nss_kind { NSS_USER, NSS_GROUP };

/* getpwnam_r or getgrnam_r, the buffer doubled on ERANGE.  1 with *buf
 * (free it) behind *ent, 0 when there is no such entry, -1 (errno set)
 * when the lookup failed. */
static int nss_lookup(enum nss_kind kind, const char *name, void *ent, char **buf)
{
    size_t len = NSS_BUF_MIN;

    *buf = NULL;
    for (;;) {
        char *b = realloc(*buf, len);
        void *res = NULL;
        int e;

        if (b == NULL) {
            e = ENOMEM;
        } else {
            *buf = b;
            errno = 0;
            e = kind == NSS_USER
                ? getpwnam_r(name, ent, b, len, (struct passwd **)&res)
                : getgrnam_r(name, ent, b, len, (struct group **)&res);
            /* Some NSS layers (nss_wrapper) answer -1 and set errno. */
            if (e == -1)
                e = errno;
            if (e == 0 && res != NULL)
                return 1;
            /* Not found: 0 with no result, or one of the errnos glibc
             * documents for an unknown name. */
            if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM) {
                free(*buf);
                *buf = NULL;
                return 0;
            }
            if (e == ERANGE && len < NSS_BUF_MAX) {
                len *= 2;
                continue;
            }
        }
        free(*buf);
        *buf = NULL;
        errno = e;
        return -1;
    }
}

int pod_getpwnam(const char *name, struct passwd *pw, char **buf)
{
    return nss_lookup(NSS_USER, name, pw, buf);
}

int pod_getgrnam(const char *name, struct group *gr, char **buf)
{
    return nss_lookup(NSS_GROUP, name, gr, buf);
}

int pod_group_gid(const char *name, gid_t *gid)
{
    struct group gr;
    char *buf = NULL;
    int found = pod_getgrnam(name, &gr, &buf);

    if (found == 1)
        *gid = gr.gr_gid;
    free(buf);
    return found;
}

int pod_in_local_group(const struct passwd *pw, gid_t gid)
{
    gid_t *gids = NULL;
    int n = 64, found = -1;

    if (pw->pw_gid == gid)
        return 1;
    for (int tries = 0; tries < 8 && found < 0; tries++) {
        gid_t *more = realloc(gids, (size_t)n * sizeof(*gids));
        int got = n;

        if (more == NULL)
            break;
        gids = more;
        if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &got) >= 0) {
            found = 0;
            for (int i = 0; i < got && !found; i++)
                found = gids[i] == gid;
        } else {
            n = got > n ? got : n * 4; /* got: the size needed */
        }
    }
    free(gids);
    return found;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Local groups by name through getgrnam_r, whose buffer grows on ERANGE
 * (a group with many members does not fit a fixed one). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>

#include "localgroup.h"

#define MAX_GRBUF (1024 * 1024)

int pod_group_gid(const char *name, gid_t *gid)
{
    struct group gr, *res = NULL;
    size_t size = 4096;
    int rc = -1;

    for (;;) {
        char *buf = malloc(size);
        int err;

        if (buf == NULL)
            return -1;
        err = getgrnam_r(name, &gr, buf, size, &res);
        if (err == 0 && res != NULL) {
            *gid = res->gr_gid;
            rc = 1;
        } else if (err == 0 || err == ENOENT || err == ESRCH) {
            rc = 0; /* no such group: glibc says 0 and NULL */
        }
        free(buf);
        if (err != ERANGE || size >= MAX_GRBUF)
            return err == ERANGE ? -1 : rc;
        size *= 4;
    }
}

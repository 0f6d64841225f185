/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Local accounts and groups from NSS (I/O: NSS reads files and daemons). */
#ifndef POD_ACCOUNTS_H
#define POD_ACCOUNTS_H

#include <grp.h>
#include <pwd.h>

/* The local account or group of that name, from NSS with a buffer that
 * grows until the entry fits (a group of thousands of members too): 1 with
 * *pw or *gr filled, pointing into *buf (free it); 0 when there is none;
 * -1 (errno set) when the lookup itself failed.  The module and
 * pam_oauth_device_check both use these, so they agree. */
int pod_getpwnam(const char *name, struct passwd *pw, char **buf);
int pod_getgrnam(const char *name, struct group *gr, char **buf);

/* The gid of the local group name: 1 with *gid, 0 when there is no such
 * group, -1 when the lookup failed (NSS error, out of memory). */
int pod_group_gid(const char *name, gid_t *gid);

/* Whether the account is in the group gid, as its primary group or a
 * supplementary one: 1, 0, or -1 when that cannot be told. */
int pod_in_local_group(const struct passwd *pw, gid_t gid);

#endif

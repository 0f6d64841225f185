/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Local groups by name, through NSS, with a buffer that grows as needed. */
#ifndef POD_LOCALGROUP_H
#define POD_LOCALGROUP_H

#include <sys/types.h>

/* The gid of the local group name: 1 with *gid, 0 when there is no such
 * group, -1 when the lookup failed (NSS error, out of memory). */
int pod_group_gid(const char *name, gid_t *gid);

#endif

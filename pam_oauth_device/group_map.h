/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The group_map file ("IDP_GROUP LOCAL_GROUP" lines) and the IdP groups it
 * selects: pure, no network, files or PAM. */
#ifndef POD_GROUP_MAP_H
#define POD_GROUP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define POD_MAX_IDP_GROUP 1024 /* IDP_GROUP in a group_map line */
#define POD_MAX_GROUPNAME 256  /* LOCAL_GROUP */

/* One "IDP_GROUP LOCAL_GROUP" line of the group_map file. */
struct pod_group_line {
    char *idp_group; /* exactly as groups_claim carries it; may hold blanks */
    char *group;     /* a valid local group name, never "root" */
    unsigned line;   /* its line number in the file */
};

struct pod_group_map {
    struct pod_group_line *lines;
    size_t n;
};

/* Parse the group_map text (len bytes, no NUL needed).  A line is '#'
 * comment, blank, or "IDP_GROUP LOCAL_GROUP": the LAST blank-separated
 * field is LOCAL_GROUP and everything before it, without the blanks
 * around it, is IDP_GROUP (so "Domain Admins  idp-admins" maps the IdP
 * group "Domain Admins"; blanks inside are kept as written).  Refused
 * lines: one field; an IDP_GROUP with a control or non-ASCII byte or too
 * long; a LOCAL_GROUP that is not a valid group name or is "root".  0 with
 * *out (pod_group_map_free it), or -1 with *line (0: not about a line)
 * and *why (a static reason). */
int pod_group_map_parse(const char *text, size_t len, struct pod_group_map **out,
                        unsigned *line, const char **why);
void pod_group_map_free(struct pod_group_map *map);

/* Whether the groups claim value holds the IdP group s exactly: a JSON
 * array of strings, or one string of blank-separated names (then s cannot
 * contain a blank). */
bool pod_groups_claim_has(const cJSON *groups, const char *s);

#endif

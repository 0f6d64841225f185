/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The comma lists of the options (a leaf). */
#ifndef POD_LIST_H
#define POD_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* Comma lists of the options: the next entry, blanks around it removed,
 * empty entries skipped.  *p walks the list; false at the end. */
bool pod_list_next(const char **p, const char **item, size_t *len);
/* Whether the list has the entry s (n bytes), compared whole, exactly or
 * ignoring ASCII case. */
bool pod_list_has(const char *list, const char *s, size_t n, bool nocase);
/* A list of no entries (NULL, "", " , ,"). */
bool pod_list_empty(const char *list);

#endif

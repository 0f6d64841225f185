/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The comma lists of the options: walk, look up, test for emptiness. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "ascii.h"
#include "list.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool pod_list_next(const char **p, const char **item, size_t *len)
{
    const char *s = *p;

    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, ',');
        const char *stop = end != NULL ? end : s + strlen(s);
        const char *a = s, *b = stop;

        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        s = end != NULL ? end + 1 : stop;
        if (b > a) {
            *item = a;
            *len = (size_t)(b - a);
            *p = s;
            return true;
        }
    }
    *p = s;
    return false;
}

bool pod_list_has(const char *list, const char *s, size_t n, bool nocase)
{
    const char *item;
    size_t len;

    while (pod_list_next(&list, &item, &len))
        if (len == n && (nocase ? pod_ascii_eq_nocase(item, s, n) : memcmp(item, s, n) == 0))
            return true;
    return false;
}

bool pod_list_empty(const char *list)
{
    const char *item;
    size_t len;

    return !pod_list_next(&list, &item, &len);
}

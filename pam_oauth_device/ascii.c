/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* ASCII-only case folding: tolower and strncasecmp follow the locale. */
#include "config.h"

#include <string.h>

#include "ascii.h"

char pod_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool pod_ascii_eq_nocase(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (pod_ascii_lower(a[i]) != pod_ascii_lower(b[i]))
            return false;
    return true;
}

bool pod_ascii_streq_nocase(const char *a, const char *b)
{
    size_t n = strlen(a);

    return strlen(b) == n && pod_ascii_eq_nocase(a, b, n);
}

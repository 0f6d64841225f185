/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* ASCII-only case folding, the same in every locale (a leaf). */
#ifndef POD_ASCII_H
#define POD_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII case folding whatever the locale (under sudo it is the caller's:
 * in a Turkish locale tolower('I') is not 'i'); other bytes are left. */
char pod_ascii_lower(char c);
/* Whether a and b (n bytes each) are equal ignoring ASCII case only. */
bool pod_ascii_eq_nocase(const char *a, const char *b, size_t n);
/* The same for two whole strings. */
bool pod_ascii_streq_nocase(const char *a, const char *b);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Compiler attributes behind portable names, for gcc and clang alike. */
#ifndef POD_COMPILER_H
#define POD_COMPILER_H

/* Marks a deliberate fall through for -Wimplicit-fallthrough: clang does
 * not accept gcc's comment form. */
#if defined(__has_attribute)
#if __has_attribute(fallthrough)
#define POD_FALLTHROUGH __attribute__((fallthrough))
#endif
#endif
#ifndef POD_FALLTHROUGH
#define POD_FALLTHROUGH ((void)0)
#endif

#endif

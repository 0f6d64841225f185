/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Translation of what the person reads, in the module's own text domain. */
#ifndef POD_I18N_H
#define POD_I18N_H

#include <libintl.h>

/* dgettext, never textdomain() or setlocale(): the module lives in someone
 * else's process (sshd, sudo, login) and must not change its state.  The
 * language follows that process's locale. */
#define POD_TEXT_DOMAIN "pam_oauth_device"
#define _(s) dgettext(POD_TEXT_DOMAIN, s)
/* Marks a string for extraction where it is translated later. */
#define N_(s) s

#endif

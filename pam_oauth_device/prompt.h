/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* What the person sees: the instructions, the URL, the code, the QR code. */
#ifndef POD_PROMPT_H
#define POD_PROMPT_H

#include <stddef.h>
#include "i18n.h"
#include "opts.h"

/* Marked for extraction; shown translated. */
#define POD_PROMPT_ENTER N_("Press Enter once you have approved the sign-in: ")
#define POD_MAX_DISPLAY 512 /* longest server string we show */

struct pod_prompt_info {
    const char *hostname;
    const char *service;
    const char *rhost;              /* may be NULL */
    const char *user;
    const char *verification_uri;
    const char *verification_uri_complete; /* may be NULL */
    const char *user_code;
    int qr_colors;                  /* the QR code black on white (pod_qr_colors) */
};

/* The whole PAM_TEXT_INFO message (instructions and QR code), malloc'd;
 * NULL when memory is short. */
char *pod_prompt_text(const struct pod_prompt_info *info, enum pod_qr_mode qr);

/* The QR code of uri as text lines (UTF-8 half blocks or ASCII) with a
 * 4-module quiet zone, black on white (SGR escapes) when colors is set;
 * NULL for POD_QR_OFF or a uri that is not a printable https URI of a sane
 * length. */
char *pod_qr_text(const char *uri, enum pod_qr_mode mode, int colors);

/* Whether the QR code gets its own colours for qr_color = color at a host
 * whose PAM_TTY is tty (may be NULL); auto: where tty names a terminal. */
int pod_qr_colors(enum pod_qr_color color, const char *tty);

/* A copy of s without control characters (C0, DEL, C1), cut at max bytes
 * on a character boundary; NULL when memory is short. */
char *pod_sanitize(const char *s, size_t max);

#endif

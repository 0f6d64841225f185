/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* base64url decoding (a leaf: used by jwt.c and jwks.c). */
#ifndef POD_B64URL_H
#define POD_B64URL_H

#include <stddef.h>

/* base64url without padding (RFC 7515 2); returns malloc'd bytes or NULL. */
unsigned char *pod_b64url_decode(const char *in, size_t in_len, size_t *out_len);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* A growable byte buffer with a hard cap, always NUL-terminated, wiped
 * before it is freed because it may hold tokens. */
#ifndef POD_BUF_H
#define POD_BUF_H

#include <stddef.h>

struct pod_buf {
    char *data;   /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;   /* appending past this fails */
};

void pod_buf_init(struct pod_buf *b, size_t max);
/* 0 on success, -1 when the cap would be passed or memory is short. */
int pod_buf_append(struct pod_buf *b, const void *p, size_t n);
void pod_buf_wipe(struct pod_buf *b);

/* explicit_bzero(p, n) then free(p); NULL is fine. */
void pod_free_wiped(void *p, size_t n);

/* explicit_bzero(s, strlen(s)) then free(s); NULL is fine. */
void pod_free_secret(char *s);

#endif

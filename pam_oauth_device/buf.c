/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Capped, NUL-terminated byte buffers that are wiped before they are freed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void pod_buf_init(struct pod_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

int pod_buf_append(struct pod_buf *b, const void *p, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        /* Not realloc: the old block may hold a secret and must be wiped. */
        char *d = malloc(cap);
        if (d == NULL)
            return -1;
        if (b->data != NULL) {
            memcpy(d, b->data, b->len);
            explicit_bzero(b->data, b->cap);
            free(b->data);
        }
        b->data = d;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void pod_free_wiped(void *p, size_t n)
{
    if (p == NULL)
        return;
    explicit_bzero(p, n);
    free(p);
}

void pod_buf_wipe(struct pod_buf *b)
{
    pod_free_wiped(b->data, b->cap);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void pod_free_secret(char *s)
{
    if (s != NULL)
        pod_free_wiped(s, strlen(s));
}

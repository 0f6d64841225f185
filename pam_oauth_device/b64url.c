/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* base64url decoding without padding, canonical form only (RFC 7515 2, RFC 4648 5). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "b64url.h"

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

unsigned char *pod_b64url_decode(const char *in, size_t in_len, size_t *out_len)
{
    size_t rem = in_len % 4, pad = rem ? 4 - rem : 0, full, i;
    unsigned char *tmp, *out;
    int last = 0, n;

    /* One character left over cannot encode a byte; the cap keeps the
     * int of EVP_DecodeBlock safe. */
    if (in == NULL || out_len == NULL || rem == 1 || in_len > INT_MAX / 2)
        return NULL;
    for (i = 0; i < in_len; i++)
        if ((last = b64url_value((unsigned char)in[i])) < 0)
            return NULL;
    /* Canonical form only (RFC 4648 3.5): the bits past the last byte
     * must be zero, or one token would have several spellings. */
    if ((rem == 2 && (last & 0x0F) != 0) || (rem == 3 && (last & 0x03) != 0))
        return NULL;
    full = in_len + pad;
    tmp = malloc(full);
    out = malloc(full / 4 * 3 + 1);
    if (tmp == NULL || out == NULL) {
        free(tmp);
        free(out);
        return NULL;
    }
    for (i = 0; i < in_len; i++)
        tmp[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : (unsigned char)in[i];
    memset(tmp + in_len, '=', pad);
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    n = EVP_DecodeBlock(out, tmp, (int)full);
    explicit_bzero(tmp, full);
    free(tmp);
    if (n < 0 || (size_t)n != full / 4 * 3) {
        explicit_bzero(out, full / 4 * 3 + 1);
        free(out);
        return NULL;
    }
    *out_len = (size_t)n - pad;
    return out;
}

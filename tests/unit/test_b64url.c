/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* b64url.c: base64url decoding, canonical form only, against OpenSSL's encoder. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "b64url.h"
#include "jose_helpers.h"
#include "unit_helpers.h"

struct b64_row {
    const char *name;
    const char *in;
    const char *out; /* NULL: refused */
    size_t out_len;
};

static const struct b64_row b64_rows[] = {
    { "empty", "", "", 0 },
    { "one byte", "QQ", "A", 1 },
    { "two bytes", "QUI", "AB", 2 },
    { "three bytes", "QUJD", "ABC", 3 },
    { "four bytes", "QUJDRA", "ABCD", 4 },
    { "zero bytes kept", "AAAA", "\0\0\0", 3 },
    { "url alphabet", "-_-_", "\xfb\xff\xbf", 3 },
    { "trailing dash", "QUI-", "AB>", 3 },
    { "trailing underscore", "__8", "\xff\xff", 2 },
    { "padding", "QQ==", NULL, 0 },
    { "one pad", "QUI=", NULL, 0 },
    { "lone character", "Q", NULL, 0 },
    { "five characters", "QUJDR", NULL, 0 },
    { "stray bits in the last of two", "QR", NULL, 0 },
    { "stray bits in the last of three", "QUJ", NULL, 0 },
    { "plus", "+/+/", NULL, 0 },
    { "slash", "QU/D", NULL, 0 },
    { "space", "QU D", NULL, 0 },
    { "newline", "QUI\n", NULL, 0 },
    { "leading space", " QUJD", NULL, 0 },
    { "dot", "QU.D", NULL, 0 },
};

static void test_b64_table(void **state)
{
    struct ut_table t = { "pod_b64url_decode", UT_ROWS(b64_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(b64_rows); i++) {
        const struct b64_row *row = &b64_rows[i];
        size_t len = strlen(row->in), n = 12345;
        char *in = ut_exact(row->in, len);
        unsigned char *out = pod_b64url_decode(in, len, &n);

        ut_check(&t, (out != NULL) == (row->out != NULL), row->name, "%s",
                 out ? "decoded" : "refused");
        if (out != NULL && row->out != NULL)
            ut_check(&t, n == row->out_len && memcmp(out, row->out, n) == 0, row->name,
                     "%zu bytes, expected %zu", n, row->out_len);
        free(out);
        free(in);
    }
    ut_done(&t);
}

/* Every length, so every remainder, against OpenSSL's encoder. */
static void test_b64_round_trip(void **state)
{
    unsigned char data[300];

    (void)state;
    for (size_t len = 0; len <= sizeof(data); len++) {
        char *enc;
        unsigned char *dec;
        size_t n = 0;

        for (size_t i = 0; i < len; i++)
            data[i] = (unsigned char)(i * 37 + len);
        enc = jh_b64url(data, len);
        dec = pod_b64url_decode(enc, strlen(enc), &n);
        assert_non_null(dec);
        assert_int_equal(n, len);
        assert_memory_equal(dec, data, len);
        free(dec);
        free(enc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64_table),
        cmocka_unit_test(test_b64_round_trip),
    };

    return cmocka_run_group_tests_name("b64url", tests, NULL, NULL);
}

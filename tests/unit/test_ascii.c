/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* ascii.c: case folding that ignores the locale. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ascii.h"
#include "list.h"
#include "unit_helpers.h"

/* ASCII case folding only, whatever the locale: bytes >= 0x80 are never
 * folded (strncasecmp would fold Latin-1's 0xC4/0xE4 in a Latin-1 locale,
 * and 'I' to U+0131 in a Turkish one). */
static void test_ascii_nocase(void **state)
{
    static const struct {
        const char *a, *b;
        bool same;
    } rows[] = {
        { "Bearer", "bearer", true },
        { "BEARER", "bearer", true },
        { "ADMINS", "admins", true },
        { "EXAMPLE.COM", "example.com", true },
        { "I", "i", true },
        { "\xc4", "\xe4", false },
        { "\xdd", "i", false },
        { "\xfd", "i", false },
        { "@", "`", false },
        { "[", "{", false },
        { "Bearer", "Bearer ", false },
        { "", "", true },
    };
    struct ut_table t = { "pod_ascii_streq_nocase", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++)
        ut_check(&t, pod_ascii_streq_nocase(rows[i].a, rows[i].b) == rows[i].same,
                 rows[i].a, "expected %s", rows[i].same ? "equal" : "different");
    ut_done(&t);
    for (int c = 0; c < 256; c++) {
        char want = c >= 'A' && c <= 'Z' ? (char)(c + 32) : (char)c;
        assert_int_equal(pod_ascii_lower((char)c), want);
    }
    assert_true(pod_list_has("EXAMPLE.com", "example.COM", 11, true));
    assert_false(pod_list_has("\xc4", "\xe4", 1, true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_nocase),
    };

    return cmocka_run_group_tests_name("ascii", tests, NULL, NULL);
}

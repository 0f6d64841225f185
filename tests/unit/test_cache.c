/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* cache.c's pure parts: the lifetime from Cache-Control and the cache_dir check. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cache.h"
#include "unit_helpers.h"

static void test_lifetime_table(void **state)
{
    static const struct {
        const char *cc;
        long age;
    } rows[] = {
        { NULL, POD_CACHE_DEFAULT_AGE },
        { "", POD_CACHE_DEFAULT_AGE },
        { "public", POD_CACHE_DEFAULT_AGE },
        { "max-age=7200", 7200 },
        { "public, max-age=7200", 7200 },
        { "MAX-AGE=7200", 7200 },             /* directives are case-insensitive */
        { "max-age=\"7200\"", 7200 },         /* the quoted form */
        { "max-age=0", POD_CACHE_MIN_AGE },   /* clamped to 5 min */
        { "max-age=60", POD_CACHE_MIN_AGE },
        { "max-age=300", 300 },
        { "max-age=86400", 86400 },
        { "max-age=86401", POD_CACHE_MAX_AGE }, /* clamped to 24 h */
        { "max-age=99999999999999999999999", POD_CACHE_MAX_AGE }, /* no overflow */
        { "max-age=", POD_CACHE_DEFAULT_AGE },
        { "max-age=-5", POD_CACHE_DEFAULT_AGE },
        { "max-age=x", POD_CACHE_DEFAULT_AGE },
        { "no-store", POD_CACHE_MIN_AGE },    /* the shortest we keep it */
        { "no-cache, max-age=7200", POD_CACHE_MIN_AGE },
        { "s-maxage=7200", POD_CACHE_DEFAULT_AGE },
        { "private,max-age=600", 600 },
    };
    struct ut_table t = { "pod_cache_lifetime", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        long got = pod_cache_lifetime(rows[i].cc);

        ut_check(&t, got == rows[i].age, rows[i].cc ? rows[i].cc : "(none)",
                 "got %ld, expected %ld", got, rows[i].age);
    }
    ut_done(&t);
}

static void test_check_cache_dir(void **state)
{
    (void)state;
    assert_null(pod_check_cache_dir("/var/cache/pam_oauth_device"));
    assert_non_null(pod_check_cache_dir("var/cache"));
    assert_non_null(pod_check_cache_dir("./cache"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifetime_table),
        cmocka_unit_test(test_check_cache_dir),
    };

    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* decoy.c: the unknown user's code from random bytes, the URL, the whole answer. */
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
#include <regex.h>

#include "clock.h"
#include "decoy.h"
#include "unit_helpers.h"

static void test_format_table(void **state)
{
    static const struct {
        const char *name;
        const char *shape;
        const unsigned char rnd[12];
        size_t n;
        const char *want; /* NULL: out of bytes */
    } rows[] = {
        { "upper case: byte mod 20", "AAAA", { 0, 1, 19, 20 }, 4, "BCZB" },
        { "a separator kept, uses no byte", "A-A", { 2, 3 }, 2, "D-F" },
        { "lower case", "aa", { 0, 39 }, 2, "bz" },
        { "digits: byte mod 10", "99", { 7, 255 - 15 - 1 }, 2, "79" },
        { "240 and above rejected (uniform over 20)", "A", { 240, 255, 5 }, 3, "H" },
        { "250 and above rejected (uniform over 10)", "0", { 250, 251, 12 }, 3, "2" },
        { "the RFC 8628 shape", POD_DECOY_SHAPE, { 0, 1, 2, 3, 4, 5, 6, 7 }, 8, "BCDF-GHJK" },
        { "out of bytes", "AAA", { 0, 1 }, 2, NULL },
        { "only rejected bytes", "A", { 241, 250 }, 2, NULL },
        { "empty shape", "", { 0 }, 0, "" },
    };
    struct ut_table t = { "pod_decoy_format", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *got = pod_decoy_format(rows[i].shape, rows[i].rnd, rows[i].n);

        ut_check_str(&t, rows[i].name, "code", got, rows[i].want);
        free(got);
    }
    ut_done(&t);
}

static void test_uri_table(void **state)
{
    static const struct {
        const char *name;
        const char *issuer, *device, *user_api;
        const char *want;
    } rows[] = {
        { "issuer", "https://idp.example.com/realms/r", NULL, NULL,
          "https://idp.example.com/realms/r/device" },
        { "issuer with a slash", "https://idp.example.com/", NULL, NULL,
          "https://idp.example.com/device" },
        { "issuer and a device endpoint", "https://idp.example.com",
          "https://other.example.com/oauth/device", NULL, "https://idp.example.com/device" },
        { "GitHub", NULL, POD_GITHUB_DEVICE_ENDPOINT, POD_GITHUB_USER_API,
          "https://github.com/login/device" },
        { "no issuer: the device endpoint's origin", NULL,
          "https://gh.example.com:8443/login/device/code", "https://gh.example.com/api",
          "https://gh.example.com:8443/device" },
    };
    struct ut_table t = { "pod_decoy_verification_uri", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct pod_options o = { 0 };
        char *got;

        o.issuer = (char *)rows[i].issuer;
        o.device_authorization_endpoint = (char *)rows[i].device;
        o.user_api = (char *)rows[i].user_api;
        got = pod_decoy_verification_uri(&o);
        ut_check_str(&t, rows[i].name, "uri", got, rows[i].want);
        free(got);
    }
    ut_done(&t);
}

/* The whole answer: a random code of the shape, twice different, the URL
 * with ?user_code=, no device code (nothing can be polled). */
#define PREFIX "https://idp.example.com/device?user_code="
static void test_code(void **state)
{
    struct pod_options o = { .issuer = (char *)"https://idp.example.com" };
    struct pod_device_code a, b;
    regex_t re;

    (void)state;
    assert_int_equal(regcomp(&re, "^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$",
                             REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(pod_decoy_code(NULL, &o, NULL, &a), PAM_SUCCESS);
    /* The URL the cache saw last wins over the configured guess. */
    assert_int_equal(pod_decoy_code(NULL, &o, "https://idp.example.com/realms/x/device", &b),
                     PAM_SUCCESS);
    assert_int_equal(regexec(&re, a.user_code, 0, NULL, 0), 0);
    assert_int_equal(regexec(&re, b.user_code, 0, NULL, 0), 0);
    assert_string_not_equal(a.user_code, b.user_code); /* 1 in 20^8 to fail */
    assert_null(a.device_code);
    assert_string_equal(a.verification_uri, "https://idp.example.com/device");
    assert_string_equal(b.verification_uri, "https://idp.example.com/realms/x/device");
    assert_non_null(a.verification_uri_complete);
    assert_true(strncmp(a.verification_uri_complete, PREFIX, strlen(PREFIX)) == 0);
    assert_string_equal(a.verification_uri_complete + strlen(PREFIX), a.user_code);
    assert_true(a.expires_in > 0 && a.interval > 0);
    pod_device_code_free(&a);
    pod_device_code_free(&b);
    regfree(&re);
}

/* The wait: the deadline, then PAM_USER_UNKNOWN. */
static void test_wait(void **state)
{
    int64_t start = pod_monotonic_ms();

    (void)state;
    assert_int_equal(pod_decoy_wait(NULL, start + 200), PAM_USER_UNKNOWN);
    assert_true(pod_monotonic_ms() - start >= 200);
    assert_int_equal(pod_decoy_wait(NULL, start), PAM_USER_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_uri_table),
        cmocka_unit_test(test_code),
        cmocka_unit_test(test_wait),
    };

    return cmocka_run_group_tests_name("decoy", tests, NULL, NULL);
}

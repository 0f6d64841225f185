/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pod_is_https_url: the URL rule of url.c. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit_helpers.h"
#include "url.h"

static void test_https_url_table(void **state)
{
    static const struct {
        const char *url;
        int ok;
    } rows[] = {
        { "https://host", 1 },
        { "https://host/", 1 },
        { "https://idp.example/realms/x/protocol/openid-connect/auth/device", 1 },
        { "https://host:8443/p?q=1", 1 },
        { "https://evil.example\\.good.example/", 0 },
        { "https://host?q=1", 1 },
        { "https://192.0.2.1/device", 1 },
        { "https://[2001:db8::1]:8443/device", 1 },
        { "https://host/p%20q", 1 },
        { "https://host/a@b", 1 },           /* '@' in the path is no userinfo */
        { "https://host?next=a@b", 1 },
        { "https://host/device?user_code=WDJB-MJHT", 1 },
        { "https://", 0 },
        { "https:///x", 0 },
        { "https://:8443/x", 0 },
        { "https://?q", 0 },
        { "HTTPS://host", 0 },               /* current rule: lower-case scheme only */
        { "Https://host", 0 },
        { "http://host", 0 },
        { "http://host:443/", 0 },
        { "ftp://host/", 0 },
        { "file:///etc/passwd", 0 },
        { "javascript:alert(1)//https://host", 0 },
        { "//host/device", 0 },
        { "/device", 0 },
        { "host/device", 0 },
        { "https:host", 0 },
        { "https:/host", 0 },
        { " https://host", 0 },
        { "", 0 },
        { "https://user@host/", 0 },
        { "https://user:pw@host/", 0 },
        { "https://@host/", 0 },
        { "https://good.example\\@evil.example/", 0 },
        { "https://host/#frag", 0 },
        { "https://host#frag", 0 },
        { "https://host/a b", 0 },
        { "https://host /", 0 },
        { "https://host/\t", 0 },
        { "https://host/\n", 0 },
        { "https://host/\r\nX-Evil: 1", 0 },
        { "https://host/\x1b[2J", 0 },
        { "https://host/\x7f", 0 },
        { "https://h\xc3\xb6st/", 0 },       /* non-ASCII host */
        { "https://host/\xc2\x9b" "2J", 0 }, /* C1 CSI */
        { "https://\xd0\xb0pple.com/", 0 },  /* Cyrillic look-alike */
    };
    struct ut_table t = { "pod_is_https_url", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        int got = pod_is_https_url(rows[i].url);

        ut_check(&t, got == rows[i].ok, rows[i].url, "got %d, expected %d", got, rows[i].ok);
    }
    ut_done(&t);
}

static void test_https_url_null(void **state)
{
    (void)state;
    assert_int_equal(pod_is_https_url(NULL), 0);
}

/* "https://host/" padded with 'a' to a total length. */
static char *url_of_length(size_t total)
{
    static const char head[] = "https://host/";
    char *u = ut_repeat('a', total);

    memcpy(u, head, strlen(head));
    return u;
}

static void test_https_url_length(void **state)
{
    static const struct {
        const char *name;
        size_t len;
        int ok;
    } rows[] = {
        { "2047 bytes", 2047, 1 },
        { "2048 bytes", 2048, 1 },
        { "2049 bytes", 2049, 0 },
        { "3000 bytes", 3000, 0 },
        { "64 KiB", 65536, 0 },
    };
    struct ut_table t = { "URL length", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *u = url_of_length(rows[i].len);
        int got = pod_is_https_url(u);

        ut_check(&t, got == rows[i].ok, rows[i].name, "got %d, expected %d", got, rows[i].ok);
        free(u);
    }
    ut_done(&t);
}

/* Every single byte outside printable ASCII, and '#', anywhere. */
static void test_https_url_every_byte(void **state)
{
    struct ut_table t = { "bytes", 255, 0 };

    (void)state;
    for (unsigned c = 1; c < 256; c++) {
        char u[] = "https://host/p?x";
        char name[16];
        int want = c > 0x20 && c < 0x7f && c != '#' && c != '\\';

        u[13] = (char)c; /* the 'p' */
        snprintf(name, sizeof(name), "0x%02x", c);
        ut_check(&t, pod_is_https_url(u) == want, name, "expected %d", want);
    }
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_url_table),
        cmocka_unit_test(test_https_url_null),
        cmocka_unit_test(test_https_url_length),
        cmocka_unit_test(test_https_url_every_byte),
    };

    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <qrencode.h>

#include "prompt.h"

#define MARGIN 2 /* quiet zone promised by pod_qr_text */

#define UPPER "\xE2\x96\x80"
#define LOWER "\xE2\x96\x84"
#define FULL "\xE2\x96\x88"

static const struct pod_prompt_info sample = {
    .hostname = "host1",
    .service = "sshd",
    .rhost = "192.0.2.7",
    .user = "alice",
    .verification_uri = "https://idp.example/device",
    .verification_uri_complete = "https://idp.example/device?user_code=WDJB-MJHT",
    .user_code = "WDJB-MJHT",
};

static void test_sanitize_table(void **state)
{
    static const struct {
        const char *in;
        size_t max;
        const char *out;
    } cases[] = {
        { "", 10, "" },
        { "plain text", 100, "plain text" },
        { "a\x1b[2Jb\x1b]0;title\x07", 100, "a[2Jb]0;title" },
        { "a\rb\nc\td\x01\x1f", 100, "abcd" },
        { "a\x7f" "b", 100, "ab" },
        { "x\xC2\x80y\xC2\x9B" "1m\xC2\x9Fz", 100, "xy1mz" },
        { "nb\xC2\xA0sp", 100, "nb\xC2\xA0sp" },          /* U+00A0 is not C1 */
        { "\xF0\x9F\x98\x80 ok", 100, "\xF0\x9F\x98\x80 ok" },
        /* stray, overlong, surrogate, too large, truncated */
        { "a\xFF" "b\xC0\xAF" "c\xED\xA0\x80" "d\xF4\x90\x80\x80" "e\xE2\x82" "f\x80", 100,
          "abcdef" },
        { "ab\xC3\xA9", 3, "ab" },
        { "ab\xC3\xA9", 4, "ab\xC3\xA9" },
        { "\xE2\x82\xAC\xE2\x82\xAC", 5, "\xE2\x82\xAC" },
        { "abcdef", 3, "abc" },
        { "\x1b\x1b\x1b" "abc", 3, "abc" },                /* dropped bytes are free */
        { "abc", 0, "" },
        { "evil\xE2\x80\xAEmoc.\xE2\x80\xA8x\xE2\x81\xA6y", 100, "evilmoc.xy" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = pod_sanitize(cases[i].in, cases[i].max);

        assert_non_null(out);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
}

static void test_sanitize_null(void **state)
{
    char *out = pod_sanitize(NULL, 10);

    (void)state;
    assert_string_equal(out, "");
    free(out);
}

static void test_text_exact_without_qr(void **state)
{
    char *text = pod_prompt_text(&sample, POD_QR_OFF);

    (void)state;
    assert_string_equal(text,
                        "Sign in to host1 for sshd as alice from 192.0.2.7\n"
                        "Approve only if you started this login yourself.\n"
                        "Never approve a code that someone else sent you.\n"
                        "\n"
                        "Open: https://idp.example/device\n"
                        "Enter code: WDJB-MJHT\n"
                        "Or open directly: https://idp.example/device?user_code=WDJB-MJHT\n");
    free(text);
}

static void test_text_fields(void **state)
{
    char *text = pod_prompt_text(&sample, POD_QR_UTF8);

    (void)state;
    assert_non_null(text);
    assert_non_null(strstr(text, "Sign in to host1 for sshd as alice from 192.0.2.7\n"));
    assert_non_null(strstr(text, "Approve only if you started this login yourself.\n"));
    assert_non_null(strstr(text, "Never approve a code that someone else sent you.\n"));
    assert_non_null(strstr(text, "\nOpen: https://idp.example/device\n"));
    assert_non_null(strstr(text, "\nEnter code: WDJB-MJHT\n"));
    assert_non_null(strstr(text, "\nOr scan:\n"));
    free(text);
}

static void test_no_rhost(void **state)
{
    struct pod_prompt_info info = sample;

    (void)state;
    for (int i = 0; i < 2; i++) {
        info.rhost = i == 0 ? NULL : "";
        char *text = pod_prompt_text(&info, POD_QR_OFF);

        assert_non_null(strstr(text, "Sign in to host1 for sshd as alice\n"));
        assert_null(strstr(text, " from "));
        free(text);
    }
}

static void test_no_uri_complete(void **state)
{
    struct pod_prompt_info info = sample;
    char *text;

    (void)state;
    info.verification_uri_complete = NULL;
    text = pod_prompt_text(&info, POD_QR_OFF);
    assert_null(strstr(text, "directly"));
    free(text);
}

/* Only '\n' may reach the terminal below 0x20; and no DEL, ESC or C1. */
static void assert_no_controls(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        assert_true(*p >= 0x20 || *p == '\n');
        assert_true(*p != 0x7F);
        assert_false(p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F);
    }
}

static void test_controls_removed(void **state)
{
    struct pod_prompt_info info = {
        .hostname = "host\x1b[31m1",
        .service = "ss\thd",
        .rhost = "evil\r\nOpen: https://phish.example\x07",
        .user = "al\xC2\x9B" "ice",
        .verification_uri = "https://idp.example/\x1b]8;;https://phish\x07" "device",
        .verification_uri_complete = NULL,
        .user_code = "ABCD\x1b[2J-EFGH",
    };
    char *text = pod_prompt_text(&info, POD_QR_OFF);

    (void)state;
    assert_non_null(strstr(text, "Enter code: ABCD[2J-EFGH\n"));
    assert_non_null(strstr(text, "Sign in to host[31m1 for sshd as alice from "
                                 "evilOpen: https://phish.example\n"));
    assert_non_null(strstr(text, "Open: https://idp.example/]8;;https://phishdevice\n"));
    assert_null(strstr(text, "\nOpen: https://phish"));
    assert_no_controls(text);
    free(text);
}

static void test_qr_prefers_uri_complete(void **state)
{
    char *text = pod_prompt_text(&sample, POD_QR_UTF8);
    char *complete = pod_qr_text(sample.verification_uri_complete, POD_QR_UTF8);
    char *plain = pod_qr_text(sample.verification_uri, POD_QR_UTF8);

    (void)state;
    assert_non_null(complete);
    assert_non_null(plain);
    assert_non_null(strstr(text, complete));
    assert_null(strstr(text, plain));
    /* One message: the whole QR code ends it, after the instructions. */
    size_t len = strlen(text), qlen = strlen(complete);
    assert_true(len > qlen);
    assert_string_equal(text + len - qlen, complete);
    assert_memory_equal(text + len - qlen - strlen("\nOr scan:\n"), "\nOr scan:\n",
                        strlen("\nOr scan:\n"));
    assert_no_controls(text);
    free(text);
    free(complete);
    free(plain);
}

static void test_qr_falls_back_to_uri(void **state)
{
    struct pod_prompt_info info = sample;
    char *text, *plain;

    (void)state;
    info.verification_uri_complete = "http://idp.example/device?user_code=WDJB-MJHT";
    text = pod_prompt_text(&info, POD_QR_ASCII);
    plain = pod_qr_text(info.verification_uri, POD_QR_ASCII);
    assert_non_null(plain);
    assert_non_null(strstr(text, plain));
    free(text);
    free(plain);
}

static void test_qr_off(void **state)
{
    char *text = pod_prompt_text(&sample, POD_QR_OFF);

    (void)state;
    assert_null(strstr(text, "Or scan"));
    assert_null(strstr(text, FULL));
    assert_null(strstr(text, "##"));
    assert_null(pod_qr_text(sample.verification_uri, POD_QR_OFF));
    free(text);
}

static char *long_uri(size_t len)
{
    char *uri = malloc(len + 1);

    assert_non_null(uri);
    memcpy(uri, "https://idp.example/", 20);
    for (size_t i = 20; i < len; i++)
        uri[i] = "abcXYZ019-._~%/?=&"[i % 18];
    uri[len] = '\0';
    return uri;
}

static void test_bad_uri_no_qr(void **state)
{
    char *big = long_uri(600);
    const char *bad[] = {
        "http://idp.example/device", "HTTPS://idp.example/device", "https:/x",
        "https://idp.example/a b", "https://idp.example/\x7f", "https://idp.example/\xC3\xA9",
        "https://idp.example/\x1b", "", big,
    };

    (void)state;
    assert_null(pod_qr_text(NULL, POD_QR_UTF8));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct pod_prompt_info info = sample;
        char *text;

        assert_null(pod_qr_text(bad[i], POD_QR_UTF8));
        assert_null(pod_qr_text(bad[i], POD_QR_ASCII));
        info.verification_uri = bad[i];
        info.verification_uri_complete = NULL;
        text = pod_prompt_text(&info, POD_QR_UTF8);
        assert_non_null(text);
        assert_null(strstr(text, "Or scan"));
        assert_non_null(strstr(text, "Enter code: WDJB-MJHT\n"));
        free(text);
    }
    /* Shown capped at POD_MAX_DISPLAY bytes. */
    struct pod_prompt_info info = sample;
    info.verification_uri = big;
    info.verification_uri_complete = NULL;
    char *text = pod_prompt_text(&info, POD_QR_OFF);
    big[POD_MAX_DISPLAY] = '\0';
    char *line = strstr(text, big);
    assert_non_null(line);
    assert_int_equal(line[POD_MAX_DISPLAY], '\n');
    free(text);
    free(big);
}

static void test_qr_max_length(void **state)
{
    char *uri = long_uri(512);
    char *qr = pod_qr_text(uri, POD_QR_UTF8);

    (void)state;
    assert_non_null(qr);
    free(qr);
    free(uri);
}

/* Reads the drawn text back into light/dark modules, (n + 1) rows of n so
 * the half row under an odd UTF-8 drawing is read too; returns the rows. */
static int read_modules(const char *text, enum pod_qr_mode mode, int n, unsigned char *light)
{
    static const struct {
        const char *s;
        unsigned char top, bottom;
    } utf8[] = { { " ", 0, 0 }, { LOWER, 0, 1 }, { UPPER, 1, 0 }, { FULL, 1, 1 } };
    int rows = mode == POD_QR_UTF8 ? 2 : 1;
    int y = 0;

    for (const char *p = text; *p != '\0'; p++, y += rows) {
        assert_true(y + rows <= n + 1);
        for (int x = 0; x < n; x++) {
            if (mode == POD_QR_ASCII) {
                assert_true(strncmp(p, "##", 2) == 0 || strncmp(p, "  ", 2) == 0);
                light[y * n + x] = *p == ' ';
                p += 2;
                continue;
            }
            size_t k = 0;
            while (k < 4 && strncmp(p, utf8[k].s, strlen(utf8[k].s)) != 0)
                k++;
            assert_true(k < 4);
            light[y * n + x] = utf8[k].top;
            light[(y + 1) * n + x] = utf8[k].bottom;
            p += strlen(utf8[k].s);
        }
        assert_int_equal(*p, '\n');
    }
    return y;
}

static void assert_round_trip(const char *uri, enum pod_qr_mode mode)
{
    QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
    char *text = pod_qr_text(uri, mode);
    int w, n, rows;
    unsigned char *light;

    assert_non_null(qr);
    assert_non_null(text);
    w = qr->width;
    n = w + 2 * MARGIN;
    light = calloc((size_t)n * (n + 1), 1);
    assert_non_null(light);
    rows = read_modules(text, mode, n, light);
    assert_int_equal(rows, mode == POD_QR_UTF8 ? n + 1 : n);
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < n; x++) {
            int qx = x - MARGIN, qy = y - MARGIN, expect;

            if (y == n)
                expect = 0; /* under the drawing: terminal background */
            else if (qx < 0 || qy < 0 || qx >= w || qy >= w)
                expect = 1; /* quiet zone */
            else
                expect = !(qr->data[qy * w + qx] & 1);
            if (light[y * n + x] != expect)
                fail_msg("%s: module (%d,%d) of %s", mode == POD_QR_UTF8 ? "UTF-8" : "ASCII",
                         x, y, uri);
        }
    }
    free(light);
    free(text);
    QRcode_free(qr);
}

static void test_qr_round_trip(void **state)
{
    char *big = long_uri(512);
    const char *uris[] = {
        "https://x.io",
        sample.verification_uri,
        sample.verification_uri_complete,
        "https://login.microsoftonline.com/common/oauth2/deviceauth?code=AbCd-EfGh",
        big,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        assert_round_trip(uris[i], POD_QR_UTF8);
        assert_round_trip(uris[i], POD_QR_ASCII);
    }
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_null),
        cmocka_unit_test(test_text_exact_without_qr),
        cmocka_unit_test(test_text_fields),
        cmocka_unit_test(test_no_rhost),
        cmocka_unit_test(test_no_uri_complete),
        cmocka_unit_test(test_controls_removed),
        cmocka_unit_test(test_qr_prefers_uri_complete),
        cmocka_unit_test(test_qr_falls_back_to_uri),
        cmocka_unit_test(test_qr_off),
        cmocka_unit_test(test_bad_uri_no_qr),
        cmocka_unit_test(test_qr_max_length),
        cmocka_unit_test(test_qr_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>
#include <qrencode.h>

#include "prompt.h"

#define MARGIN 4 /* quiet zone promised by pod_qr_text (ISO/IEC 18004) */
#define INK_ON "\033[30;47m"
#define INK_OFF "\033[0m"

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
                        "Enter code: WDJB-MJHT\n");
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

/* The URL once: the complete URI only in the QR code, never as text. */
static void test_uri_complete_not_text(void **state)
{
    struct pod_prompt_info info = sample;

    (void)state;
    for (int i = 0; i < 2; i++) {
        info.verification_uri_complete = i == 0 ? NULL : sample.verification_uri_complete;
        char *text = pod_prompt_text(&info, POD_QR_UTF8);

        assert_null(strstr(text, "user_code="));
        assert_null(strstr(text, "directly"));
        free(text);
    }
}

static void test_qr_colors_table(void **state)
{
    static const struct {
        enum pod_qr_color color;
        const char *tty;
        int colors;
    } cases[] = {
        { POD_QR_COLOR_AUTO, "/dev/pts/3", 1 }, { POD_QR_COLOR_AUTO, "tty1", 1 },
        { POD_QR_COLOR_AUTO, "pts/0", 1 },      { POD_QR_COLOR_AUTO, "console", 1 },
        { POD_QR_COLOR_AUTO, "ssh", 0 },        { POD_QR_COLOR_AUTO, NULL, 0 },
        { POD_QR_COLOR_AUTO, "", 0 },           { POD_QR_COLOR_AUTO, ":0", 0 },
        { POD_QR_COLOR_YES, "ssh", 1 },         { POD_QR_COLOR_YES, NULL, 1 },
        { POD_QR_COLOR_NO, "/dev/pts/3", 0 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(pod_qr_colors(cases[i].color, cases[i].tty), cases[i].colors);
}

/* Only '\n' and the QR code's own two colour escapes may reach the
 * terminal below 0x20; and no DEL or C1. */
static void assert_no_controls(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (strncmp((const char *)p, INK_ON, strlen(INK_ON)) == 0 ||
            strncmp((const char *)p, INK_OFF, strlen(INK_OFF)) == 0) {
            p += 1;
            continue;
        }
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
    struct pod_prompt_info info = sample;
    char *text, *complete, *plain;

    (void)state;
    info.qr_colors = 1;
    text = pod_prompt_text(&info, POD_QR_UTF8);
    complete = pod_qr_text(sample.verification_uri_complete, POD_QR_UTF8, 1);
    plain = pod_qr_text(sample.verification_uri, POD_QR_UTF8, 1);
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
    plain = pod_qr_text(info.verification_uri, POD_QR_ASCII, 0);
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
    assert_null(strstr(text, "#"));
    assert_null(pod_qr_text(sample.verification_uri, POD_QR_OFF, 0));
    assert_null(pod_qr_text(sample.verification_uri, POD_QR_OFF, 1));
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
    assert_null(pod_qr_text(NULL, POD_QR_UTF8, 0));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct pod_prompt_info info = sample;
        char *text;

        assert_null(pod_qr_text(bad[i], POD_QR_UTF8, 0));
        assert_null(pod_qr_text(bad[i], POD_QR_ASCII, 1));
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
    char *qr = pod_qr_text(uri, POD_QR_UTF8, 0);

    (void)state;
    assert_non_null(qr);
    free(qr);
    free(uri);
}

/* Reads the drawn text back into inked/blank cells, (n + 1) rows of n so
 * the half row under an odd UTF-8 drawing is read too; each line wrapped
 * in the colour pair when colors is set.  Returns the rows. */
static int read_modules(const char *text, enum pod_qr_mode mode, int colors, int n,
                        unsigned char *ink)
{
    static const struct {
        const char *s;
        unsigned char top, bottom;
    } utf8[] = { { " ", 0, 0 }, { LOWER, 0, 1 }, { UPPER, 1, 0 }, { FULL, 1, 1 } };
    int rows = mode == POD_QR_UTF8 ? 2 : 1;
    int y = 0;

    for (const char *p = text; *p != '\0'; p++, y += rows) {
        assert_true(y + rows <= n + 1);
        if (colors) {
            assert_memory_equal(p, INK_ON, strlen(INK_ON));
            p += strlen(INK_ON);
        }
        for (int x = 0; x < n; x++) {
            if (mode == POD_QR_ASCII) {
                assert_true(*p == '#' || *p == ' ');
                ink[y * n + x] = *p++ == '#';
                continue;
            }
            size_t k = 0;
            while (k < 4 && strncmp(p, utf8[k].s, strlen(utf8[k].s)) != 0)
                k++;
            assert_true(k < 4);
            ink[y * n + x] = utf8[k].top;
            ink[(y + 1) * n + x] = utf8[k].bottom;
            p += strlen(utf8[k].s);
        }
        if (colors) {
            assert_memory_equal(p, INK_OFF, strlen(INK_OFF));
            p += strlen(INK_OFF);
        }
        assert_int_equal(*p, '\n');
    }
    return y;
}

/* Ink: the light modules and the quiet zone without colours (text colour
 * on a dark terminal), the dark modules with them (black on white). */
static void assert_round_trip(const char *uri, enum pod_qr_mode mode, int colors)
{
    QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
    char *text = pod_qr_text(uri, mode, colors);
    int w, n, rows;
    unsigned char *ink;

    assert_non_null(qr);
    assert_non_null(text);
    w = qr->width;
    n = w + 2 * MARGIN;
    ink = calloc((size_t)n * (n + 1), 1);
    assert_non_null(ink);
    rows = read_modules(text, mode, colors, n, ink);
    assert_int_equal(rows, mode == POD_QR_UTF8 ? n + 1 : n);
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < n; x++) {
            int qx = x - MARGIN, qy = y - MARGIN, light;

            if (y == n) {
                /* under the drawing: background, never ink */
                assert_int_equal(ink[y * n + x], 0);
                continue;
            }
            light = qx < 0 || qy < 0 || qx >= w || qy >= w || !(qr->data[qy * w + qx] & 1);
            if (ink[y * n + x] != (colors ? !light : light))
                fail_msg("%s colors=%d: module (%d,%d) of %s",
                         mode == POD_QR_UTF8 ? "UTF-8" : "ASCII", colors, x, y, uri);
        }
    }
    free(ink);
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
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
        for (int colors = 0; colors < 2; colors++) {
            assert_round_trip(uris[i], POD_QR_UTF8, colors);
            assert_round_trip(uris[i], POD_QR_ASCII, colors);
        }
    free(big);
}

/* The drawing fits 80 columns for the URIs IdPs send (the man page's size
 * table): up to 150 bytes is version 7, 45 modules + the quiet zone. */
static void test_qr_width(void **state)
{
    char *uri = long_uri(150);

    (void)state;
    for (int mode = POD_QR_UTF8; mode <= POD_QR_ASCII; mode++) {
        char *qr = pod_qr_text(uri, mode, 0);
        size_t cols = 0;

        assert_non_null(qr);
        for (const unsigned char *p = (const unsigned char *)qr; *p != '\n'; p++)
            cols += (*p & 0xC0) != 0x80; /* one per character */
        assert_int_equal(cols, 45 + 2 * MARGIN);
        free(qr);
    }
    free(uri);
}

/* A terminal, painted: 8x16-pixel cells, grey levels, the text colour on
 * the background; the QR code's colour pair switches to black on white. */
struct term {
    unsigned char fg, bg;
};
static const struct term light_term = { 0x10, 0xF4 }, dark_term = { 0xD0, 0x1E };
#define CELL_W 8
#define CELL_H 16
#define BORDER 3 /* cells of terminal around the drawing */

/* Paints text into a PGM file at path, as a terminal would show it. */
static void render_pgm(const char *text, struct term t, const char *path)
{
    int cols = 0, lines = 0, c = 0;
    const char *p;

    for (p = text; *p != '\0'; p++) {
        if (*p == '\n') {
            lines++;
            cols = c > cols ? c : cols;
            c = 0;
        } else if (*p == '\033') {
            p = strchr(p, 'm');
        } else if ((*p & 0xC0) != 0x80) {
            c++;
        }
    }
    int w = (cols + 2 * BORDER) * CELL_W, h = (lines + 2 * BORDER) * CELL_H;
    unsigned char *img = malloc((size_t)w * h);
    unsigned char fg = t.fg, bg = t.bg;
    int x = BORDER, y = BORDER;

    assert_non_null(img);
    memset(img, t.bg, (size_t)w * h);
    for (p = text; *p != '\0'; p++) {
        int top, bottom;

        if (*p == '\n') {
            x = BORDER;
            y++;
            continue;
        }
        if (strncmp(p, INK_ON, strlen(INK_ON)) == 0 || strncmp(p, INK_OFF, strlen(INK_OFF)) == 0) {
            int on = strncmp(p, INK_ON, strlen(INK_ON)) == 0;

            fg = on ? 0x00 : t.fg;
            bg = on ? 0xFF : t.bg;
            p = strchr(p, 'm');
            continue;
        }
        if (strncmp(p, FULL, 3) == 0 || *p == '#')
            top = bottom = 1;
        else if (strncmp(p, UPPER, 3) == 0)
            top = 1, bottom = 0;
        else if (strncmp(p, LOWER, 3) == 0)
            top = 0, bottom = 1;
        else
            top = bottom = 0;
        if ((unsigned char)*p >= 0x80)
            p += 2;
        for (int py = 0; py < CELL_H; py++)
            memset(img + (size_t)(y * CELL_H + py) * w + x * CELL_W,
                   (py < CELL_H / 2 ? top : bottom) ? fg : bg, CELL_W);
        x++;
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "P5\n%d %d\n255\n", w, h);
    assert_int_equal(fwrite(img, 1, (size_t)w * h, f), (size_t)w * h);
    assert_int_equal(fclose(f), 0);
    free(img);
}

/* What zbarimg reads in the image ("" for nothing). */
static void zbar_read(const char *path, int inverted, char *out, size_t size)
{
    char cmd[512];
    FILE *f;
    size_t len;

    snprintf(cmd, sizeof(cmd), "zbarimg -q --raw %s '%s' 2>/dev/null",
             inverted ? "-Stest-inverted" : "", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    len = fread(out, 1, size - 1, f);
    pclose(f);
    out[len] = '\0';
    if (len > 0 && out[len - 1] == '\n')
        out[len - 1] = '\0';
}

/* The drawn text, painted on a light and on a dark terminal, read back by
 * zbar: with colours a normal code on both; without, normal on the dark
 * one and inverted on the light one (read by the readers that scan
 * inverted codes, as zbar with test-inverted). */
static void test_qr_scans(void **state)
{
    static const struct {
        enum pod_qr_mode mode;
        int colors, light_normal, dark_normal;
    } cases[] = {
        { POD_QR_UTF8, 1, 1, 1 },
        { POD_QR_ASCII, 1, 1, 1 },
        { POD_QR_UTF8, 0, 0, 1 },
        { POD_QR_ASCII, 0, 0, 1 },
    };
    char dir[] = "/tmp/test_prompt.XXXXXX", path[64], got[1024];
    const char *uri = "https://login.example.com/realms/corp/device?user_code=WDJB-MJHT";

    (void)state;
    if (system("command -v zbarimg >/dev/null 2>&1") != 0)
        skip();
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/qr.pgm", dir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *qr = pod_qr_text(uri, cases[i].mode, cases[i].colors);

        assert_non_null(qr);
        for (int dark = 0; dark < 2; dark++) {
            int normal = dark ? cases[i].dark_normal : cases[i].light_normal;

            render_pgm(qr, dark ? dark_term : light_term, path);
            zbar_read(path, 0, got, sizeof(got));
            if (strcmp(got, normal ? uri : "") != 0)
                fail_msg("mode %d colors %d on %s: read \"%s\"", cases[i].mode,
                         cases[i].colors, dark ? "dark" : "light", got);
            if (!normal) {
                zbar_read(path, 1, got, sizeof(got));
                assert_string_equal(got, uri);
            }
        }
        free(qr);
    }
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_null),
        cmocka_unit_test(test_text_exact_without_qr),
        cmocka_unit_test(test_text_fields),
        cmocka_unit_test(test_no_rhost),
        cmocka_unit_test(test_uri_complete_not_text),
        cmocka_unit_test(test_qr_colors_table),
        cmocka_unit_test(test_controls_removed),
        cmocka_unit_test(test_qr_prefers_uri_complete),
        cmocka_unit_test(test_qr_falls_back_to_uri),
        cmocka_unit_test(test_qr_off),
        cmocka_unit_test(test_bad_uri_no_qr),
        cmocka_unit_test(test_qr_max_length),
        cmocka_unit_test(test_qr_round_trip),
        cmocka_unit_test(test_qr_width),
        cmocka_unit_test(test_qr_scans),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

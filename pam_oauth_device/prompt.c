/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The text the person reads, the verification URL and the QR code. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>

#include "prompt.h"

#define QR_MAX_URI 512
/* 2 modules, as `qrencode -t UTF8/ASCII` draws: phone readers need far less
 * than the 4 of ISO/IEC 18004, and 4 would cost two more lines and four
 * more columns on a terminal that is often only 80x24. */
#define QR_MARGIN 2

/* Length of the well-formed UTF-8 sequence at p (Unicode Table 3-7: no
 * overlong forms, surrogates or code points past U+10FFFF), 0 if there is
 * none.  The NUL terminator is never a continuation byte, so this stops at
 * the end of the string. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static unsigned long utf8_decode(const unsigned char *p, size_t n)
{
    static const unsigned char lead_mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    unsigned long cp = p[0] & lead_mask[n];

    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    return cp;
}

/* C0, DEL and C1, plus the characters that reorder text (Bidi_Control) or
 * break lines (U+2028/9): both could make a shown URI or host lie. */
static int is_control(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *pod_sanitize(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    size_t len = strlen((const char *)p);
    char *out = malloc((len < max ? len : max) + 1);
    size_t o = 0;

    if (out == NULL)
        return NULL;
    while (*p != '\0') {
        size_t n = utf8_len(p);

        if (n == 0) {
            p++;
            continue;
        }
        if (!is_control(utf8_decode(p, n))) {
            if (n > max - o)
                break;
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    out[o] = '\0';
    return out;
}

static int qr_uri_ok(const char *uri)
{
    size_t len;

    if (uri == NULL || strncmp(uri, "https://", 8) != 0)
        return 0;
    len = strnlen(uri, QR_MAX_URI + 1);
    if (len > QR_MAX_URI)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)uri[i] < 0x21 || (unsigned char)uri[i] > 0x7E)
            return 0;
    return 1;
}

/* Whether module (x, y) of the drawn square (quiet zone included) is
 * light; the half row below the square in UTF-8 mode is not drawn. */
static int is_light(const QRcode *qr, int x, int y)
{
    int w = qr->width;

    if (y >= w + 2 * QR_MARGIN)
        return 0;
    x -= QR_MARGIN;
    y -= QR_MARGIN;
    if (x < 0 || y < 0 || x >= w || y >= w)
        return 1;
    return !(qr->data[y * w + x] & 1);
}

/* UTF-8 draws the LIGHT modules and the quiet zone as blocks, as
 * `qrencode -t UTF8` does: on the usual dark terminal background that is a
 * normal dark-on-light code.  No characters can be right on both
 * backgrounds, since a block always takes the text colour (and colour
 * escapes would be shown as text by ssh clients): on a light terminal this
 * is an inverted code, which only some readers accept.  ASCII draws the
 * dark modules, so it is the normal code on a light terminal. */
char *pod_qr_text(const char *uri, enum pod_qr_mode mode)
{
    /* Indexed by top * 2 + bottom light module. */
    static const char *const half[4] = {
        " ", "\xE2\x96\x84" /* U+2584 lower */,
        "\xE2\x96\x80" /* U+2580 upper */, "\xE2\x96\x88" /* U+2588 full */
    };
    int step = mode == POD_QR_UTF8 ? 2 : 1;
    QRcode *qr;
    char *out, *o;
    int n;

    if ((mode != POD_QR_UTF8 && mode != POD_QR_ASCII) || !qr_uri_ok(uri))
        return NULL;
    /* 8-bit mode and case sensitive: a URI must not be upper-cased. */
    qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
    if (qr == NULL)
        return NULL;
    n = qr->width + 2 * QR_MARGIN;
    /* At most 3 bytes per module (UTF-8) and n lines (ASCII). */
    out = malloc((size_t)n * (3 * (size_t)n + 1) + 1);
    if (out == NULL) {
        QRcode_free(qr);
        return NULL;
    }
    o = out;
    for (int y = 0; y < n; y += step) {
        for (int x = 0; x < n; x++) {
            const char *s = mode == POD_QR_UTF8
                ? half[is_light(qr, x, y) * 2 + is_light(qr, x, y + 1)]
                : is_light(qr, x, y) ? "  " : "##";
            size_t len = strlen(s);

            memcpy(o, s, len);
            o += len;
        }
        *o++ = '\n';
    }
    *o = '\0';
    QRcode_free(qr);
    return out;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
    va_list ap;
    char *out;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || (out = malloc((size_t)len + 1)) == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(out, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return out;
}

enum { F_HOST, F_SERVICE, F_USER, F_RHOST, F_URI, F_URI_COMPLETE, F_CODE, F_COUNT };

char *pod_prompt_text(const struct pod_prompt_info *info, enum pod_qr_mode qr)
{
    /* rhost comes from the client and the rest may come from the server:
     * nothing reaches the terminal unsanitized. */
    const char *raw[F_COUNT] = {
        [F_HOST] = info->hostname,
        [F_SERVICE] = info->service,
        [F_USER] = info->user,
        [F_RHOST] = info->rhost,
        [F_URI] = info->verification_uri,
        [F_URI_COMPLETE] = info->verification_uri_complete,
        [F_CODE] = info->user_code,
    };
    char *f[F_COUNT] = { 0 };
    char *scan = NULL, *out = NULL;
    int from, direct;

    for (int i = 0; i < F_COUNT; i++)
        if ((f[i] = pod_sanitize(raw[i], POD_MAX_DISPLAY)) == NULL)
            goto done;
    from = f[F_RHOST][0] != '\0';
    direct = f[F_URI_COMPLETE][0] != '\0' && strcmp(f[F_URI_COMPLETE], f[F_URI]) != 0;
    /* The QR code carries the raw URI: pod_qr_text takes only printable
     * ASCII, which sanitizing would leave unchanged. */
    scan = pod_qr_text(info->verification_uri_complete, qr);
    if (scan == NULL)
        scan = pod_qr_text(info->verification_uri, qr);
    out = format("Sign in to %s for %s as %s%s%s\n"
                 "Approve only if you started this login yourself.\n"
                 "Never approve a code that someone else sent you.\n"
                 "\n"
                 "Open: %s\n"
                 "Enter code: %s\n"
                 "%s%s%s"
                 "%s%s",
                 f[F_HOST], f[F_SERVICE], f[F_USER], from ? " from " : "", f[F_RHOST],
                 f[F_URI], f[F_CODE],
                 direct ? "Or open directly: " : "", direct ? f[F_URI_COMPLETE] : "",
                 direct ? "\n" : "",
                 scan != NULL ? "\nOr scan:\n" : "", scan != NULL ? scan : "");
done:
    free(scan);
    for (int i = 0; i < F_COUNT; i++)
        free(f[i]);
    return out;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The text the person reads, the verification URL and the QR code. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>

#include "i18n.h"
#include "prompt.h"

#define QR_MAX_URI 512
/* The 4-module quiet zone of ISO/IEC 18004: with less, readers that keep
 * to the standard (zbar among them) miss the code on a busy screen. */
#define QR_MARGIN 4
/* Black on white (SGR 30;47: every colour terminal, the Linux console
 * too), reset before each newline so no colour runs to the line's end. */
#define QR_INK_ON "\033[30;47m"
#define QR_INK_OFF "\033[0m"

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
 * inked: the dark modules when the colours are ours (black on white), the
 * light ones and the quiet zone otherwise.  The half row below the square
 * in UTF-8 mode is never inked: it shows the terminal background. */
static int is_ink(const QRcode *qr, int x, int y, int colors)
{
    int w = qr->width, light;

    if (y >= w + 2 * QR_MARGIN)
        return 0;
    x -= QR_MARGIN;
    y -= QR_MARGIN;
    light = x < 0 || y < 0 || x >= w || y >= w || !(qr->data[y * w + x] & 1);
    return colors ? !light : light;
}

/* A block always takes the text colour, so without colours no drawing is
 * right on both backgrounds: the light modules and the quiet zone are then
 * drawn as blocks, a normal code on the usual dark terminal and an
 * inverted one (quiet zone included) on a light terminal, which the
 * phones' readers that scan inverted codes accept.  With colours, the dark
 * modules are drawn black on white: a normal code on any background.
 * UTF-8 draws two module rows per line with half blocks, ASCII one module
 * per character (tall modules: readers correct the aspect as they do a
 * tilted phone), so both fit 80 columns up to a 72-module code. */
char *pod_qr_text(const char *uri, enum pod_qr_mode mode, int colors)
{
    /* Indexed by top * 2 + bottom inked module. */
    static const char *const half[4] = {
        " ", "\xE2\x96\x84" /* U+2584 lower */,
        "\xE2\x96\x80" /* U+2580 upper */, "\xE2\x96\x88" /* U+2588 full */
    };
    int step = mode == POD_QR_UTF8 ? 2 : 1;
    size_t on = colors ? strlen(QR_INK_ON) : 0, off = colors ? strlen(QR_INK_OFF) : 0;
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
    /* At most 3 bytes per module, the colour pair and '\n' per line. */
    out = malloc((size_t)n * (3 * (size_t)n + on + off + 1) + 1);
    if (out == NULL) {
        QRcode_free(qr);
        return NULL;
    }
    o = out;
    for (int y = 0; y < n; y += step) {
        memcpy(o, QR_INK_ON, on);
        o += on;
        for (int x = 0; x < n; x++) {
            const char *s = mode == POD_QR_UTF8
                ? half[is_ink(qr, x, y, colors) * 2 + is_ink(qr, x, y + 1, colors)]
                : is_ink(qr, x, y, colors) ? "#" : " ";
            size_t len = strlen(s);

            memcpy(o, s, len);
            o += len;
        }
        memcpy(o, QR_INK_OFF, off);
        o += off;
        *o++ = '\n';
    }
    *o = '\0';
    QRcode_free(qr);
    return out;
}

int pod_qr_colors(enum pod_qr_color color, const char *tty)
{
    static const char *const terminal[] = { "/dev/", "tty", "pts/", "console" };

    if (color != POD_QR_COLOR_AUTO)
        return color == POD_QR_COLOR_YES;
    /* sudo, su and login(1) name the terminal they write to.  sshd sets
     * "ssh", and OpenSSH's client (8.5 on) shows a keyboard-interactive
     * prompt through its vis(3) filter: an escape would appear as the
     * text "\033[30;47m".  With no terminal named, nobody says escapes
     * are shown. */
    for (size_t i = 0; tty != NULL && i < sizeof(terminal) / sizeof(terminal[0]); i++)
        if (strncmp(tty, terminal[i], strlen(terminal[i])) == 0)
            return 1;
    return 0;
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

enum { F_HOST, F_SERVICE, F_USER, F_RHOST, F_URI, F_CODE, F_COUNT };
/* The translated lines, each formatted on its own. */
enum { L_HEAD, L_OPEN, L_CODE, L_COUNT };

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
        [F_CODE] = info->user_code,
    };
    char *f[F_COUNT] = { 0 }, *line[L_COUNT] = { 0 };
    char *scan = NULL, *out = NULL;

    for (int i = 0; i < F_COUNT; i++)
        if ((f[i] = pod_sanitize(raw[i], POD_MAX_DISPLAY)) == NULL)
            goto done;
    /* Whole sentences, so that translators may reorder them. */
    line[L_HEAD] = f[F_RHOST][0] != '\0'
        /* TRANSLATORS: host name, PAM service, local user, remote host. */
        ? format(_("Sign in to %s for %s as %s from %s"), f[F_HOST], f[F_SERVICE], f[F_USER],
                 f[F_RHOST])
        /* TRANSLATORS: host name, PAM service, local user. */
        : format(_("Sign in to %s for %s as %s"), f[F_HOST], f[F_SERVICE], f[F_USER]);
    line[L_OPEN] = format(_("Open: %s"), f[F_URI]);
    line[L_CODE] = format(_("Enter code: %s"), f[F_CODE]);
    for (int i = 0; i < L_COUNT; i++)
        if (line[i] == NULL)
            goto done;
    /* The URL once: the text gives the plain URI and the code, the QR code
     * the complete URI (raw: pod_qr_text takes only printable ASCII, which
     * sanitizing would leave unchanged). */
    scan = pod_qr_text(info->verification_uri_complete, qr, info->qr_colors);
    if (scan == NULL)
        scan = pod_qr_text(info->verification_uri, qr, info->qr_colors);
    out = format("%s\n%s\n%s\n\n%s\n%s\n%s%s%s%s", line[L_HEAD],
                 _("Approve only if you started this login yourself."),
                 _("Never approve a code that someone else sent you."), line[L_OPEN],
                 line[L_CODE], scan != NULL ? "\n" : "", scan != NULL ? _("Or scan:") : "",
                 scan != NULL ? "\n" : "", scan != NULL ? scan : "");
done:
    free(scan);
    for (int i = 0; i < L_COUNT; i++)
        free(line[i]);
    for (int i = 0; i < F_COUNT; i++)
        free(f[i]);
    return out;
}

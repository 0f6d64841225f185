/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The user_map file: a pure parser and glob matcher, and the names it compares. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "user_map.h"

static bool portable(unsigned char c)
{
    /* Ranges, not isalnum(): the same set in every locale. */
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

int pod_valid_username(const char *s)
{
    size_t n = 0;

    /* "." and "..", and names of digits only (read as a uid by chown and
     * friends), are not user names. */
    if (s == NULL || s[0] == '\0' || s[0] == '-' || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || s[strspn(s, "0123456789")] == '\0')
        return 0;
    for (; s[n] != '\0'; n++) {
        if (n + 1 >= POD_MAX_USERNAME)
            return 0;
        if (!portable((unsigned char)s[n]))
            return 0;
    }
    return 1;
}

int pod_valid_identity(const char *s)
{
    size_t n = 0, at = 0;

    if (s == NULL || s[0] == '\0' || s[0] == '-')
        return 0;
    for (; s[n] != '\0'; n++) {
        if (n + 1 >= POD_MAX_USERNAME)
            return 0;
        if (s[n] == '@')
            at++;
        else if (!portable((unsigned char)s[n]))
            return 0;
    }
    return at <= 1;
}

void pod_user_map_free(struct pod_user_map *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->n; i++) {
        free(map->lines[i].pattern);
        free(map->lines[i].user);
    }
    free(map->lines);
    free(map->issuer);
    free(map);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Why a pattern can never be used, or NULL. */
static const char *bad_pattern(const char *pat, size_t n, const char *issuer)
{
    const char *bar = memchr(pat, '|', n);
    size_t at = 0;

    if (n >= POD_MAX_MAP_PATTERN)
        return "IDENTITY is too long";
    if (bar != NULL) {
        /* ISSUER|SUB: the issuer literally, and a subject with at least one
         * literal character: '*' and the separators alone (*, *@*, *|*, ...)
         * pin nothing. */
        size_t ilen = (size_t)(bar - pat), slen = n - ilen - 1;
        if (memchr(pat, '*', ilen) != NULL)
            return "the ISSUER of ISSUER|SUB cannot have '*'";
        if (issuer != NULL && (strlen(issuer) != ilen || memcmp(issuer, pat, ilen) != 0))
            return "ISSUER|SUB names another issuer than the configured one";
        if (slen == 0)
            return "ISSUER|SUB has no SUB";
        if (strspn(bar + 1, "*@|") < slen)
            return NULL;
        return "ISSUER|SUB matches every subject; name the subject";
    }
    for (size_t i = 0; i < n; i++) {
        if (pat[i] == '@')
            at++;
        else if (pat[i] != '*' && !portable((unsigned char)pat[i]))
            return "IDENTITY has a character no identity can have";
    }
    if (at > 1)
        return "IDENTITY has more than one '@'";
    if (pat[0] == '-')
        return "IDENTITY starts with '-'";
    if (strspn(pat, "*@") >= n)
        return "IDENTITY matches everyone; name the people (or their domain: *@example.com)";
    return NULL;
}

/* One line, NUL-terminated, cut in place.  0, or -1 with *why. */
static int parse_map_line(char *s, const char *issuer, struct pod_user_map *map,
                          unsigned lineno, const char **why)
{
    char *pat, *user, *end;
    struct pod_map_line *l;

    while (is_blank(*s))
        s++;
    if (*s == '\0' || *s == '#')
        return 0;
    pat = s;
    while (*s != '\0' && !is_blank(*s))
        s++;
    end = s;
    while (is_blank(*s))
        s++;
    user = s;
    while (*s != '\0' && !is_blank(*s))
        s++;
    if (*s != '\0') {
        *s++ = '\0';
        while (is_blank(*s))
            s++;
    }
    *end = '\0';
    if (*user == '\0' || *s != '\0') {
        *why = "expected \"IDENTITY LOCALUSER\"";
        return -1;
    }
    for (const char *c = pat; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
            *why = "IDENTITY has a control or non-ASCII character";
            return -1;
        }
    if ((*why = bad_pattern(pat, strlen(pat), issuer)) != NULL)
        return -1;
    if (!pod_valid_username(user)) {
        *why = "LOCALUSER is not a valid user name";
        return -1;
    }
    if (strcmp(user, "root") == 0 && strchr(pat, '*') != NULL) {
        *why = "a pattern with '*' may not map to root; name the identity";
        return -1;
    }
    l = realloc(map->lines, (map->n + 1) * sizeof(*l));
    if (l == NULL) {
        *why = "out of memory";
        return -1;
    }
    map->lines = l;
    l = &map->lines[map->n];
    l->pattern = strdup(pat);
    l->user = strdup(user);
    l->line = lineno;
    if (l->pattern == NULL || l->user == NULL) {
        free(l->pattern);
        free(l->user);
        *why = "out of memory";
        return -1;
    }
    map->n++;
    return 0;
}

int pod_map_lines(const char *text, size_t len, pod_map_line_fn fn, void *ctx,
                  unsigned *line, const char **why)
{
    const char *p = text, *end = text + len;
    unsigned lineno = 0;

    *line = 0;
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        *why = "it contains a NUL byte";
        return -1;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));

        if (eol == NULL)
            eol = end;
        *line = ++lineno;
        if (fn(ctx, p, (size_t)(eol - p), lineno, why) != 0)
            return -1;
        p = eol + 1;
    }
    *line = 0;
    return 0;
}

struct user_map_ctx {
    struct pod_user_map *map;
    const char *issuer;
};

/* A user_map line, copied to be cut in place. */
static int user_map_line(void *vctx, const char *s, size_t n, unsigned lineno,
                         const char **why)
{
    const struct user_map_ctx *c = vctx;
    char buf[POD_MAX_MAP_PATTERN + POD_MAX_USERNAME + 64];

    if (n >= sizeof(buf)) {
        *why = "line too long";
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return parse_map_line(buf, c->issuer, c->map, lineno, why);
}

int pod_user_map_parse(const char *text, size_t len, const char *issuer,
                       struct pod_user_map **out, unsigned *line, const char **why)
{
    struct user_map_ctx c = { .map = calloc(1, sizeof(*c.map)), .issuer = issuer };

    *out = NULL;
    *line = 0;
    if (c.map == NULL) {
        *why = "out of memory";
        return -1;
    }
    if (pod_map_lines(text, len, user_map_line, &c, line, why) != 0)
        goto fail;
    if (issuer != NULL && (c.map->issuer = strdup(issuer)) == NULL) {
        *why = "out of memory";
        goto fail;
    }
    *out = c.map;
    return 0;
fail:
    pod_user_map_free(c.map);
    return -1;
}

/* '*' against a piece of s without separators: the classic greedy match
 * with one backtrack point, O(n*m) at worst. */
static bool glob_piece(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pn && p[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

int pod_map_glob(const char *pattern, const char *s)
{
    for (;;) {
        size_t pn = strcspn(pattern, "@|"), sn = strcspn(s, "@|");

        if (!glob_piece(pattern, pn, s, sn))
            return 0;
        /* The same separator, or both at their ends. */
        if (pattern[pn] != s[sn])
            return 0;
        if (pattern[pn] == '\0')
            return 1;
        pattern += pn + 1;
        s += sn + 1;
    }
}

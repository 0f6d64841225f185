/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The config text parser (config_parse.h). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config_parse.h"
#include "log.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* line is NUL-terminated and may be cut in place. */
static int parse_line(struct pam_handle *pamh, const char *where, char *line,
                      pod_config_pair pair, void *ctx)
{
    char *key = line, *eq, *value, *end;

    while (is_blank(*key))
        key++;
    if (*key == '\0' || *key == '#')
        return 0;
    eq = strchr(key, '=');
    if (eq == NULL) {
        pod_log(pamh, LOG_ERR, "%s: expected \"key = value\"", where);
        return -1;
    }
    for (end = eq; end > key && is_blank(end[-1]); end--)
        ;
    value = eq + 1;
    while (is_blank(*value))
        value++;
    *end = '\0';
    for (end = value + strlen(value); end > value && is_blank(end[-1]); end--)
        ;
    *end = '\0';
    if (*key == '\0') {
        pod_log(pamh, LOG_ERR, "%s: no option name before '='", where);
        return -1;
    }
    return pair(ctx, where, key, value);
}

int pod_config_parse(struct pam_handle *pamh, const char *text, size_t len, const char *name,
                     pod_config_pair pair, void *ctx)
{
    char where[1024];
    /* One line at a time, cut in place; wiped: it may hold the secret. */
    char line[POD_MAX_LINE + 1];
    const char *p = text, *end = text + len;
    unsigned lineno = 0;
    int rc = 0;

    if (name == NULL)
        name = "config";
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        pod_log(pamh, LOG_ERR, "%s: refused: it contains a NUL byte", name);
        return -1;
    }
    while (p < end && rc == 0) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n;

        if (eol == NULL)
            eol = end; /* the last line has no newline */
        n = (size_t)(eol - p);
        snprintf(where, sizeof(where), "%s:%u", name, ++lineno);
        if (n > POD_MAX_LINE) {
            pod_log(pamh, LOG_ERR, "%s: line longer than %d bytes", where, POD_MAX_LINE);
            rc = -1;
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        rc = parse_line(pamh, where, line, pair, ctx);
        if (eol == end)
            break;
        p = eol + 1;
    }
    explicit_bzero(line, sizeof(line));
    return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The typed value engine of the option table (optval.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ascii.h"
#include "buf.h"
#include "log.h"
#include "optval.h"

bool pod_optval_is_string(const struct pod_optval *opt)
{
    return opt->type == POD_OPT_STRING || opt->type == POD_OPT_SECRET ||
           opt->type == POD_OPT_PATH || opt->type == POD_OPT_URL;
}

bool pod_optval_has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static void join_words(char *buf, size_t size, const char *const *words)
{
    size_t n = 0;

    buf[0] = '\0';
    for (; *words != NULL && n < size; words++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n > 0 ? "|" : "", *words);
}

/* value is NULL when it must not be repeated (secret, URL, control chars). */
static int bad_value(struct pam_handle *pamh, const char *where, const struct pod_optval *opt,
                     const char *value, const char *why)
{
    if (value != NULL)
        pod_log(pamh, LOG_ERR, "%s: %s: bad value \"%s\": %s", where, opt->name, value, why);
    else
        pod_log(pamh, LOG_ERR, "%s: %s: bad value: %s", where, opt->name, why);
    return -1;
}

static int word_index(const char *const *words, const char *value)
{
    for (int i = 0; words[i] != NULL; i++)
        if (pod_ascii_streq_nocase(words[i], value))
            return i;
    return -1;
}

/* Digits only: no sign, blank or suffix that strtol would let through. */
static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A base URL: known scheme, a host, no blanks, query or fragment (an
 * OpenID issuer must have neither). */
static bool url_ok(const char *s, const char *const *schemes)
{
    for (; *schemes != NULL; schemes++) {
        size_t n = strlen(*schemes);
        if (strncmp(s, *schemes, n) == 0)
            return s[n] != '\0' && s[n] != '/' && strpbrk(s + n, " ?#") == NULL;
    }
    return false;
}

static int check_string(struct pam_handle *pamh, const char *where,
                        const struct pod_optval *opt, const char *value)
{
    char why[192];
    struct stat st;
    const char *bad;

    if (opt->check != NULL && (bad = opt->check(value)) != NULL)
        return bad_value(pamh, where, opt, value, bad);
    switch (opt->type) {
    case POD_OPT_URL:
        if (!url_ok(value, opt->words)) {
            char schemes[64];
            join_words(schemes, sizeof(schemes), opt->words);
            snprintf(why, sizeof(why),
                     "expected a URL starting with %s, with a host and no blank, query "
                     "or fragment", schemes);
            return bad_value(pamh, where, opt, NULL, why);
        }
        break;
    case POD_OPT_PATH:
        if (value[0] != '/')
            return bad_value(pamh, where, opt, value, "expected an absolute path");
        if (stat(value, &st) != 0) {
            pod_log(pamh, LOG_ERR, "%s: %s: %s: %m", where, opt->name, value);
            return -1;
        }
        if (!S_ISREG(st.st_mode))
            return bad_value(pamh, where, opt, value, "not a regular file");
        break;
    default:
        break;
    }
    return 0;
}

static void release(const struct pod_optval *opt, char *s)
{
    if (opt->type == POD_OPT_SECRET)
        pod_free_secret(s);
    else
        free(s);
}

static int set_string(struct pam_handle *pamh, const char *where, const struct pod_optval *opt,
                      char **field, const char *value)
{
    char *copy = NULL;
    int rc;

    if (*value == '\0') {
        if (!(opt->flags & POD_OPT_EMPTY_UNSETS))
            return bad_value(pamh, where, opt, NULL, "empty");
    } else {
        rc = check_string(pamh, where, opt, value);
        if (rc != 0)
            return rc;
        copy = strdup(value);
        if (copy == NULL) {
            pod_log(pamh, LOG_ERR, "out of memory");
            return -2;
        }
    }
    release(opt, *field);
    *field = copy;
    return 0;
}

int pod_optval_set(struct pam_handle *pamh, void *base, const char *where,
                   const struct pod_optval *opt, const char *value)
{
    void *field = (char *)base + opt->offset;
    char why[128];
    long num;
    int idx;

    if (pod_optval_has_control(value))
        return bad_value(pamh, where, opt, NULL, "it contains a control character");
    switch (opt->type) {
    case POD_OPT_BOOL:
    case POD_OPT_ENUM:
        idx = word_index(opt->words, value);
        if (idx < 0) {
            char words[64];
            join_words(words, sizeof(words), opt->words);
            snprintf(why, sizeof(why), "expected %s", words);
            return bad_value(pamh, where, opt, value, why);
        }
        if (opt->type == POD_OPT_BOOL)
            *(bool *)field = idx % 2 == 1;
        else
            *(int *)field = idx;
        return 0;
    case POD_OPT_LONG:
        if (!parse_long(value, opt->min, opt->max, &num)) {
            snprintf(why, sizeof(why), "expected a whole number from %ld to %ld",
                     opt->min, opt->max);
            return bad_value(pamh, where, opt, value, why);
        }
        *(long *)field = num;
        return 0;
    default:
        return set_string(pamh, where, opt, field, value);
    }
}

void pod_optval_free(void *base, const struct pod_optval *opt)
{
    char **field = (char **)((char *)base + opt->offset);

    if (!pod_optval_is_string(opt))
        return;
    release(opt, *field);
    *field = NULL;
}

void pod_optval_format(const void *base, const struct pod_optval *opt, char *buf, size_t len)
{
    const void *field = (const char *)base + opt->offset;
    const char *text;

    switch (opt->type) {
    case POD_OPT_SECRET:
        text = *(char *const *)field != NULL ? "(set)" : "(unset)";
        break;
    case POD_OPT_BOOL:
        text = *(const bool *)field ? "yes" : "no";
        break;
    case POD_OPT_ENUM:
        text = opt->words[*(const int *)field];
        break;
    case POD_OPT_LONG:
        snprintf(buf, len, "%ld", *(const long *)field);
        return;
    default:
        text = *(char *const *)field != NULL ? *(char *const *)field : "(unset)";
        break;
    }
    snprintf(buf, len, "%s", text);
}

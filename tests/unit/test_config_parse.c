/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* config_parse.c: lines, comments, blanks and pairs from a buffer. */
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

#include "config_parse.h"
#include "log.h"
#include "unit_helpers.h"

static char logged[1024];

static void sink(int prio, const char *msg)
{
    (void)prio;
    snprintf(logged, sizeof(logged), "%s", msg);
}

/* The pairs seen, as "where key=value;" ...; a key "stop" stops with 42. */
struct seen {
    char text[1024];
};

static int pair(void *ctx, const char *where, const char *key, const char *value)
{
    struct seen *s = ctx;
    size_t n = strlen(s->text);

    snprintf(s->text + n, sizeof(s->text) - n, "%s %s=%s;", where, key, value);
    return strcmp(key, "stop") == 0 ? 42 : 0;
}

static void test_parse_table(void **state)
{
    static const struct {
        const char *name, *text;
        int rc;
        const char *out; /* the pairs, or the log text on failure */
    } rows[] = {
        { "empty", "", 0, "" },
        { "one pair", "a = b\n", 0, "f:1 a=b;" },
        { "no final newline", "a=b", 0, "f:1 a=b;" },
        { "blanks trimmed", " \t a \t=\t b c \r\n", 0, "f:1 a=b c;" },
        { "comments and blank lines", "# x = y\n\n  # z\n\t\nk = v\n", 0, "f:5 k=v;" },
        { "empty value", "k =\n", 0, "f:1 k=;" },
        { "value keeps '='", "k = a=b\n", 0, "f:1 k=a=b;" },
        { "'#' inside a value", "k = a # b\n", 0, "f:1 k=a # b;" },
        { "two pairs", "a=1\nb=2\n", 0, "f:1 a=1;f:2 b=2;" },
        { "no '='", "a=1\njust words\n", -1, "f:2: expected \"key = value\"" },
        { "no key", " = v\n", -1, "f:1: no option name before '='" },
        { "NUL byte", "a=1\n\0b=2", -1, "f: refused: it contains a NUL byte" },
        { "callback stops", "stop=1\nb=2\n", 42, "f:1 stop=1;" },
    };
    struct ut_table t = { "pod_config_parse", UT_ROWS(rows), 0 };

    (void)state;
    pod_log_set_sink(sink);
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct seen s = { "" };
        size_t len = strlen(rows[i].text);
        int rc;

        if (strcmp(rows[i].name, "NUL byte") == 0)
            len = 9;
        logged[0] = '\0';
        rc = pod_config_parse(NULL, rows[i].text, len, "f", pair, &s);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d", rc, rows[i].rc);
        ut_check_str(&t, rows[i].name, "output", rows[i].rc == -1 ? logged : s.text,
                     rows[i].out);
    }
    pod_log_set_sink(NULL);
    ut_done(&t);
}

static void test_line_length(void **state)
{
    char *text = ut_repeat('x', POD_MAX_LINE + 2);
    struct seen s = { "" };

    (void)state;
    pod_log_set_sink(sink);
    memcpy(text, "k=", 2);
    assert_int_equal(pod_config_parse(NULL, text, POD_MAX_LINE, NULL, pair, &s), 0);
    assert_int_equal(strncmp(s.text, "config:1 k=xx", 13), 0);
    assert_int_equal(pod_config_parse(NULL, text, POD_MAX_LINE + 1, NULL, pair, &s), -1);
    assert_non_null(strstr(logged, "config:1: line longer than 4096 bytes"));
    pod_log_set_sink(NULL);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_line_length),
    };

    return cmocka_run_group_tests_name("config_parse", tests, NULL, NULL);
}

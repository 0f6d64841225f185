/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* optval.c: the typed value engine on a struct of its own, through text. */
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

#include "log.h"
#include "optval.h"
#include "unit_helpers.h"

struct sample {
    char *text, *secret, *path, *url;
    bool flag;
    long num;
    int color;
};

static const char *const bools[] = { "no", "yes", "false", "true", NULL };
static const char *const colors[] = { "red", "green", "blue", NULL };
static const char *const https[] = { "https://", NULL };

static const char *no_comma(const char *v)
{
    return strchr(v, ',') != NULL ? "no comma please" : NULL;
}

enum { TEXT, UNSETS, SECRET, PATH, URL, FLAG, NUM, COLOR };
static const struct pod_optval opts[] = {
    [TEXT] = { .name = "text", .type = POD_OPT_STRING, .offset = offsetof(struct sample, text),
               .check = no_comma },
    [UNSETS] = { .name = "unsets", .type = POD_OPT_STRING,
                 .offset = offsetof(struct sample, text), .flags = POD_OPT_EMPTY_UNSETS },
    [SECRET] = { .name = "secret", .type = POD_OPT_SECRET,
                 .offset = offsetof(struct sample, secret) },
    [PATH] = { .name = "path", .type = POD_OPT_PATH, .offset = offsetof(struct sample, path) },
    [URL] = { .name = "url", .type = POD_OPT_URL, .offset = offsetof(struct sample, url),
              .words = https },
    [FLAG] = { .name = "flag", .type = POD_OPT_BOOL, .offset = offsetof(struct sample, flag),
               .words = bools },
    [NUM] = { .name = "num", .type = POD_OPT_LONG, .offset = offsetof(struct sample, num),
              .min = 10, .max = 3600 },
    [COLOR] = { .name = "color", .type = POD_OPT_ENUM, .offset = offsetof(struct sample, color),
                .words = colors },
};

static char logged[1024];

static void sink(int prio, const char *msg)
{
    (void)prio;
    snprintf(logged, sizeof(logged), "%s", msg);
}

static void test_values_table(void **state)
{
    static const struct {
        int opt;
        const char *value;
        int rc;
        const char *shown; /* pod_optval_format after it, or the log text on failure */
    } rows[] = {
        { TEXT, "hello world", 0, "hello world" },
        { TEXT, "", -1, "W: text: bad value: empty" },
        { TEXT, "a,b", -1, "W: text: bad value \"a,b\": no comma please" },
        { TEXT, "tab\there", -1, "W: text: bad value: it contains a control character" },
        { TEXT, "del\x7f", -1, "it contains a control character" },
        { UNSETS, "", 0, "(unset)" },
        { SECRET, "s3cret", 0, "(set)" },
        { SECRET, "", -1, "W: secret: bad value: empty" },
        { PATH, "/etc/passwd", 0, "/etc/passwd" },
        { PATH, "etc/passwd", -1, "bad value \"etc/passwd\": expected an absolute path" },
        { PATH, "/", -1, "bad value \"/\": not a regular file" },
        { PATH, "/nonexistent/x", -1, "W: path: /nonexistent/x: No such file" },
        { URL, "https://idp.example/realm", 0, "https://idp.example/realm" },
        { URL, "http://idp.example", -1, "expected a URL starting with https://" },
        { URL, "https://", -1, "with a host" },
        { URL, "https:///path", -1, "with a host" },
        { URL, "https://idp.example/?q", -1, "no blank, query or fragment" },
        { URL, "https://idp.example/#f", -1, "no blank, query or fragment" },
        { URL, "https://idp.example/a b", -1, "no blank, query or fragment" },
        { FLAG, "yes", 0, "yes" },
        { FLAG, "TRUE", 0, "yes" },
        { FLAG, "false", 0, "no" },
        { FLAG, "on", -1, "bad value \"on\": expected no|yes|false|true" },
        { NUM, "10", 0, "10" },
        { NUM, "3600", 0, "3600" },
        { NUM, "9", -1, "expected a whole number from 10 to 3600" },
        { NUM, "3601", -1, "expected a whole number from 10 to 3600" },
        { NUM, "+20", -1, "bad value \"+20\"" },
        { NUM, " 20", -1, "bad value \" 20\"" },
        { NUM, "20s", -1, "bad value \"20s\"" },
        { NUM, "99999999999999999999999", -1, "expected a whole number" },
        { COLOR, "Blue", 0, "blue" },
        { COLOR, "pink", -1, "bad value \"pink\": expected red|green|blue" },
    };
    struct ut_table t = { "pod_optval_set", UT_ROWS(rows), 0 };

    (void)state;
    pod_log_set_sink(sink);
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct sample s = { 0 };
        char formatted[256];
        const char *shown = logged;
        int rc;

        logged[0] = '\0';
        rc = pod_optval_set(NULL, &s, "W", &opts[rows[i].opt], rows[i].value);
        if (rc == 0) {
            pod_optval_format(&s, &opts[rows[i].opt], formatted, sizeof(formatted));
            shown = formatted;
        }
        ut_check(&t, rc == rows[i].rc && strstr(shown, rows[i].shown) != NULL, rows[i].value,
                 "rc %d (expected %d), \"%s\" lacks \"%s\"", rc, rows[i].rc, shown,
                 rows[i].shown);
        /* A refused value leaves the field as it was: unset here. */
        if (rc != 0)
            ut_check(&t, s.text == NULL && s.path == NULL && s.url == NULL && s.num == 0 &&
                     !s.flag && s.color == 0, rows[i].value, "the field changed");
        for (size_t k = 0; k < UT_ROWS(opts); k++)
            pod_optval_free(&s, &opts[k]);
    }
    pod_log_set_sink(NULL);
    ut_done(&t);
}

/* Neither a secret nor a URL is ever repeated in a message. */
static void test_not_repeated(void **state)
{
    struct sample s = { 0 };

    (void)state;
    pod_log_set_sink(sink);
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[SECRET], "hunter2\x01"), -1);
    assert_null(strstr(logged, "hunter2"));
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[URL], "http://user:pw@host"), -1);
    assert_null(strstr(logged, "pw@host"));
    pod_log_set_sink(NULL);
}

/* A new value replaces the old; an empty one unsets where allowed. */
static void test_replace_and_unset(void **state)
{
    struct sample s = { 0 };

    (void)state;
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[TEXT], "one"), 0);
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[TEXT], "two"), 0);
    assert_string_equal(s.text, "two");
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[UNSETS], ""), 0);
    assert_null(s.text);
    assert_true(pod_optval_is_string(&opts[SECRET]));
    assert_false(pod_optval_is_string(&opts[NUM]));
    assert_int_equal(pod_optval_set(NULL, &s, "W", &opts[SECRET], "x"), 0);
    pod_optval_free(&s, &opts[SECRET]);
    assert_null(s.secret);
    pod_optval_free(&s, &opts[NUM]); /* not a string: nothing to do */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_table),
        cmocka_unit_test(test_not_repeated),
        cmocka_unit_test(test_replace_and_unset),
    };

    return cmocka_run_group_tests_name("optval", tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* user_map.c: pod_valid_username, pod_valid_identity, pod_map_glob and the user_map parser. */
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

#include "unit_helpers.h"
#include "user_map.h"

/* ---- pod_valid_username ---------------------------------------------- */

static void test_valid_username_table(void **state)
{
    static const struct {
        const char *name;
        int ok;
    } rows[] = {
        { "alice", 1 },
        { "root", 1 },
        { "a.b_c-d", 1 },
        { "Alice", 1 },
        { "a", 1 },
        { "_svc", 1 },
        { "a-", 1 },
        { "user1", 1 },
        { "0", 0 },        /* digits only: would read as a uid */
        { "1000", 0 },
        { "1000a", 1 },
        { ".", 0 },
        { "..", 0 },
        { ".a", 1 },
        { "", 0 },
        { "-rf", 0 },
        { "-", 0 },
        { "a b", 0 },
        { " alice", 0 },
        { "alice ", 0 },
        { "a/b", 0 },
        { "../etc", 0 },
        { "a@b", 0 },
        { "alice@example.com", 0 },
        { "a:b", 0 },
        { "a,b", 0 },
        { "a+b", 0 },
        { "a$", 0 },
        { "a*", 0 },
        { "a\\b", 0 },
        { "DOMAIN\\alice", 0 },
        { "a\tb", 0 },
        { "alice\n", 0 },
        { "a\x1b[0m", 0 },
        { "a\x7f", 0 },
        { "\xd0\xb0lice", 0 },      /* Cyrillic a */
        { "alic\xc3\xa9", 0 },      /* e acute */
        { "\xef\xbd\x81lice", 0 },  /* fullwidth a */
        { "a\xc2\xa0", 0 },         /* no-break space */
    };
    struct ut_table t = { "pod_valid_username", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        int got = pod_valid_username(rows[i].name);

        ut_check(&t, got == rows[i].ok, rows[i].name, "got %d, expected %d", got, rows[i].ok);
    }
    ut_done(&t);
}

static void test_valid_username_null(void **state)
{
    (void)state;
    assert_int_equal(pod_valid_username(NULL), 0);
}

/* 1..POD_MAX_USERNAME-1 characters. */
static void test_valid_username_length(void **state)
{
    static const struct {
        const char *name;
        size_t len;
        int ok;
    } rows[] = {
        { "POD_MAX_USERNAME-2", POD_MAX_USERNAME - 2, 1 },
        { "POD_MAX_USERNAME-1", POD_MAX_USERNAME - 1, 1 },
        { "POD_MAX_USERNAME", POD_MAX_USERNAME, 0 },
        { "POD_MAX_USERNAME+1", POD_MAX_USERNAME + 1, 0 },
        { "300", 300, 0 },
        { "64 KiB", 65536, 0 },
    };
    struct ut_table t = { "username length", UT_ROWS(rows), 0 };

    (void)state;
    assert_int_equal(POD_MAX_USERNAME, 256); /* the rows say 255 ok, 256 not */
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *s = ut_repeat('u', rows[i].len);
        int got = pod_valid_username(s);

        ut_check(&t, got == rows[i].ok, rows[i].name, "got %d, expected %d", got, rows[i].ok);
        free(s);
    }
    ut_done(&t);
}


/* ---- pod_valid_identity ---------------------------------------------- */

static void test_valid_identity_table(void **state)
{
    static const struct {
        const char *name;
        int ok;
    } rows[] = {
        { "alice", 1 },
        { "alice@example.com", 1 },
        { "12345", 1 },            /* GitHub's numeric id, through user_map */
        { "@example.com", 1 },     /* the rules refuse it later */
        { "alice@", 1 },
        { "a@b@c", 0 },
        { "alice@evil.example@example.com", 0 },
        { "", 0 },
        { "-alice", 0 },
        { "alice smith", 0 },
        { "alice|x", 0 },
        { "alice*", 0 },
        { "alice\n", 0 },
        { "\xd0\xb0lice@example.com", 0 },
        { "alice@\xd0\xb5xample.com", 0 },
        { "alice@exa mple.com", 0 },
    };
    struct ut_table t = { "pod_valid_identity", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        int got = pod_valid_identity(rows[i].name);

        ut_check(&t, got == rows[i].ok, rows[i].name, "got %d, expected %d", got, rows[i].ok);
    }
    ut_done(&t);
    assert_int_equal(pod_valid_identity(NULL), 0);
}

/* ---- pod_map_glob ------------------------------------------------------ */

static void test_map_glob_table(void **state)
{
    static const struct {
        const char *pattern, *s;
        int ok;
    } rows[] = {
        { "alice", "alice", 1 },
        { "alice", "alice2", 0 },
        { "alice", "alic", 0 },
        { "alice", "Alice", 0 },
        { "alice*", "alice", 1 },
        { "alice*", "alice2", 1 },
        { "*ice", "alice", 1 },
        { "a*e", "alice", 1 },
        { "a*c*e", "alice", 1 },
        { "a*x*e", "alice", 0 },
        { "*@example.com", "alice@example.com", 1 },
        { "*@example.com", "alice@example.com.evil", 0 },
        { "*@example.com", "alice@sub.example.com", 0 },
        { "*@*.example.com", "alice@sub.example.com", 1 },
        { "*@example.com", "example.com", 0 },
        /* '*' never crosses '@' or '|' */
        { "alice*", "alice@evil.example", 0 },
        { "*", "alice@example.com", 0 },
        { "*com", "alice@example.com", 0 },
        { "a*", "https://idp|a", 0 },
        { "https://idp|*", "https://idp|abc", 1 },
        { "https://idp|ab*", "https://idp|abc", 1 },
        { "https://idp|ab*", "https://idp|abc|x", 0 },
        { "https://idp|abc", "https://idp|abc", 1 },
        { "https://idp|abc", "https://idp|abcd", 0 },
        { "https://idp|abc", "https://idp2|abc", 0 },
        /* no other glob characters */
        { "al?ce", "alice", 0 },
        { "al[i]ce", "alice", 0 },
        { "al.ce", "alice", 0 },
        { "**", "", 1 },
        { "a**b", "ab", 1 },
    };
    struct ut_table t = { "pod_map_glob", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        int got = pod_map_glob(rows[i].pattern, rows[i].s);
        char *row = ut_format("%s ~ %s", rows[i].pattern, rows[i].s);

        ut_check(&t, got == rows[i].ok, row, "got %d, expected %d", got, rows[i].ok);
        free(row);
    }
    ut_done(&t);
}

/* ---- pod_user_map_parse ------------------------------------------------ */

#define ISSUER "https://idp.example.com"

static void test_user_map_parse_table(void **state)
{
    static const struct {
        const char *name;
        const char *text;
        int rc;           /* 0 or -1 */
        unsigned line;    /* the bad line */
        const char *why;  /* a word of the reason */
        size_t n;         /* lines kept */
    } rows[] = {
        { "empty", "", 0, 0, NULL, 0 },
        { "one line", "alice deploy\n", 0, 0, NULL, 1 },
        { "no final newline", "alice deploy", 0, 0, NULL, 1 },
        { "comments and blanks", "# the deployers\n\n   \n\talice\tdeploy\t\n  # x y\nbob deploy\n",
          0, 0, NULL, 2 },
        { "CRLF", "alice deploy\r\nbob deploy\r\n", 0, 0, NULL, 2 },
        { "pin", ISSUER "|248289761001 alice\n", 0, 0, NULL, 1 },
        { "pin with a glob subject", ISSUER "|2482* alice\n", 0, 0, NULL, 1 },
        { "domain glob", "*@example.com deploy\n", 0, 0, NULL, 1 },
        { "numeric identity", "12345 alice\n", 0, 0, NULL, 1 },
        { "root named literally", "alice root\n", 0, 0, NULL, 1 },
        { "one field", "alice deploy\nbob\n", -1, 2, "IDENTITY LOCALUSER", 0 },
        { "three fields", "alice deploy\n\nbob deploy x\n", -1, 3, "IDENTITY LOCALUSER", 0 },
        { "comment after the fields", "alice deploy # the deployer\n", -1, 1,
          "IDENTITY LOCALUSER", 0 },
        { "bad local user", "alice de/ploy\n", -1, 1, "LOCALUSER", 0 },
        { "digits-only local user", "alice 1000\n", -1, 1, "LOCALUSER", 0 },
        { "local user with a glob", "alice deploy*\n", -1, 1, "LOCALUSER", 0 },
        { "identity with a comma", "alice, deploy\n", -1, 1, "character", 0 },
        { "identity with a question mark", "al?ce deploy\n", -1, 1, "character", 0 },
        { "identity with two @", "a@b@c deploy\n", -1, 1, "'@'", 0 },
        { "identity with non-ASCII", "\xd0\xb0lice deploy\n", -1, 1, "non-ASCII", 0 },
        { "identity with a control character", "a\x1b" "b deploy\n", -1, 1, "control", 0 },
        { "everyone", "* deploy\n", -1, 1, "everyone", 0 },
        { "everyone, twice", "** deploy\n", -1, 1, "everyone", 0 },
        { "every address", "*@* deploy\n", -1, 1, "everyone", 0 },
        { "everyone to root", "alice alice\n* root\n", -1, 2, "everyone", 0 },
        { "a domain to root", "*@example.com root\n", -1, 1, "root", 0 },
        { "a prefix to root", "adm* root\n", -1, 1, "root", 0 },
        { "every subject", ISSUER "|* alice\n", -1, 1, "every subject", 0 },
        { "every subject, twice", ISSUER "|** alice\n", -1, 1, "every subject", 0 },
        { "every subject with an @", ISSUER "|*@* alice\n", -1, 1, "every subject", 0 },
        { "every subject with a |", ISSUER "|*|* alice\n", -1, 1, "every subject", 0 },
        { "every subject, separators only", ISSUER "|*@*|* alice\n", -1, 1, "every subject", 0 },
        { "every subject, bare @", ISSUER "|@ alice\n", -1, 1, "every subject", 0 },
        { "a subject in one domain", ISSUER "|*@example.com alice\n", 0, 0, NULL, 1 },
        { "every subject of every issuer", "*|* alice\n", -1, 1, "ISSUER", 0 },
        { "pin with another issuer", "https://other.example|abc alice\n", -1, 1,
          "another issuer", 0 },
        { "pin without a subject", ISSUER "| alice\n", -1, 1, "no SUB", 0 },
        { "pin to root", ISSUER "|248289761001 root\n", 0, 0, NULL, 1 },
        { "pin with a glob to root", ISSUER "|2482* root\n", -1, 1, "root", 0 },
        { "identity starting with -", "-x deploy\n", -1, 1, "'-'", 0 },
        { "NUL byte", "alice deploy\n\0bob deploy\n", -1, 0, "NUL", 0 },
    };
    struct ut_table t = { "pod_user_map_parse", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        size_t len = strlen(rows[i].text);
        struct pod_user_map *map = NULL;
        unsigned line = 99;
        const char *why = NULL;
        char *text;
        int rc;

        if (strcmp(rows[i].name, "NUL byte") == 0)
            len = 25; /* the NUL and the line after it */
        text = ut_exact(rows[i].text, len);
        rc = pod_user_map_parse(text, len, ISSUER, &map, &line, &why);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d (%s)", rc,
                 rows[i].rc, why ? why : "");
        if (rc == 0 && rows[i].rc == 0) {
            ut_check(&t, map != NULL && map->n == rows[i].n, rows[i].name, "%zu lines, expected %zu",
                     map ? map->n : 0, rows[i].n);
        } else if (rc != 0 && rows[i].rc != 0) {
            ut_check(&t, map == NULL, rows[i].name, "a map on failure");
            ut_check(&t, line == rows[i].line, rows[i].name, "line %u, expected %u", line,
                     rows[i].line);
            ut_check(&t, why != NULL && strstr(why, rows[i].why) != NULL, rows[i].name,
                     "reason \"%s\" lacks \"%s\"", why ? why : "NULL", rows[i].why);
        }
        pod_user_map_free(map);
        free(text);
    }
    ut_done(&t);
}

/* The lines keep their numbers, fields and order. */
static void test_user_map_parse_fields(void **state)
{
    static const char text[] = "# deployers\n\nalice deploy\n  bob\t deploy  \n"
                               ISSUER "|0123abcd alice\n";
    struct pod_user_map *map = NULL;
    unsigned line = 0;
    const char *why = NULL;

    (void)state;
    assert_int_equal(pod_user_map_parse(text, sizeof(text) - 1, NULL, &map, &line, &why), 0);
    assert_non_null(map);
    assert_int_equal(map->n, 3);
    assert_string_equal(map->lines[0].pattern, "alice");
    assert_string_equal(map->lines[0].user, "deploy");
    assert_int_equal(map->lines[0].line, 3);
    assert_string_equal(map->lines[1].pattern, "bob");
    assert_int_equal(map->lines[1].line, 4);
    assert_string_equal(map->lines[2].pattern, ISSUER "|0123abcd");
    assert_string_equal(map->lines[2].user, "alice");
    assert_int_equal(map->lines[2].line, 5);
    pod_user_map_free(map);
    pod_user_map_free(NULL);
}

/* The map keeps the issuer its pins were checked against, for matching. */
static void test_user_map_issuer(void **state)
{
    static const char text[] = ISSUER "|abc alice\n";
    struct pod_user_map *map = NULL;
    unsigned line = 0;
    const char *why = NULL;

    (void)state;
    assert_int_equal(pod_user_map_parse(text, strlen(text), ISSUER, &map, &line, &why), 0);
    assert_string_equal(map->issuer, ISSUER);
    pod_user_map_free(map);
    assert_int_equal(pod_user_map_parse(text, strlen(text), NULL, &map, &line, &why), 0);
    assert_null(map->issuer);
    pod_user_map_free(map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_username_table),
        cmocka_unit_test(test_valid_username_null),
        cmocka_unit_test(test_valid_username_length),
        cmocka_unit_test(test_valid_identity_table),
        cmocka_unit_test(test_map_glob_table),
        cmocka_unit_test(test_user_map_parse_table),
        cmocka_unit_test(test_user_map_parse_fields),
        cmocka_unit_test(test_user_map_issuer),
    };

    return cmocka_run_group_tests_name("user_map", tests, NULL, NULL);
}

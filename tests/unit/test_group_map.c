/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* group_map.c: the group_map parser, every bad line, and the groups claim match. */
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
#include "group_map.h"

#define LONG_IDP \
    "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg" \
    "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
#define LONG_IDP_1100 LONG_IDP LONG_IDP LONG_IDP LONG_IDP LONG_IDP LONG_IDP LONG_IDP

static void test_group_map_parse_table(void **state)
{
    static const struct {
        const char *name;
        const char *text;
        unsigned bad;    /* 0: accepted; else the refused line */
        const char *why; /* a word of the reason, when refused */
        size_t n;        /* lines kept, when accepted */
        const char *idp; /* the first line's fields, when accepted */
        const char *group;
    } rows[] = {
        { "empty", "", 0, NULL, 0, NULL, NULL },
        { "comments and blanks only", "# x\n\n  \t\n   # y z\n", 0, NULL, 0, NULL, NULL },
        { "a plain name", "admins idp-admins\n", 0, NULL, 1, "admins", "idp-admins" },
        { "no final newline", "admins idp-admins", 0, NULL, 1, "admins", "idp-admins" },
        { "CRLF", "admins idp-admins\r\nops idp-ops\r\n", 0, NULL, 2, "admins", "idp-admins" },
        { "blanks around", "  \tadmins \t idp-admins \t\n", 0, NULL, 1, "admins", "idp-admins" },
        { "Keycloak path", "/admins idp-admins\n", 0, NULL, 1, "/admins", "idp-admins" },
        { "Keycloak subgroup", "/eng/ops/on-call oncall\n", 0, NULL, 1, "/eng/ops/on-call",
          "oncall" },
        { "Entra object ID", "4f1d7c2a-93be-4c6e-9b0a-2d9f0c1e5a77 idp-admins\n", 0, NULL, 1,
          "4f1d7c2a-93be-4c6e-9b0a-2d9f0c1e5a77", "idp-admins" },
        { "Okta name with blanks", "Domain  Admins   idp-admins\n", 0, NULL, 1,
          "Domain  Admins", "idp-admins" },
        { "comment chars inside an IdP group", "team#1 team1\n", 0, NULL, 1, "team#1", "team1" },
        { "one IdP group, two local groups", "admins wheel2\nadmins idp-admins\n", 0, NULL, 2,
          "admins", "wheel2" },
        { "IdP group named root", "root idp-root\n", 0, NULL, 1, "root", "idp-root" },
        { "one field", "admins idp-admins\nops\n", 2, "IDP_GROUP LOCAL_GROUP", 0, NULL, NULL },
        { "local group root", "admins root\n", 1, "root", 0, NULL, NULL },
        { "local group root after a good line", "ops idp-ops\n\nadmins  root \n", 3, "root", 0,
          NULL, NULL },
        { "digits-only local group", "admins 0\n", 1, "group name", 0, NULL, NULL },
        { "local group with a slash", "admins idp/admins\n", 1, "group name", 0, NULL, NULL },
        { "local group with a colon", "admins idp:admins\n", 1, "group name", 0, NULL, NULL },
        { "local group starting with -", "admins -x\n", 1, "group name", 0, NULL, NULL },
        { "local group too long", "admins " LONG_IDP LONG_IDP "x\n", 1, "too long", 0, NULL,
          NULL },
        { "IdP group too long", LONG_IDP_1100 " idp-admins\n", 1, "too long", 0, NULL, NULL },
        { "control character", "adm\x1bins idp-admins\n", 1, "control", 0, NULL, NULL },
        { "non-ASCII", "\xc3\xa9quipe idp-admins\n", 1, "non-ASCII", 0, NULL, NULL },
        { "DEL", "admins\x7f idp-admins\n", 1, "control", 0, NULL, NULL },
    };
    struct ut_table t = { "pod_group_map_parse", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct pod_group_map *map = NULL;
        unsigned line = 99;
        const char *why = NULL;
        int rc = pod_group_map_parse(rows[i].text, strlen(rows[i].text), &map, &line, &why);

        if (rows[i].bad == 0) {
            ut_check(&t, rc == 0 && map != NULL, rows[i].name, "refused: %s", why ? why : "");
            if (rc != 0 || map == NULL)
                continue;
            ut_check(&t, map->n == rows[i].n, rows[i].name, "%zu lines, expected %zu", map->n,
                     rows[i].n);
            ut_check(&t, line == 0, rows[i].name, "line %u on success", line);
            if (map->n > 0) {
                ut_check_str(&t, rows[i].name, "IDP_GROUP", map->lines[0].idp_group,
                             rows[i].idp);
                ut_check_str(&t, rows[i].name, "LOCAL_GROUP", map->lines[0].group,
                             rows[i].group);
            }
        } else {
            ut_check_parse_failed(&t, rows[i].name, rc, why, map == NULL);
            ut_check(&t, line == rows[i].bad, rows[i].name, "line %u, expected %u", line,
                     rows[i].bad);
            ut_check(&t, why != NULL && strstr(why, rows[i].why) != NULL, rows[i].name,
                     "reason \"%s\" lacks \"%s\"", why ? why : "NULL", rows[i].why);
        }
        pod_group_map_free(map);
    }
    ut_done(&t);
}

/* A NUL byte anywhere refuses the file as a whole (line 0). */
static void test_group_map_nul(void **state)
{
    static const char text[] = "admins idp-admins\n\0ops idp-ops\n";
    struct pod_group_map *map = NULL;
    unsigned line = 99;
    const char *why = NULL;

    (void)state;
    assert_int_equal(pod_group_map_parse(text, sizeof(text) - 1, &map, &line, &why), -1);
    assert_null(map);
    assert_int_equal(line, 0);
    assert_non_null(strstr(why, "NUL"));
}

/* Line numbers are kept, comments and blanks counted. */
static void test_group_map_line_numbers(void **state)
{
    static const char text[] = "# map\n\nadmins idp-admins\n  # x\n/ops idp-ops\n";
    struct pod_group_map *map = NULL;
    unsigned line = 0;
    const char *why = NULL;

    (void)state;
    assert_int_equal(pod_group_map_parse(text, sizeof(text) - 1, &map, &line, &why), 0);
    assert_int_equal(map->n, 2);
    assert_int_equal(map->lines[0].line, 3);
    assert_int_equal(map->lines[1].line, 5);
    assert_string_equal(map->lines[1].idp_group, "/ops");
    pod_group_map_free(map);
}

static void test_groups_claim_has_table(void **state)
{
    static const struct {
        const char *claim; /* JSON */
        const char *group;
        bool has;
    } rows[] = {
        { "[\"admins\",\"users\"]", "admins", true },
        { "[\"admins\",\"users\"]", "users", true },
        { "[\"admins\",\"users\"]", "admin", false },   /* no prefix match */
        { "[\"admins\",\"users\"]", "Admins", false },  /* exact, case included */
        { "[\"/admins\"]", "/admins", true },
        { "[\"/admins\"]", "admins", false },
        { "[\"Domain Admins\"]", "Domain Admins", true },
        { "[\"Domain Admins\"]", "Domain", false },
        { "[1, null, {\"a\":1}, \"admins\"]", "admins", true },
        { "[1]", "1", false },                          /* only strings */
        { "[]", "admins", false },
        { "\"users admins\"", "admins", true },         /* a space-separated string */
        { "\"users  admins\"", "admins", true },
        { "\"users admins\"", "users admins", false },
        { "\"usersadmins\"", "admins", false },
        { "\"\"", "admins", false },
        { "{\"admins\":true}", "admins", false },
        { "true", "admins", false },
        { "[\"\"]", "", false },                        /* the empty name never */
    };
    struct ut_table t = { "pod_groups_claim_has", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        cJSON *claim = cJSON_Parse(rows[i].claim);
        bool got = pod_groups_claim_has(claim, rows[i].group);

        ut_check(&t, claim != NULL && got == rows[i].has, rows[i].claim, "%s: got %d",
                 rows[i].group, got);
        cJSON_Delete(claim);
    }
    ut_check(&t, !pod_groups_claim_has(NULL, "admins"), "absent claim", "matched");
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_map_parse_table),
        cmocka_unit_test(test_group_map_nul),
        cmocka_unit_test(test_group_map_line_numbers),
        cmocka_unit_test(test_groups_claim_has_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

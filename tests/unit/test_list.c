/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* list.c: the comma lists of the options. */
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

#include "list.h"
#include "unit_helpers.h"

static void test_list_table(void **state)
{
    static const struct {
        const char *name, *list;
        const char *items; /* the entries joined with '|' */
    } rows[] = {
        { "NULL", NULL, "" },
        { "empty", "", "" },
        { "separators only", " , ,\t,", "" },
        { "one", "a", "a" },
        { "two", "a,b", "a|b" },
        { "blanks around", "  a , b\t,\tc  ", "a|b|c" },
        { "empty entries", ",a,,b,", "a|b" },
        { "blank inside kept", "a b, c", "a b|c" },
        { "Keycloak paths", "/admins, /ops/dev", "/admins|/ops/dev" },
    };
    struct ut_table t = { "pod_list_next", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char got[256] = "";
        const char *p = rows[i].list, *item;
        size_t n, o = 0;

        while (pod_list_next(&p, &item, &n))
            o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%.*s", o ? "|" : "", (int)n, item);
        ut_check_str(&t, rows[i].name, "entries", got, rows[i].items);
        ut_check(&t, pod_list_empty(rows[i].list) == (got[0] == '\0'), rows[i].name,
                 "pod_list_empty disagrees");
    }
    ut_done(&t);
}

static void test_list_has_table(void **state)
{
    static const struct {
        const char *list, *s;
        bool nocase, want;
    } rows[] = {
        { "admins, ops", "ops", false, true },
        { "admins, ops", "admins", false, true },
        { "admins, ops", "admin", false, false },
        { "admins, ops", "adminsx", false, false },
        { "admins, ops", "Ops", false, false },
        { "admins, ops", "Ops", true, true },
        { "example.com", "EXAMPLE.COM", true, true },
        { "example.com", "example.co", true, false },
        { "example.com", "example.com.evil", true, false },
        { "a b, c", "a b", false, true },
        { "a b, c", "a", false, false },
        { "", "", false, false },
        { NULL, "x", false, false },
        { " , ", "", false, false },
    };
    struct ut_table t = { "pod_list_has", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *row = ut_format("%s in [%s]%s", rows[i].s, rows[i].list ? rows[i].list : "NULL",
                              rows[i].nocase ? " nocase" : "");
        bool got = pod_list_has(rows[i].list, rows[i].s, strlen(rows[i].s), rows[i].nocase);

        ut_check(&t, got == rows[i].want, row, "got %d", got);
        free(row);
    }
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_table),
        cmocka_unit_test(test_list_has_table),
    };

    return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}

/* pod_identity_check and pod_valid_username. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <security/pam_modules.h>

#include "identity.h"
#include "json.h"
#include "unit_helpers.h"

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

/* ---- pod_identity_check ---------------------------------------------- */

enum why { R_MATCH, R_MISSING, R_INVALID, R_OTHER_USER, R_GROUPS };

/* A word each reason must contain: the admin reads them in the log. */
static const char *const why_word[] = {
    [R_MATCH] = "match", [R_MISSING] = "missing", [R_INVALID] = "valid",
    [R_OTHER_USER] = "different", [R_GROUPS] = "group",
};

struct id_row {
    const char *name;
    const char *claims;
    const char *user;
    const char *allowed;        /* allowed_groups, NULL: no rule */
    int rc;
    const char *mapped;         /* expected *mapped, NULL: none */
    enum why why;
    const char *username_claim; /* NULL: preferred_username */
    const char *groups_claim;   /* NULL: groups */
};

#define ALICE "{\"preferred_username\":\"alice\"}"
#define ALICE_G(g) "{\"preferred_username\":\"alice\",\"groups\":" g "}"
#define ID_OK(n, c, a) { (n), (c), "alice", (a), PAM_SUCCESS, "alice", R_MATCH, NULL, NULL }
#define ID_NO_GROUP(n, c, a) { (n), (c), "alice", (a), PAM_AUTH_ERR, "alice", R_GROUPS, NULL, NULL }
/* The claim is invalid even when the PAM user is the very same string. */
#define ID_INVALID(n, v) \
    { (n), "{\"preferred_username\":\"" v "\"}", v, NULL, PAM_AUTH_ERR, NULL, R_INVALID, NULL, NULL }

static const struct id_row id_rows[] = {
    ID_OK("match, no group rule", ALICE, NULL),
    ID_OK("match, allowed_groups empty", ALICE, ""),
    ID_OK("match, allowed_groups only separators", ALICE, " , ,"),
    ID_OK("match among other claims",
          "{\"sub\":\"248289761001\",\"email\":\"alice@example.com\","
          "\"preferred_username\":\"alice\",\"name\":\"Alice\"}", NULL),
    { "different user", "{\"preferred_username\":\"bob\"}", "alice", NULL,
      PAM_AUTH_ERR, "bob", R_OTHER_USER, NULL, NULL },
    { "case differs: Alice vs alice", "{\"preferred_username\":\"Alice\"}", "alice", NULL,
      PAM_AUTH_ERR, "Alice", R_OTHER_USER, NULL, NULL },
    { "case differs: alice vs Alice", ALICE, "Alice", NULL,
      PAM_AUTH_ERR, "alice", R_OTHER_USER, NULL, NULL },
    { "claim a prefix of the user", "{\"preferred_username\":\"ali\"}", "alice", NULL,
      PAM_AUTH_ERR, "ali", R_OTHER_USER, NULL, NULL },
    { "claim longer than the user", "{\"preferred_username\":\"alice2\"}", "alice", NULL,
      PAM_AUTH_ERR, "alice2", R_OTHER_USER, NULL, NULL },
    { "user longer than the claim", ALICE, "alice2", NULL,
      PAM_AUTH_ERR, "alice", R_OTHER_USER, NULL, NULL },
    { "user root, claim alice", ALICE, "root", NULL,
      PAM_AUTH_ERR, "alice", R_OTHER_USER, NULL, NULL },
    { "different user even when in the group", "{\"preferred_username\":\"bob\","
      "\"groups\":[\"admins\"]}", "alice", "admins",
      PAM_AUTH_ERR, "bob", R_OTHER_USER, NULL, NULL },
    { "claim missing", "{\"sub\":\"alice\",\"name\":\"alice\"}", "alice", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claims empty", "{}", "alice", NULL, PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim a number", "{\"preferred_username\":1000}", "1000", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim an array", "{\"preferred_username\":[\"alice\"]}", "alice", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim null", "{\"preferred_username\":null}", "alice", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim an object", "{\"preferred_username\":{\"v\":\"alice\"}}", "alice", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim true", "{\"preferred_username\":true}", "true", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    { "claim name is case-sensitive", "{\"Preferred_Username\":\"alice\"}", "alice", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    ID_INVALID("claim empty, user empty", ""),
    ID_INVALID("claim with a space", "alice smith"),
    ID_INVALID("claim with a trailing space", "alice "),
    ID_INVALID("claim with a slash", "a/b"),
    ID_INVALID("claim with an at sign", "alice@example.com"),
    { "claim with a backslash", "{\"preferred_username\":\"EXAMPLE\\\\alice\"}",
      "EXAMPLE\\alice", NULL, PAM_AUTH_ERR, NULL, R_INVALID, NULL, NULL },
    ID_INVALID("claim starting with a dash", "-rf"),
    ID_INVALID("claim with Cyrillic a", "\xd0\xb0lice"),
    { "claim with a newline", "{\"preferred_username\":\"alice\\n\"}", "alice\n", NULL,
      PAM_AUTH_ERR, NULL, R_INVALID, NULL, NULL },
    { "Cyrillic look-alike claim, ASCII user", "{\"preferred_username\":\"\xd0\xb0lice\"}",
      "alice", NULL, PAM_AUTH_ERR, NULL, R_INVALID, NULL, NULL },
    { "ASCII claim, Cyrillic look-alike user", ALICE, "\xd0\xb0lice", NULL,
      PAM_AUTH_ERR, "alice", R_OTHER_USER, NULL, NULL },
    { "username_claim sub is used", "{\"preferred_username\":\"mallory\",\"sub\":\"alice\"}",
      "alice", NULL, PAM_SUCCESS, "alice", R_MATCH, "sub", NULL },
    { "username_claim sub, preferred_username ignored",
      "{\"preferred_username\":\"alice\",\"sub\":\"mallory\"}",
      "alice", NULL, PAM_AUTH_ERR, "mallory", R_OTHER_USER, "sub", NULL },
    ID_OK("groups array contains admins", ALICE_G("[\"users\",\"admins\"]"), "admins"),
    ID_OK("groups array of one", ALICE_G("[\"admins\"]"), "admins"),
    ID_OK("groups space-separated string", ALICE_G("\"users admins\""), "admins"),
    ID_OK("groups string of one", ALICE_G("\"admins\""), "admins"),
    ID_OK("groups string with extra spaces", ALICE_G("\"  users   admins  \""), "admins"),
    ID_OK("allowed with spaces: admins", ALICE_G("[\"admins\"]"), " admins , ops "),
    ID_OK("allowed with spaces: ops", ALICE_G("[\"ops\"]"), " admins , ops "),
    ID_OK("allowed with spaces: ops in a string", ALICE_G("\"dev ops\""), " admins , ops "),
    ID_OK("allowed with tabs", ALICE_G("[\"ops\"]"), "admins,\tops\t"),
    ID_OK("allowed with an empty entry", ALICE_G("[\"ops\"]"), "admins,,ops,"),
    ID_OK("non-string members ignored", ALICE_G("[1,null,{\"g\":\"x\"},[\"y\"],\"admins\"]"),
          "admins"),
    ID_OK("empty member ignored", ALICE_G("[\"\",\"admins\"]"), "admins"),
    ID_NO_GROUP("groups [admin] vs admins: no prefix", ALICE_G("[\"admin\"]"), "admins"),
    ID_NO_GROUP("groups [administrators] vs admins", ALICE_G("[\"administrators\"]"), "admins"),
    ID_NO_GROUP("groups [/admins] vs admins: exact", ALICE_G("[\"/admins\"]"), "admins"),
    ID_NO_GROUP("groups [Admins] vs admins: case", ALICE_G("[\"Admins\"]"), "admins"),
    ID_NO_GROUP("groups [ admins] vs admins: no trim of claims", ALICE_G("[\" admins\"]"),
                "admins"),
    ID_NO_GROUP("groups [admins,ops] vs admins", ALICE_G("[\"admins,ops\"]"), "admins"),
    ID_NO_GROUP("groups string admins,ops vs admins", ALICE_G("\"admins,ops\""), "admins"),
    ID_NO_GROUP("groups string admin vs admins", ALICE_G("\"admin\""), "admins"),
    ID_NO_GROUP("groups string \"\"", ALICE_G("\"\""), "admins"),
    ID_NO_GROUP("groups [ops] vs admins", ALICE_G("[\"ops\"]"), "admins"),
    ID_NO_GROUP("groups [ad] vs admins , ops", ALICE_G("[\"ad\"]"), " admins , ops "),
    ID_NO_GROUP("groups [\"admins , ops\"] vs admins , ops", ALICE_G("[\"admins , ops\"]"),
                " admins , ops "),
    ID_NO_GROUP("groups [] with allowed set", ALICE_G("[]"), "admins"),
    ID_NO_GROUP("groups missing with allowed set", ALICE, "admins"),
    ID_NO_GROUP("groups a number", ALICE_G("1"), "admins"),
    ID_NO_GROUP("groups null", ALICE_G("null"), "admins"),
    ID_NO_GROUP("groups true", ALICE_G("true"), "admins"),
    ID_NO_GROUP("groups an object", ALICE_G("{\"admins\":true}"), "admins"),
    ID_NO_GROUP("groups nested array", ALICE_G("[[\"admins\"]]"), "admins"),
    ID_NO_GROUP("groups claim name is case-sensitive",
                "{\"preferred_username\":\"alice\",\"Groups\":[\"admins\"]}", "admins"),
    { "groups_claim roles is used", "{\"preferred_username\":\"alice\",\"roles\":[\"admins\"]}",
      "alice", "admins", PAM_SUCCESS, "alice", R_MATCH, NULL, "roles" },
    { "groups_claim roles, groups ignored",
      "{\"preferred_username\":\"alice\",\"groups\":[\"admins\"],\"roles\":[\"users\"]}",
      "alice", "admins", PAM_AUTH_ERR, "alice", R_GROUPS, NULL, "roles" },
};

static char *dup_or_null(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    assert_non_null(d);
    return d;
}

static void test_identity_table(void **state)
{
    struct ut_table t = { "pod_identity_check", UT_ROWS(id_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(id_rows); i++) {
        const struct id_row *r = &id_rows[i];
        struct pod_options opts = { 0 };
        const char *err = NULL, *reason = NULL, *mapped = "unset";
        cJSON *claims = pod_json_parse(r->claims, strlen(r->claims), &err);
        int rc;

        if (claims == NULL) {
            ut_check(&t, 0, r->name, "claims rejected by the JSON layer: %s", err);
            continue;
        }
        opts.username_claim = dup_or_null(r->username_claim ? r->username_claim
                                                            : "preferred_username");
        opts.groups_claim = dup_or_null(r->groups_claim ? r->groups_claim : "groups");
        opts.allowed_groups = dup_or_null(r->allowed);
        rc = pod_identity_check(claims, r->user, &opts, &reason, &mapped);
        ut_check(&t, rc == r->rc, r->name, "rc %d, expected %d", rc, r->rc);
        ut_check(&t, reason != NULL && strstr(reason, why_word[r->why]) != NULL, r->name,
                 "reason \"%s\" lacks \"%s\"", reason ? reason : "NULL", why_word[r->why]);
        ut_check_str(&t, r->name, "mapped", mapped, r->mapped);
        /* *mapped points into the claims, not to a copy */
        if (mapped != NULL && r->mapped != NULL) {
            const char *claim = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(claims, opts.username_claim));
            ut_check(&t, mapped == claim, r->name, "mapped is not the claim itself");
        }
        free(opts.username_claim);
        free(opts.groups_claim);
        free(opts.allowed_groups);
        cJSON_Delete(claims);
    }
    ut_done(&t);
}

/* Each failure gives a reason distinct from the others. */
static void test_identity_reasons_distinct(void **state)
{
    const char *seen[UT_ROWS(why_word)] = { NULL };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(id_rows); i++) {
        const struct id_row *r = &id_rows[i];
        struct pod_options opts = { 0 };
        const char *reason = NULL, *mapped = NULL;
        cJSON *claims = pod_json_parse(r->claims, strlen(r->claims), NULL);

        assert_non_null(claims);
        opts.username_claim = dup_or_null(r->username_claim ? r->username_claim
                                                            : "preferred_username");
        opts.groups_claim = dup_or_null(r->groups_claim ? r->groups_claim : "groups");
        opts.allowed_groups = dup_or_null(r->allowed);
        (void)pod_identity_check(claims, r->user, &opts, &reason, &mapped);
        assert_non_null(reason);
        if (seen[r->why] == NULL)
            seen[r->why] = reason;
        free(opts.username_claim);
        free(opts.groups_claim);
        free(opts.allowed_groups);
        cJSON_Delete(claims);
    }
    for (size_t a = 0; a < UT_ROWS(seen); a++) {
        assert_non_null(seen[a]);
        for (size_t b = a + 1; b < UT_ROWS(seen); b++)
            assert_string_not_equal(seen[a], seen[b]);
    }
}

/* A 300-character claim, even equal to the PAM user name, is refused. */
static void test_identity_long_name(void **state)
{
    static const struct {
        const char *name;
        size_t len;
        int rc;
    } rows[] = {
        { "255", POD_MAX_USERNAME - 1, PAM_SUCCESS },
        { "256", POD_MAX_USERNAME, PAM_AUTH_ERR },
        { "300", 300, PAM_AUTH_ERR },
    };
    struct ut_table t = { "long names", UT_ROWS(rows), 0 };
    static char claim[] = "preferred_username", groups[] = "groups";
    struct pod_options opts = { .username_claim = claim, .groups_claim = groups };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *user = ut_repeat('a', rows[i].len);
        char *json = ut_format("{\"preferred_username\":\"%s\"}", user);
        cJSON *claims = pod_json_parse(json, strlen(json), NULL);
        const char *reason = NULL, *mapped = NULL;
        int rc;

        assert_non_null(claims);
        rc = pod_identity_check(claims, user, &opts, &reason, &mapped);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d", rc, rows[i].rc);
        ut_check(&t, reason != NULL, rows[i].name, "no reason");
        ut_check(&t, (rc == PAM_SUCCESS) == (mapped != NULL), rows[i].name,
                 "mapped %s", mapped ? "set" : "NULL");
        cJSON_Delete(claims);
        free(json);
        free(user);
    }
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_username_table),
        cmocka_unit_test(test_valid_username_null),
        cmocka_unit_test(test_valid_username_length),
        cmocka_unit_test(test_identity_table),
        cmocka_unit_test(test_identity_reasons_distinct),
        cmocka_unit_test(test_identity_long_name),
    };

    return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}

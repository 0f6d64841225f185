/* claims.c: lookup by dotted path, the comparable text of a claim, the
 * userinfo merge (the comma lists are in test_list.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "claims.h"
#include "json.h"
#include "unit_helpers.h"

static cJSON *parse(const char *text)
{
    const char *err = NULL;
    cJSON *doc = pod_json_parse(text, strlen(text), &err);

    if (doc == NULL)
        fail_msg("test JSON rejected: %s: %s", err, text);
    return doc;
}

/* The claim at path, as compact JSON ("absent" when there is none). */
static char *lookup(const char *claims, const char *path)
{
    cJSON *doc = parse(claims);
    const cJSON *v = pod_claim_get(doc, path);
    char *s = v != NULL ? cJSON_PrintUnformatted(v) : strdup("absent");

    assert_non_null(s);
    cJSON_Delete(doc);
    return s;
}

/* ---- pod_claim_get ----------------------------------------------------- */

static void test_claim_get_table(void **state)
{
    static const struct {
        const char *name, *claims, *path, *want;
    } rows[] = {
        { "top level", "{\"a\":\"x\"}", "a", "\"x\"" },
        { "top level absent", "{\"a\":\"x\"}", "b", "absent" },
        { "case-sensitive", "{\"a\":\"x\"}", "A", "absent" },
        { "nested", "{\"realm\":{\"login\":\"alice\"}}", "realm.login", "\"alice\"" },
        { "nested, three deep", "{\"a\":{\"b\":{\"c\":1}}}", "a.b.c", "1" },
        { "nested object", "{\"a\":{\"b\":{\"c\":1}}}", "a.b", "{\"c\":1}" },
        { "nested absent", "{\"realm\":{\"name\":\"alice\"}}", "realm.login", "absent" },
        { "through a string", "{\"realm\":\"alice\"}", "realm.login", "absent" },
        { "through an array", "{\"realm\":[{\"login\":\"alice\"}]}", "realm.login", "absent" },
        { "through an index", "{\"realm\":[\"alice\"]}", "realm.0", "absent" },
        { "through null", "{\"realm\":null}", "realm.login", "absent" },
        { "past a leaf", "{\"a\":{\"b\":\"x\"}}", "a.b.c", "absent" },
        { "the literal key wins", "{\"a.b\":\"lit\",\"a\":{\"b\":\"path\"}}", "a.b", "\"lit\"" },
        { "the literal key alone", "{\"a.b\":\"lit\"}", "a.b", "\"lit\"" },
        { "Auth0 namespaced claim", "{\"https://example.com/unix_user\":\"alice\"}",
          "https://example.com/unix_user", "\"alice\"" },
        { "a key with a dot inside, nested", "{\"a\":{\"b.c\":\"x\"}}", "a.b.c", "absent" },
        { "empty part", "{\"a\":{\"\":{\"b\":\"x\"}}}", "a..b", "absent" },
        { "leading dot", "{\"\":{\"a\":\"x\"}}", ".a", "absent" },
        { "trailing dot", "{\"a\":{\"\":\"x\"}}", "a.", "absent" },
        { "empty path", "{\"\":\"x\"}", "", "absent" },
        { "null value is there", "{\"a\":null}", "a", "null" },
    };
    struct ut_table t = { "pod_claim_get", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *got = lookup(rows[i].claims, rows[i].path);

        ut_check_str(&t, rows[i].name, "value", got, rows[i].want);
        free(got);
    }
    ut_done(&t);
    assert_null(pod_claim_get(NULL, "a"));
    {
        cJSON *arr = parse("[1]");
        assert_null(pod_claim_get(arr, "0"));
        cJSON_Delete(arr);
    }
}

/* A path part longer than the lookup's buffer never matches. */
static void test_claim_get_long_part(void **state)
{
    char *key = ut_repeat('k', 300);
    char *json = ut_format("{\"a\":{\"%s\":\"x\"}}", key);
    char *path = ut_format("a.%s", key);
    char *got = lookup(json, path);

    (void)state;
    assert_string_equal(got, "absent");
    free(got);
    free(path);
    free(json);
    free(key);
}

/* ---- pod_claim_text ---------------------------------------------------- */

static void test_claim_text_table(void **state)
{
    static const struct {
        const char *name, *value, *want; /* want NULL: no match */
    } rows[] = {
        { "string", "\"alice\"", "alice" },
        { "string with blanks", "\" a b \"", " a b " },
        { "empty string", "\"\"", NULL },
        { "integer", "12345", "12345" },
        { "zero", "0", "0" },
        { "negative zero", "-0", "0" },
        { "negative", "-42", "-42" },
        { "integer written as 12345.0", "12345.0", "12345" },
        { "integer written as 1.2345e4", "1.2345e4", "12345" },
        { "2^53", "9007199254740992", "9007199254740992" },
        { "-2^53", "-9007199254740992", "-9007199254740992" },
        { "2^53+2", "9007199254740994", NULL },
        { "1.5", "1.5", NULL },
        { "0.1", "0.1", NULL },
        { "1e300", "1e300", NULL },
        { "-1e300", "-1e300", NULL },
        { "true", "true", NULL },
        { "false", "false", NULL },
        { "null", "null", NULL },
        { "array", "[\"alice\"]", NULL },
        { "empty array", "[]", NULL },
        { "object", "{\"v\":\"alice\"}", NULL },
    };
    struct ut_table t = { "pod_claim_text", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *json = ut_format("{\"c\":%s}", rows[i].value);
        cJSON *doc = parse(json);
        char num[POD_CLAIM_NUM_MAX];

        ut_check_str(&t, rows[i].name, "text",
                     pod_claim_text(pod_json_get(doc, "c"), num), rows[i].want);
        cJSON_Delete(doc);
        free(json);
    }
    ut_done(&t);
    {
        char num[POD_CLAIM_NUM_MAX];
        assert_null(pod_claim_text(NULL, num));
    }
}

/* ---- pod_claims_merge -------------------------------------------------- */

static void test_claims_merge_table(void **state)
{
    static const struct {
        const char *name, *id, *userinfo;
        const char *want; /* the merged claims, compact; NULL: refused */
        const char *why;  /* a word of the reason when refused */
    } rows[] = {
        { "adds what the ID token lacks", "{\"sub\":\"s1\"}",
          "{\"sub\":\"s1\",\"preferred_username\":\"alice\",\"groups\":[\"a\"]}",
          "{\"sub\":\"s1\",\"preferred_username\":\"alice\",\"groups\":[\"a\"]}", NULL },
        { "the ID token wins", "{\"sub\":\"s1\",\"preferred_username\":\"alice\"}",
          "{\"sub\":\"s1\",\"preferred_username\":\"root\"}",
          "{\"sub\":\"s1\",\"preferred_username\":\"alice\"}", NULL },
        { "a null in the ID token is there", "{\"sub\":\"s1\",\"email\":null}",
          "{\"sub\":\"s1\",\"email\":\"a@b\"}", "{\"sub\":\"s1\",\"email\":null}", NULL },
        { "nested objects whole", "{\"sub\":\"s1\"}",
          "{\"sub\":\"s1\",\"realm\":{\"login\":\"alice\"}}",
          "{\"sub\":\"s1\",\"realm\":{\"login\":\"alice\"}}", NULL },
        { "no partial merge of objects", "{\"sub\":\"s1\",\"realm\":{\"id\":1}}",
          "{\"sub\":\"s1\",\"realm\":{\"login\":\"alice\"}}",
          "{\"sub\":\"s1\",\"realm\":{\"id\":1}}", NULL },
        { "acr, amr and the protocol claims only from the ID token", "{\"sub\":\"s1\"}",
          "{\"sub\":\"s1\",\"acr\":\"urn:mfa\",\"amr\":[\"otp\"],\"iss\":\"x\",\"aud\":\"y\","
          "\"exp\":9,\"iat\":1,\"nbf\":1,\"auth_time\":1,\"nonce\":\"n\",\"azp\":\"z\","
          "\"sid\":\"s\",\"jti\":\"j\",\"at_hash\":\"h\",\"c_hash\":\"h\",\"cnf\":{}}",
          "{\"sub\":\"s1\"}", NULL },
        { "a dotted name never shadows the ID token's path",
          "{\"sub\":\"s1\",\"realm\":{\"login\":\"alice\"}}",
          "{\"sub\":\"s1\",\"realm.login\":\"bob\"}",
          "{\"sub\":\"s1\",\"realm\":{\"login\":\"alice\"}}", NULL },
        { "nor a group path", "{\"sub\":\"s1\",\"realm_access\":{\"roles\":[\"u\"]}}",
          "{\"sub\":\"s1\",\"realm_access.roles\":[\"admins\"]}",
          "{\"sub\":\"s1\",\"realm_access\":{\"roles\":[\"u\"]}}", NULL },
        { "nor a deeper path", "{\"sub\":\"s1\",\"a\":{\"b\":{\"c\":1}}}",
          "{\"sub\":\"s1\",\"a.b\":{\"c\":2},\"a.b.c\":3}",
          "{\"sub\":\"s1\",\"a\":{\"b\":{\"c\":1}}}", NULL },
        { "a dotted name the ID token lacks is added",
          "{\"sub\":\"s1\",\"realm\":{\"id\":1}}",
          "{\"sub\":\"s1\",\"realm.login\":\"bob\"}",
          "{\"sub\":\"s1\",\"realm\":{\"id\":1},\"realm.login\":\"bob\"}", NULL },
        { "nothing to add", "{\"sub\":\"s1\",\"x\":1}", "{\"sub\":\"s1\"}",
          "{\"sub\":\"s1\",\"x\":1}", NULL },
        { "sub differs", "{\"sub\":\"s1\"}", "{\"sub\":\"s2\",\"preferred_username\":\"alice\"}",
          NULL, "userinfo sub differs from the ID token" },
        { "sub differs in case", "{\"sub\":\"abc\"}", "{\"sub\":\"ABC\"}", NULL, "sub differs" },
        { "sub a prefix", "{\"sub\":\"abc\"}", "{\"sub\":\"ab\"}", NULL, "sub differs" },
        { "userinfo without sub", "{\"sub\":\"s1\"}", "{\"preferred_username\":\"alice\"}",
          NULL, "sub differs" },
        { "userinfo sub a number", "{\"sub\":\"1\"}", "{\"sub\":1}", NULL, "sub differs" },
        { "userinfo sub null", "{\"sub\":\"s1\"}", "{\"sub\":null}", NULL, "sub differs" },
        { "ID token without sub", "{\"x\":1}", "{\"sub\":\"s1\"}", NULL, "sub differs" },
        { "userinfo an array", "{\"sub\":\"s1\"}", "[{\"sub\":\"s1\"}]", NULL, "not a JSON object" },
        { "userinfo a string", "{\"sub\":\"s1\"}", "\"s1\"", NULL, "not a JSON object" },
    };
    struct ut_table t = { "pod_claims_merge", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        cJSON *id = parse(rows[i].id), *ui = parse(rows[i].userinfo), *out = (cJSON *)1;
        const char *err = NULL;
        int rc = pod_claims_merge(id, ui, &out, &err);

        if (rows[i].want != NULL) {
            char *got = rc == 0 ? cJSON_PrintUnformatted(out) : NULL;
            ut_check(&t, rc == 0, rows[i].name, "refused: %s", err ? err : "?");
            ut_check_str(&t, rows[i].name, "merged", got, rows[i].want);
            free(got);
        } else {
            ut_check(&t, rc == -1, rows[i].name, "accepted");
            ut_check(&t, out == NULL, rows[i].name, "out set on failure");
            ut_check(&t, err != NULL && strstr(err, rows[i].why) != NULL, rows[i].name,
                     "reason \"%s\" lacks \"%s\"", err ? err : "NULL", rows[i].why);
        }
        /* The ID token's claims are left as they were. */
        {
            char *after = cJSON_PrintUnformatted(id);
            cJSON *again = parse(rows[i].id);
            char *before = cJSON_PrintUnformatted(again);
            ut_check_str(&t, rows[i].name, "ID token claims", after, before);
            free(after);
            free(before);
            cJSON_Delete(again);
        }
        if (rc == 0)
            cJSON_Delete(out);
        cJSON_Delete(id);
        cJSON_Delete(ui);
    }
    ut_done(&t);
}

/* After the merge, every path resolves as in the signed ID token when the
 * ID token has it, whatever userinfo sends under a literal dotted name. */
static void test_claims_merge_lookup(void **state)
{
    static const struct {
        const char *id, *userinfo, *path, *want;
    } rows[] = {
        { "{\"sub\":\"s\",\"realm\":{\"login\":\"alice\"}}",
          "{\"sub\":\"s\",\"realm.login\":\"bob\"}", "realm.login", "\"alice\"" },
        { "{\"sub\":\"s\",\"realm_access\":{\"roles\":[\"users\"]}}",
          "{\"sub\":\"s\",\"realm_access.roles\":[\"admins\"]}", "realm_access.roles",
          "[\"users\"]" },
        { "{\"sub\":\"s\",\"realm.login\":\"alice\"}",
          "{\"sub\":\"s\",\"realm\":{\"login\":\"bob\"}}", "realm.login", "\"alice\"" },
        { "{\"sub\":\"s\"}", "{\"sub\":\"s\",\"realm\":{\"login\":\"bob\"}}",
          "realm.login", "\"bob\"" },
    };
    struct ut_table t = { "merge then lookup", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        cJSON *id = parse(rows[i].id), *ui = parse(rows[i].userinfo), *out = NULL;
        const char *err = NULL;
        char *got = NULL;

        if (pod_claims_merge(id, ui, &out, &err) == 0)
            got = cJSON_PrintUnformatted(pod_claim_get(out, rows[i].path));
        ut_check_str(&t, rows[i].userinfo, rows[i].path, got, rows[i].want);
        free(got);
        cJSON_Delete(out);
        cJSON_Delete(id);
        cJSON_Delete(ui);
    }
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_get_table),
        cmocka_unit_test(test_claim_get_long_part),
        cmocka_unit_test(test_claim_text_table),
        cmocka_unit_test(test_claims_merge_table),
        cmocka_unit_test(test_claims_merge_lookup),
    };

    return cmocka_run_group_tests_name("claims", tests, NULL, NULL);
}

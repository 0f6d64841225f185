/* pod_json_*: the strict parser and the typed lookups. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "secret_watch.h"
#include "unit_helpers.h"

/* Parse an unterminated copy, so that a read past len is caught. */
static cJSON *parse_exact(const char *text, size_t len, const char **err)
{
    char *copy = ut_exact(text, len);
    cJSON *doc = pod_json_parse(copy, len, err);

    free(copy);
    return doc;
}

static void test_parse_table(void **state)
{
    static const struct {
        const char *name;
        const char *text;
        size_t len;      /* 0: strlen(text) */
        const char *err; /* NULL: accepted */
    } rows[] = {
        { "object", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}", 0, NULL },
        { "top-level number", "42", 0, NULL },
        { "top-level string", "\"s\"", 0, NULL },
        { "surrounding whitespace", " \r\n\t{\"a\" : [ 1 , 2 ]}\n ", 0, NULL },
        { "empty text", "", 0, "JSON text is empty" },
        { "whitespace only", "  \n", 0, "JSON syntax error" },
        { "NUL after the value", "{\"a\":1}\0", 8, "JSON text contains a NUL byte" },
        { "NUL inside a string", "\"a\0b\"", 5, "JSON text contains a NUL byte" },
        { "\\u0000 in a value", "{\"a\":\"x\\u0000y\"}", 0, "JSON string contains \\u0000" },
        { "\\u0000 in a name", "{\"\\u0000\":1}", 0, "JSON string contains \\u0000" },
        { "escaped backslash then u0000", "{\"a\":\"\\\\u0000\"}", 0, NULL },
        { "escaped backslash then \\u0000", "\"\\\\\\u0000\"", 0,
          "JSON string contains \\u0000" },
        { "escaped quote then \\u0000", "\"\\\"\\u0000\"", 0, "JSON string contains \\u0000" },
        { "\\u0001 is fine", "\"\\u0001\"", 0, NULL },
        { "escaped surrogate pair", "\"\\uD83D\\uDE00\"", 0, NULL },
        { "escaped lone high surrogate", "\"\\uD800\"", 0, "JSON syntax error" },
        { "escaped lone low surrogate", "\"\\uDC00\"", 0, "JSON syntax error" },
        { "escape cut short", "\"\\u00", 0, "JSON syntax error" },
        { "raw control character", "\"a\x01\"", 0, "JSON string contains a control character" },
        { "raw tab in a string", "\"a\tb\"", 0, "JSON string contains a control character" },
        { "UTF-8 two to four bytes", "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"", 0, NULL },
        { "truncated UTF-8", "\"\xC3\"", 0, "JSON string is not valid UTF-8" },
        { "UTF-8 cut by the end", "\"\xE2\x82", 0, "JSON string is not valid UTF-8" },
        { "overlong NUL", "\"\xC0\x80\"", 0, "JSON string is not valid UTF-8" },
        { "UTF-8 surrogate", "\"\xED\xA0\x80\"", 0, "JSON string is not valid UTF-8" },
        { "beyond U+10FFFF", "\"\xF4\x90\x80\x80\"", 0, "JSON string is not valid UTF-8" },
        { "byte order mark", "\xEF\xBB\xBF{}", 0, "JSON syntax error" },
        { "brackets in a string do not nest", "\"[[[[[[[[[[[[[[[[[[[[{{{{{\"", 0, NULL },
        { "second value", "{}{}", 0, "JSON text has data after the value" },
        { "two numbers", "1 2", 0, "JSON text has data after the value" },
        { "trailing letter", "{} x", 0, "JSON syntax error" },
        { "literal with tail", "truex", 0, "JSON syntax error" },
        { "extra close", "{}}", 0, "JSON syntax error" },
        { "unterminated string", "\"abc", 0, "JSON syntax error" },
        { "trailing comma", "[1,]", 0, "JSON syntax error" },
        { "single quotes", "{'a':1}", 0, "JSON syntax error" },
        { "comment", "/**/{}", 0, "JSON syntax error" },
        { "NaN", "[NaN]", 0, "JSON syntax error" },
        { "duplicate member", "{\"a\":1,\"a\":2}", 0, "JSON object has duplicate member names" },
        { "duplicate apart", "{\"c\":1,\"b\":2,\"a\":3,\"b\":4}", 0,
          "JSON object has duplicate member names" },
        { "duplicate nested", "{\"x\":{\"y\":[{\"b\":1,\"a\":2,\"b\":3}]}}", 0,
          "JSON object has duplicate member names" },
        { "duplicate once unescaped", "{\"a\":1,\"\\u0061\":2}", 0,
          "JSON object has duplicate member names" },
        { "same name in two objects", "[{\"a\":1},{\"a\":2},{\"a\":{\"a\":3}}]", 0, NULL },
        { "names differing in case", "{\"a\":1,\"A\":2}", 0, NULL },
        { "number forms", "[0,-0,1.5,-2.5E+10,1e-3,0e0]", 0, NULL },
        { "leading zero", "01", 0, "JSON number malformed" },
        { "leading zero in array", "[1,02]", 0, "JSON number malformed" },
        { "dot without digits", "[1.]", 0, "JSON number malformed" },
        { "minus dot", "-.5", 0, "JSON number malformed" },
        { "bare minus", "-", 0, "JSON number malformed" },
        { "exponent without digits", "1e+", 0, "JSON number malformed" },
        { "two dots", "1.2.3", 0, "JSON number malformed" },
        { "plus sign", "+1", 0, "JSON syntax error" },
        { "leading dot", ".5", 0, "JSON syntax error" },
    };
    struct ut_table t = { "pod_json_parse", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);
        const char *err = NULL;
        cJSON *doc = parse_exact(rows[i].text, len, &err);

        ut_check(&t, (doc != NULL) == (rows[i].err == NULL), rows[i].name, "%s",
                 doc ? "accepted" : "refused");
        ut_check_str(&t, rows[i].name, "err", err, rows[i].err);
        cJSON_Delete(doc);
    }
    ut_done(&t);
}

/* n nested containers, alternating {"a": and [, with a string inside. */
static char *nested(size_t n)
{
    char *s = malloc(6 * n + 3), *p = s;

    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        memcpy(p, i % 2 ? "[" : "{\"a\":", i % 2 ? 1 : 5);
        p += i % 2 ? 1 : 5;
    }
    memcpy(p, "\"\"", 2);
    p += 2;
    for (size_t i = n; i-- > 0;)
        *p++ = i % 2 ? ']' : '}';
    *p = '\0';
    return s;
}

static void test_depth_limit(void **state)
{
    char *at = nested(POD_JSON_MAX_DEPTH), *over = nested(POD_JSON_MAX_DEPTH + 1);
    char *deep = nested(200000);
    const char *err = NULL;
    cJSON *doc;

    (void)state;
    doc = parse_exact(at, strlen(at), &err);
    assert_non_null(doc);
    cJSON_Delete(doc);
    assert_null(parse_exact(over, strlen(over), &err));
    assert_string_equal(err, "JSON nesting too deep");
    /* Would exhaust the stack if anything recursed before the limit. */
    err = NULL;
    assert_null(parse_exact(deep, strlen(deep), &err));
    assert_string_equal(err, "JSON nesting too deep");
    free(at);
    free(over);
    free(deep);
}

static void test_null_text(void **state)
{
    const char *err = NULL;

    (void)state;
    assert_null(pod_json_parse(NULL, 3, &err));
    assert_string_equal(err, "JSON text is empty");
    /* A caller that does not want the reason may pass NULL. */
    assert_null(pod_json_parse("{", 1, NULL));
}

static void test_int_table(void **state)
{
    static const struct {
        const char *name;
        const char *json;
        long long min, max;
        enum pod_json_num rc;
        long long value;
    } rows[] = {
        { "in range", "{\"n\":5}", 0, 10, POD_JSON_OK, 5 },
        { "at min", "{\"n\":0}", 0, 10, POD_JSON_OK, 0 },
        { "at max", "{\"n\":10}", 0, 10, POD_JSON_OK, 10 },
        { "over max", "{\"n\":11}", 0, 10, POD_JSON_BAD, 0 },
        { "-1 under min 0", "{\"n\":-1}", 0, 10, POD_JSON_BAD, 0 },
        { "-1 allowed", "{\"n\":-1}", -5, 5, POD_JSON_OK, -1 },
        { "-0", "{\"n\":-0}", 0, 10, POD_JSON_OK, 0 },
        { "1.5", "{\"n\":1.5}", 0, 10, POD_JSON_BAD, 0 },
        { "1.0", "{\"n\":1.0}", 0, 10, POD_JSON_OK, 1 },
        { "1e2", "{\"n\":1e2}", 0, 1000, POD_JSON_OK, 100 },
        { "1e400", "{\"n\":1e400}", LLONG_MIN, LLONG_MAX, POD_JSON_BAD, 0 },
        { "-1e400", "{\"n\":-1e400}", LLONG_MIN, LLONG_MAX, POD_JSON_BAD, 0 },
        { "1e300", "{\"n\":1e300}", LLONG_MIN, LLONG_MAX, POD_JSON_BAD, 0 },
        { "2^53", "{\"n\":9007199254740992}", LLONG_MIN, LLONG_MAX, POD_JSON_OK,
          9007199254740992LL },
        { "past 2^53", "{\"n\":9007199254740994}", LLONG_MIN, LLONG_MAX, POD_JSON_BAD, 0 },
        { "2^63", "{\"n\":9223372036854775808}", LLONG_MIN, LLONG_MAX, POD_JSON_BAD, 0 },
        { "in a string", "{\"n\":\"5\"}", 0, 10, POD_JSON_BAD, 0 },
        { "true", "{\"n\":true}", 0, 10, POD_JSON_BAD, 0 },
        { "null", "{\"n\":null}", 0, 10, POD_JSON_BAD, 0 },
        { "object", "{\"n\":{}}", 0, 10, POD_JSON_BAD, 0 },
        { "missing", "{\"m\":5}", 0, 10, POD_JSON_MISSING, 0 },
        { "name in another case", "{\"N\":5}", 0, 10, POD_JSON_MISSING, 0 },
        { "in an array", "[5]", 0, 10, POD_JSON_MISSING, 0 },
    };
    struct ut_table t = { "pod_json_int", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        const char *err = NULL;
        cJSON *doc = parse_exact(rows[i].json, strlen(rows[i].json), &err);
        long long out = 4242;
        enum pod_json_num rc;

        assert_non_null(doc);
        rc = pod_json_int(doc, "n", rows[i].min, rows[i].max, &out);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d", rc, rows[i].rc);
        /* Left alone unless the number is good. */
        ut_check(&t, out == (rows[i].rc == POD_JSON_OK ? rows[i].value : 4242), rows[i].name,
                 "out %lld", out);
        cJSON_Delete(doc);
    }
    ut_done(&t);
}

static void test_true_table(void **state)
{
    static const struct {
        const char *json;
        bool expect;
    } rows[] = {
        { "{\"v\":true}", true },
        { "{\"v\":\"true\"}", true },
        { "{\"v\":\"TRUE\"}", false },
        { "{\"v\":\"true \"}", false },
        { "{\"v\":false}", false },
        { "{\"v\":1}", false },
        { "{\"v\":\"1\"}", false },
        { "{\"v\":null}", false },
        { "{}", false },
        { "{\"V\":true}", false },
    };
    struct ut_table t = { "pod_json_true", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        const char *err = NULL;
        cJSON *doc = parse_exact(rows[i].json, strlen(rows[i].json), &err);

        assert_non_null(doc);
        ut_check(&t, pod_json_true(doc, "v") == rows[i].expect, rows[i].json, "expected %d",
                 rows[i].expect);
        cJSON_Delete(doc);
    }
    ut_done(&t);
}

static void test_get(void **state)
{
    const char *text = "{\"sub\":\"x\",\"n\":1,\"o\":{\"sub\":\"inner\"}}";
    const char *err = NULL;
    cJSON *doc = parse_exact(text, strlen(text), &err), *arr;

    (void)state;
    assert_non_null(doc);
    assert_string_equal(pod_json_string(doc, "sub"), "x");
    assert_null(pod_json_get(doc, "SUB"));
    assert_null(pod_json_get(doc, "Sub"));
    assert_null(pod_json_string(doc, "n"));
    assert_null(pod_json_string(doc, "missing"));
    assert_null(pod_json_get(doc, NULL));
    assert_null(pod_json_get(NULL, "sub"));
    assert_string_equal(pod_json_string(pod_json_get(doc, "o"), "sub"), "inner");
    /* cJSON finds named members of a built array; we look in objects
     * only. */
    arr = cJSON_CreateArray();
    assert_non_null(arr);
    cJSON_AddItemToObject(arr, "sub", cJSON_CreateString("x"));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(arr, "sub"));
    assert_null(pod_json_get(arr, "sub"));
    assert_null(pod_json_string(arr, "sub"));
    cJSON_Delete(arr);
    cJSON_Delete(doc);
}

#define SECRET "hunter2-secret"

static int parse_and_delete(void (*delete)(cJSON *))
{
    static const char text[] =
        "{\"access_token\":\"" SECRET "\",\"" SECRET "\":1,\"a\":[{\"b\":\"" SECRET "\"}]}";
    const char *err = NULL;
    cJSON *doc;
    int seen;

    watch_start(SECRET);
    doc = pod_json_parse(text, strlen(text), &err);
    if (doc != NULL)
        delete(doc);
    seen = watch_stop();
    assert_non_null(doc);
    return seen;
}

static void test_delete_secret(void **state)
{
    (void)state;
    /* The hooks do see the secret when nothing wipes it... */
    assert_int_equal(parse_and_delete(cJSON_Delete), 1);
    /* ...and not after values and names were wiped. */
    assert_int_equal(parse_and_delete(pod_json_delete_secret), 0);
    pod_json_delete_secret(NULL);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_null_text),
        cmocka_unit_test(test_int_table),
        cmocka_unit_test(test_true_table),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_delete_secret),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

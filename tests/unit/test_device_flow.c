/* pod_device_parse and pod_token_parse: the pure halves of RFC 8628. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "device_flow.h"
#include "secret_watch.h"
#include "unit_helpers.h"

/* ---- pod_device_parse ------------------------------------------------ */

#define DC_VALUE "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"
#define DC "\"device_code\":\"" DC_VALUE "\""
#define UC "\"user_code\":\"WDJB-MJHT\""
#define VU "\"verification_uri\":\"https://idp.example/device\""
#define EXP "\"expires_in\":1800"
/* Everything required, nothing optional. */
#define REQ DC "," UC "," VU "," EXP

struct dev_row {
    const char *name;
    const char *json;
    int ok;
    /* expected on success */
    const char *device_code;
    const char *user_code;
    const char *uri;
    const char *uri_complete;
    long expires_in;
    long interval;
};

#define DEV_BAD(n, j) { .name = (n), .json = (j), .ok = 0 }
/* A success with the REQ codes and URI. */
#define DEV_OK(n, j, complete, exp, ivl)                                   \
    { .name = (n), .json = (j), .ok = 1, .device_code = DC_VALUE,          \
      .user_code = "WDJB-MJHT", .uri = "https://idp.example/device",      \
      .uri_complete = (complete), .expires_in = (exp), .interval = (ivl) }

static const struct dev_row dev_rows[] = {
    { .name = "full answer (RFC 8628 3.2 example)",
      .json = "{\"device_code\":\"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS\","
              "\"user_code\":\"WDJB-MJHT\","
              "\"verification_uri\":\"https://example.com/device\","
              "\"verification_uri_complete\":\"https://example.com/device?user_code=WDJB-MJHT\","
              "\"expires_in\":1800,\"interval\":7}",
      .ok = 1, .device_code = DC_VALUE, .user_code = "WDJB-MJHT",
      .uri = "https://example.com/device",
      .uri_complete = "https://example.com/device?user_code=WDJB-MJHT",
      .expires_in = 1800, .interval = 7 },
    DEV_OK("without verification_uri_complete", "{" REQ "}", NULL, 1800, 5),
    DEV_OK("unknown members ignored",
           "{" REQ ",\"message\":\"go there\",\"x\":{\"y\":[1,2]}}", NULL, 1800, 5),
    { .name = "verification_url alias (Google, Entra v1)",
      .json = "{" DC "," UC ",\"verification_url\":\"https://www.google.com/device\","
              EXP ",\"interval\":5}",
      .ok = 1, .device_code = DC_VALUE, .user_code = "WDJB-MJHT",
      .uri = "https://www.google.com/device", .expires_in = 1800, .interval = 5 },
    DEV_OK("verification_uri preferred over verification_url",
           "{" REQ ",\"verification_url\":\"https://other.example/x\"}", NULL, 1800, 5),
    DEV_BAD("verification_uri a number: no fallback to verification_url",
            "{" DC "," UC ",\"verification_uri\":1,"
            "\"verification_url\":\"https://idp.example/device\"," EXP "}"),
    DEV_BAD("verification_uri null: no fallback to verification_url",
            "{" DC "," UC ",\"verification_uri\":null,"
            "\"verification_url\":\"https://idp.example/device\"," EXP "}"),
    DEV_BAD("verification_uri an object",
            "{" DC "," UC ",\"verification_uri\":{\"u\":\"https://idp.example/device\"}," EXP "}"),
    DEV_BAD("verification_uri http://",
            "{" DC "," UC ",\"verification_uri\":\"http://idp.example/device\"," EXP "}"),
    DEV_BAD("verification_url alias http://",
            "{" DC "," UC ",\"verification_url\":\"http://idp.example/device\"," EXP "}"),
    DEV_BAD("verification_uri javascript:",
            "{" DC "," UC ",\"verification_uri\":\"javascript:alert(1)\"," EXP "}"),
    DEV_BAD("verification_uri with userinfo",
            "{" DC "," UC ",\"verification_uri\":\"https://idp.example@evil.example/\"," EXP "}"),
    DEV_BAD("verification_uri with an escape sequence",
            "{" DC "," UC ",\"verification_uri\":\"https://idp.example/\\u001b[2J\"," EXP "}"),
    DEV_BAD("verification_uri empty",
            "{" DC "," UC ",\"verification_uri\":\"\"," EXP "}"),
    DEV_BAD("no verification_uri at all", "{" DC "," UC "," EXP "}"),
    DEV_BAD("Verification_Uri: keys are case-sensitive",
            "{" DC "," UC ",\"Verification_Uri\":\"https://idp.example/device\"," EXP "}"),
    DEV_OK("verification_uri_complete http:// dropped",
           "{" REQ ",\"verification_uri_complete\":\"http://idp.example/device?c=1\"}",
           NULL, 1800, 5),
    DEV_OK("verification_uri_complete with fragment dropped",
           "{" REQ ",\"verification_uri_complete\":\"https://idp.example/device#c\"}",
           NULL, 1800, 5),
    DEV_OK("verification_uri_complete a number ignored",
           "{" REQ ",\"verification_uri_complete\":5}", NULL, 1800, 5),
    DEV_OK("verification_uri_complete kept",
           "{" REQ ",\"verification_uri_complete\":\"https://idp.example/device?c=WDJB-MJHT\"}",
           "https://idp.example/device?c=WDJB-MJHT", 1800, 5),
    DEV_BAD("device_code missing", "{" UC "," VU "," EXP "}"),
    DEV_BAD("user_code missing", "{" DC "," VU "," EXP "}"),
    DEV_BAD("expires_in missing", "{" DC "," UC "," VU "}"),
    DEV_BAD("device_code a number", "{\"device_code\":12345," UC "," VU "," EXP "}"),
    DEV_BAD("device_code null", "{\"device_code\":null," UC "," VU "," EXP "}"),
    DEV_BAD("user_code a number", "{" DC ",\"user_code\":12345678," VU "," EXP "}"),
    DEV_BAD("user_code an array", "{" DC ",\"user_code\":[\"WDJB\"]," VU "," EXP "}"),
    DEV_BAD("device_code empty", "{\"device_code\":\"\"," UC "," VU "," EXP "}"),
    DEV_BAD("user_code empty", "{" DC ",\"user_code\":\"\"," VU "," EXP "}"),
    /* Only ASCII letters, digits, '-' and spaces: invisible characters
     * would make the person type another code than the one shown. */
#define UC_BAD(n, c) DEV_BAD("user_code with " n, "{" DC ",\"user_code\":\"" c "\"," VU "," EXP "}")
    UC_BAD("U+200B zero width space", "WDJB\\u200bMJHT"),
    UC_BAD("U+200B as UTF-8", "WDJB\xe2\x80\x8bMJHT"),
    UC_BAD("U+2060 word joiner", "WDJB\\u2060MJHT"),
    UC_BAD("U+FEFF byte order mark", "\\ufeffWDJB-MJHT"),
    UC_BAD("U+00AD soft hyphen", "WDJB\\u00adMJHT"),
    UC_BAD("U+E0041 tag character", "WDJB-MJHT\\udb40\\udc41"),
    UC_BAD("an escape sequence", "WDJB\\u001b[2JMJHT"),
    UC_BAD("a tab", "WDJB\\tMJHT"),
    UC_BAD("a Cyrillic letter", "WDJB-MJH\\u0422"),
    UC_BAD("an underscore", "WDJB_MJHT"),
    UC_BAD("only separators", "- -"),
#undef UC_BAD
    { .name = "user_code with a space and digits", .ok = 1,
      .json = "{" DC ",\"user_code\":\"123 456-abc\"," VU "," EXP "}",
      .device_code = DC_VALUE, .user_code = "123 456-abc",
      .uri = "https://idp.example/device", .expires_in = 1800, .interval = 5 },
    DEV_BAD("expires_in a string", "{" DC "," UC "," VU ",\"expires_in\":\"600\"}"),
    DEV_BAD("expires_in true", "{" DC "," UC "," VU ",\"expires_in\":true}"),
    DEV_BAD("expires_in null", "{" DC "," UC "," VU ",\"expires_in\":null}"),
    DEV_BAD("expires_in 0", "{" DC "," UC "," VU ",\"expires_in\":0}"),
    DEV_BAD("expires_in -1", "{" DC "," UC "," VU ",\"expires_in\":-1}"),
    DEV_BAD("expires_in -0.5", "{" DC "," UC "," VU ",\"expires_in\":-0.5}"),
    DEV_BAD("expires_in 1e400 (infinite)", "{" DC "," UC "," VU ",\"expires_in\":1e400}"),
    DEV_OK("expires_in 1", "{" DC "," UC "," VU ",\"expires_in\":1}", NULL, 1, 5),
    DEV_OK("expires_in 1.5 rounds up", "{" DC "," UC "," VU ",\"expires_in\":1.5}", NULL, 2, 5),
    DEV_OK("expires_in 0.1 rounds up to 1", "{" DC "," UC "," VU ",\"expires_in\":0.1}",
           NULL, 1, 5),
    DEV_OK("expires_in at the cap", "{" DC "," UC "," VU ",\"expires_in\":3600}",
           NULL, POD_MAX_EXPIRES_IN, 5),
    DEV_OK("expires_in 3601 clamped", "{" DC "," UC "," VU ",\"expires_in\":3601}",
           NULL, POD_MAX_EXPIRES_IN, 5),
    DEV_OK("expires_in 1e12 clamped", "{" DC "," UC "," VU ",\"expires_in\":1e12}",
           NULL, POD_MAX_EXPIRES_IN, 5),
    DEV_OK("interval absent: default", "{" REQ "}", NULL, 1800, POD_DEFAULT_INTERVAL),
    DEV_OK("interval 0 raised to 1", "{" REQ ",\"interval\":0}", NULL, 1800, 1),
    DEV_OK("interval 1", "{" REQ ",\"interval\":1}", NULL, 1800, 1),
    DEV_OK("interval 2.2 rounds up", "{" REQ ",\"interval\":2.2}", NULL, 1800, 3),
    DEV_OK("interval 301 clamped", "{" REQ ",\"interval\":301}", NULL, 1800, POD_MAX_INTERVAL),
    DEV_OK("interval 1e9 clamped", "{" REQ ",\"interval\":1e9}", NULL, 1800, POD_MAX_INTERVAL),
    DEV_OK("interval 1e10 clamped", "{" REQ ",\"interval\":1e10}", NULL, 1800,
           POD_MAX_INTERVAL),
    DEV_BAD("interval -1", "{" REQ ",\"interval\":-1}"),
    DEV_BAD("interval a string", "{" REQ ",\"interval\":\"5\"}"),
    DEV_BAD("interval null", "{" REQ ",\"interval\":null}"),
    DEV_BAD("duplicate device_code",
            "{" REQ ",\"device_code\":\"other\"}"),
    DEV_BAD("duplicate verification_uri",
            "{" REQ ",\"verification_uri\":\"https://evil.example/device\"}"),
    DEV_BAD("duplicate interval", "{" REQ ",\"interval\":5,\"interval\":1}"),
    DEV_BAD("an array", "[{" REQ "}]"),
    DEV_BAD("a string", "\"" DC_VALUE "\""),
    DEV_BAD("a number", "1800"),
    DEV_BAD("null", "null"),
    DEV_BAD("empty object", "{}"),
    DEV_BAD("truncated JSON", "{" DC "," UC "," VU ",\"expires_in\":18"),
    DEV_BAD("trailing comma", "{" REQ ",}"),
    DEV_BAD("data after the object", "{" REQ "}x"),
    DEV_BAD("an HTML error page", "<html><body>502 Bad Gateway</body></html>"),
    { .name = "codes with digits and dashes kept exactly",
      .json = "{\"device_code\":\"1234-5678-abcd_EF.gh~+/=\",\"user_code\":\"1234-5678\","
              VU "," EXP "}",
      .ok = 1, .device_code = "1234-5678-abcd_EF.gh~+/=", .user_code = "1234-5678",
      .uri = "https://idp.example/device", .expires_in = 1800, .interval = 5 },
    { .name = "JSON escapes in the codes decoded",
      .json = "{\"device_code\":\"a\\/b\\u0041\",\"user_code\":\"BCDF\\u002dGHJK\","
              VU "," EXP "}",
      .ok = 1, .device_code = "a/bA", .user_code = "BCDF-GHJK",
      .uri = "https://idp.example/device", .expires_in = 1800, .interval = 5 },
};

static int dev_is_zero(const struct pod_device_code *d)
{
    return d->device_code == NULL && d->user_code == NULL &&
           d->verification_uri == NULL && d->verification_uri_complete == NULL &&
           d->expires_in == 0 && d->interval == 0 && d->issued_ms == 0;
}

static void test_device_parse_table(void **state)
{
    struct ut_table t = { "pod_device_parse", UT_ROWS(dev_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(dev_rows); i++) {
        const struct dev_row *r = &dev_rows[i];
        struct pod_device_code d;
        const char *err = NULL;
        int rc;

        /* Garbage first: the parser must set every field itself. */
        memset(&d, 0xA5, sizeof(d));
        rc = pod_device_parse(r->json, strlen(r->json), &d, &err);
        if (!r->ok) {
            ut_check_parse_failed(&t, r->name, rc, err, dev_is_zero(&d));
        } else {
            ut_check(&t, rc == 0, r->name, "rc %d, expected 0 (err: %s)", rc,
                     err ? err : "NULL");
            if (rc == 0) {
                ut_check_str(&t, r->name, "device_code", d.device_code, r->device_code);
                ut_check_str(&t, r->name, "user_code", d.user_code, r->user_code);
                ut_check_str(&t, r->name, "verification_uri", d.verification_uri, r->uri);
                ut_check_str(&t, r->name, "verification_uri_complete",
                             d.verification_uri_complete, r->uri_complete);
                ut_check(&t, d.expires_in == r->expires_in, r->name,
                         "expires_in %ld, expected %ld", d.expires_in, r->expires_in);
                ut_check(&t, d.interval == r->interval, r->name,
                         "interval %ld, expected %ld", d.interval, r->interval);
                ut_check(&t, d.issued_ms == 0, r->name,
                         "issued_ms set by the pure parser");
            }
        }
        if (rc == 0)
            pod_device_code_free(&d);
    }
    ut_done(&t);
}

/* The parser reads len bytes, not up to a NUL: the body buffer of an HTTP
 * answer is given with its length. */
static void test_device_parse_exact_length(void **state)
{
    static const char json[] = "{" REQ ",\"interval\":9}";
    char *exact = ut_exact(json, strlen(json));
    struct pod_device_code d;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_device_parse(exact, strlen(json), &d, &err), 0);
    assert_string_equal(d.device_code, DC_VALUE);
    assert_int_equal(d.interval, 9);
    pod_device_code_free(&d);
    free(exact);
}

/* A valid answer followed by bytes outside len: only len counts. */
static void test_device_parse_prefix_only(void **state)
{
    static const char json[] = "{" REQ "}" "garbage";
    struct pod_device_code d;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_device_parse(json, strlen(json) - strlen("garbage"), &d, &err), 0);
    assert_string_equal(d.user_code, "WDJB-MJHT");
    pod_device_code_free(&d);
    /* and one byte short is broken JSON */
    err = NULL;
    assert_int_equal(pod_device_parse(json, strlen(json) - strlen("garbage") - 1, &d, &err), -1);
    assert_non_null(err);
}

static void test_device_parse_empty(void **state)
{
    struct pod_device_code d;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_device_parse("", 0, &d, &err), -1);
    assert_non_null(err);
    assert_true(dev_is_zero(&d));
}

/* user_code is at most 128 bytes, device_code at most 4096. */
static void test_device_parse_code_limits(void **state)
{
    static const struct {
        const char *name;
        size_t device_len, user_len;
        int ok;
    } rows[] = {
        { "user_code 128", 40, 128, 1 },
        { "user_code 129", 40, 129, 0 },
        { "device_code 4096", 4096, 9, 1 },
        { "device_code 4097", 4097, 9, 0 },
        { "one byte each", 1, 1, 1 },
    };
    struct ut_table t = { "code limits", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char *dc = ut_repeat('d', rows[i].device_len);
        char *uc = ut_repeat('U', rows[i].user_len);
        char *json = ut_format("{\"device_code\":\"%s\",\"user_code\":\"%s\"," VU "," EXP "}",
                               dc, uc);
        struct pod_device_code d;
        const char *err = NULL;
        int rc = pod_device_parse(json, strlen(json), &d, &err);

        ut_check(&t, rc == (rows[i].ok ? 0 : -1), rows[i].name, "rc %d", rc);
        if (rc == 0) {
            ut_check_str(&t, rows[i].name, "device_code", d.device_code, dc);
            ut_check_str(&t, rows[i].name, "user_code", d.user_code, uc);
            pod_device_code_free(&d);
        }
        free(json);
        free(uc);
        free(dc);
    }
    ut_done(&t);
}

/* The device code is a secret like the tokens: the parsed answer is wiped
 * before cJSON frees it. */
static void test_device_parse_wipes(void **state)
{
    static const char json[] = "{" REQ "}";
    struct pod_device_code d;
    const char *err = NULL;
    cJSON *doc;

    (void)state;
    /* The watch does see a device code that nothing wipes... */
    watch_start(DC_VALUE);
    doc = cJSON_Parse(json);
    assert_non_null(doc);
    cJSON_Delete(doc);
    assert_int_equal(watch_stop(), 1);
    /* ...and none in what pod_device_parse released, on success and on
     * failure. */
    watch_start(DC_VALUE);
    assert_int_equal(pod_device_parse(json, strlen(json), &d, &err), 0);
    assert_int_equal(watch_stop(), 0);
    pod_device_code_free(&d);
    watch_start(DC_VALUE);
    assert_int_equal(pod_device_parse("{" DC "}", strlen("{" DC "}"), &d, &err), -1);
    assert_int_equal(watch_stop(), 0);
}

static void test_device_code_free(void **state)
{
    struct pod_device_code d;
    const char *err = NULL;
    static const char json[] =
        "{" REQ ",\"verification_uri_complete\":\"https://idp.example/device?c=1\"}";

    (void)state;
    assert_int_equal(pod_device_parse(json, strlen(json), &d, &err), 0);
    pod_device_code_free(&d);
    assert_true(dev_is_zero(&d));
    pod_device_code_free(&d); /* zeroed: a second free is harmless */
    assert_true(dev_is_zero(&d));
}

/* ---- pod_token_parse ------------------------------------------------- */

#define AT_VALUE "2YotnFZFEjr1zCsicMWpAA"
#define IT_VALUE "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"
#define AT "\"access_token\":\"" AT_VALUE "\""
#define IT "\"id_token\":\"" IT_VALUE "\""

struct tok_row {
    const char *name;
    long status;
    const char *body;
    enum pod_poll result;
    long interval;
    const char *why;          /* exact, or NULL: any printable reason */
    /* expected on POD_POLL_OK */
    const char *access_token;
    const char *id_token;
    const char *token_type;
};

#define TOK(n, s, b, res, w) \
    { .name = (n), .status = (s), .body = (b), .result = (res), .why = (w) }
#define TOK_IVL(n, s, b, res, ivl, w) \
    { .name = (n), .status = (s), .body = (b), .result = (res), .interval = (ivl), .why = (w) }
#define OAUTH_ERR(code) "{\"error\":\"" code "\"}"

static const struct tok_row tok_rows[] = {
    { "200 Bearer with id_token", 200,
      "{" AT ",\"token_type\":\"Bearer\",\"expires_in\":3600," IT
      ",\"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\",\"scope\":\"openid\"}",
      POD_POLL_OK, 0, "ok", AT_VALUE, IT_VALUE, "Bearer" },
    { "200 lowercase bearer", 200, "{" AT ",\"token_type\":\"bearer\"," IT "}",
      POD_POLL_OK, 0, "ok", AT_VALUE, IT_VALUE, "bearer" },
    { "200 BEARER", 200, "{" AT ",\"token_type\":\"BEARER\"}",
      POD_POLL_OK, 0, "ok", AT_VALUE, NULL, "BEARER" },
    { "200 without id_token", 200, "{\"token_type\":\"Bearer\"," AT "}",
      POD_POLL_OK, 0, "ok", AT_VALUE, NULL, "Bearer" },
    TOK("200 without access_token (CVE-2021-41580)", 200,
        "{\"token_type\":\"Bearer\"," IT "}", POD_POLL_BAD, NULL),
    TOK("200 empty object", 200, "{}", POD_POLL_BAD, NULL),
    TOK("200 access_token empty", 200,
        "{\"access_token\":\"\",\"token_type\":\"Bearer\"," IT "}", POD_POLL_BAD, NULL),
    TOK("200 access_token a number", 200,
        "{\"access_token\":1234,\"token_type\":\"Bearer\"," IT "}", POD_POLL_BAD, NULL),
    TOK("200 access_token true", 200,
        "{\"access_token\":true,\"token_type\":\"Bearer\"}", POD_POLL_BAD, NULL),
    TOK("200 token_type mac", 200, "{" AT ",\"token_type\":\"mac\"," IT "}",
        POD_POLL_BAD, NULL),
    TOK("200 token_type DPoP", 200, "{" AT ",\"token_type\":\"DPoP\"}", POD_POLL_BAD, NULL),
    TOK("200 token_type missing", 200, "{" AT "," IT "}", POD_POLL_BAD, NULL),
    TOK("200 token_type a number", 200, "{" AT ",\"token_type\":1}", POD_POLL_BAD, NULL),
    TOK("200 token_type Bearer with a space", 200, "{" AT ",\"token_type\":\"Bearer \"}",
        POD_POLL_BAD, NULL),
    TOK("200 token_type Bearerx", 200, "{" AT ",\"token_type\":\"Bearerx\"}",
        POD_POLL_BAD, NULL),
    TOK("200 token_type Bear", 200, "{" AT ",\"token_type\":\"Bear\"}", POD_POLL_BAD, NULL),
    TOK("200 id_token a number", 200, "{" AT ",\"token_type\":\"Bearer\",\"id_token\":7}",
        POD_POLL_BAD, NULL),
    TOK("200 id_token null", 200, "{" AT ",\"token_type\":\"Bearer\",\"id_token\":null}",
        POD_POLL_BAD, NULL),
    TOK("200 id_token empty", 200, "{" AT ",\"token_type\":\"Bearer\",\"id_token\":\"\"}",
        POD_POLL_BAD, NULL),
    TOK("200 duplicate access_token", 200,
        "{" AT ",\"token_type\":\"Bearer\",\"access_token\":\"x\"}", POD_POLL_BAD, NULL),
    TOK("200 an array", 200, "[{" AT ",\"token_type\":\"Bearer\"}]", POD_POLL_BAD, NULL),
    TOK("200 a JSON string", 200, "\"" AT_VALUE "\"", POD_POLL_BAD, NULL),
    TOK("200 not JSON", 200, "access_token=" AT_VALUE "&token_type=bearer",
        POD_POLL_BAD, NULL),
    TOK("200 authorization_pending (GitHub)", 200, OAUTH_ERR("authorization_pending"),
        POD_POLL_PENDING, "authorization_pending"),
    TOK("200 slow_down (GitHub)", 200,
        "{\"error\":\"slow_down\",\"error_description\":\"Too many requests\"}",
        POD_POLL_SLOW_DOWN, "slow_down"),
    /* GitHub's whole documented error set, all with HTTP 200, with the
     * error_description and error_uri it sends. */
#define GH_ERR(code) "{\"error\":\"" code "\",\"error_description\":\"d\"," \
    "\"error_uri\":\"https://docs.github.com/developers/apps/authorizing-oauth-apps\"}"
    TOK("200 GitHub authorization_pending", 200, GH_ERR("authorization_pending"),
        POD_POLL_PENDING, "authorization_pending"),
    TOK_IVL("200 GitHub slow_down with the new interval", 200,
            "{\"error\":\"slow_down\",\"error_description\":\"Too many requests have been "
            "made in the same timeframe.\",\"error_uri\":\"https://docs.github.com/\","
            "\"interval\":10}",
            POD_POLL_SLOW_DOWN, 10, "slow_down"),
    TOK("200 GitHub expired_token", 200, GH_ERR("expired_token"), POD_POLL_EXPIRED,
        "expired_token"),
    TOK("200 GitHub access_denied", 200, GH_ERR("access_denied"), POD_POLL_DENIED,
        "access_denied"),
    TOK("200 GitHub incorrect_device_code", 200, GH_ERR("incorrect_device_code"),
        POD_POLL_ERROR, "incorrect_device_code"),
    TOK("200 GitHub incorrect_client_credentials", 200,
        GH_ERR("incorrect_client_credentials"), POD_POLL_ERROR,
        "incorrect_client_credentials"),
    TOK("200 GitHub device_flow_disabled", 200, GH_ERR("device_flow_disabled"),
        POD_POLL_ERROR, "device_flow_disabled"),
    TOK("200 GitHub unsupported_grant_type", 200, GH_ERR("unsupported_grant_type"),
        POD_POLL_ERROR, "unsupported_grant_type"),
#undef GH_ERR
    { "200 GitHub token answer", 200,
      "{\"access_token\":\"gho_16C7e42F292c6912E7710c838347Ae178B4a\","
      "\"token_type\":\"bearer\",\"scope\":\"\"}",
      POD_POLL_OK, 0, "ok", "gho_16C7e42F292c6912E7710c838347Ae178B4a", NULL, "bearer" },
    TOK("200 GitHub's form-encoded answer (no Accept: application/json)", 200,
        "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=&token_type=bearer",
        POD_POLL_BAD, NULL),
    TOK("200 error wins over an access_token", 200,
        "{\"error\":\"authorization_pending\"," AT ",\"token_type\":\"Bearer\"}",
        POD_POLL_PENDING, "authorization_pending"),
    TOK("400 authorization_pending", 400, OAUTH_ERR("authorization_pending"),
        POD_POLL_PENDING, "authorization_pending"),
    TOK_IVL("400 slow_down", 400, OAUTH_ERR("slow_down"), POD_POLL_SLOW_DOWN, 0,
            "slow_down"),
    TOK_IVL("400 slow_down with interval 10", 400,
            "{\"error\":\"slow_down\",\"interval\":10}", POD_POLL_SLOW_DOWN, 10, "slow_down"),
    TOK_IVL("400 slow_down with interval 2.5", 400,
            "{\"error\":\"slow_down\",\"interval\":2.5}", POD_POLL_SLOW_DOWN, 3, "slow_down"),
    TOK_IVL("400 slow_down with interval 1e6 clamped", 400,
            "{\"error\":\"slow_down\",\"interval\":1e6}", POD_POLL_SLOW_DOWN,
            POD_MAX_INTERVAL, "slow_down"),
    TOK_IVL("400 slow_down with interval \"10\" ignored", 400,
            "{\"error\":\"slow_down\",\"interval\":\"10\"}", POD_POLL_SLOW_DOWN, 0,
            "slow_down"),
    TOK_IVL("400 slow_down with interval -3 ignored", 400,
            "{\"error\":\"slow_down\",\"interval\":-3}", POD_POLL_SLOW_DOWN, 0, "slow_down"),
    TOK_IVL("400 pending with interval 8", 400,
            "{\"error\":\"authorization_pending\",\"interval\":8}", POD_POLL_PENDING, 8,
            "authorization_pending"),
    TOK("428 authorization_pending (Google)", 428, OAUTH_ERR("authorization_pending"),
        POD_POLL_PENDING, "authorization_pending"),
    TOK("403 slow_down (Google)", 403, OAUTH_ERR("slow_down"), POD_POLL_SLOW_DOWN,
        "slow_down"),
    TOK("400 access_denied", 400, OAUTH_ERR("access_denied"), POD_POLL_DENIED,
        "access_denied"),
    TOK("403 access_denied (Google)", 403, OAUTH_ERR("access_denied"), POD_POLL_DENIED,
        "access_denied"),
    TOK("400 authorization_declined (Entra)", 400, OAUTH_ERR("authorization_declined"),
        POD_POLL_DENIED, "authorization_declined"),
    TOK("400 expired_token", 400, OAUTH_ERR("expired_token"), POD_POLL_EXPIRED,
        "expired_token"),
    TOK("400 invalid_grant", 400, OAUTH_ERR("invalid_grant"), POD_POLL_ERROR, "invalid_grant"),
    TOK("400 incorrect_device_code (GitHub)", 400, OAUTH_ERR("incorrect_device_code"),
        POD_POLL_ERROR, "incorrect_device_code"),
    TOK("401 invalid_client", 401, OAUTH_ERR("invalid_client"), POD_POLL_ERROR,
        "invalid_client"),
    TOK("400 error codes are case-sensitive", 400, OAUTH_ERR("Authorization_Pending"),
        POD_POLL_ERROR, "Authorization_Pending"),
    TOK("400 no prefix match of error codes", 400, OAUTH_ERR("authorization_pending_x"),
        POD_POLL_ERROR, "authorization_pending_x"),
    TOK("400 empty error code", 400, OAUTH_ERR(""), POD_POLL_ERROR, ""),
    TOK("500 not JSON", 500, "<html><body>Internal Server Error</body></html>",
        POD_POLL_TRANSIENT, NULL),
    TOK("502 empty body", 502, "", POD_POLL_TRANSIENT, NULL),
    TOK("429 rate limited, HTML body", 429, "<html>slow</html>", POD_POLL_TRANSIENT, NULL),
    TOK("408 request timeout", 408, "", POD_POLL_TRANSIENT, NULL),
    TOK("503 temporarily_unavailable", 503, OAUTH_ERR("temporarily_unavailable"),
        POD_POLL_TRANSIENT, "temporarily_unavailable"),
    TOK("500 server_error", 500, OAUTH_ERR("server_error"), POD_POLL_TRANSIENT,
        "server_error"),
    TOK("500 JSON without error", 500, "{\"message\":\"oops\"}", POD_POLL_TRANSIENT, NULL),
    TOK("400 not JSON", 400, "Bad Request", POD_POLL_BAD, NULL),
    TOK("400 empty body", 400, "", POD_POLL_BAD, NULL),
    TOK("400 JSON without error", 400, "{\"message\":\"bad\"}", POD_POLL_BAD, NULL),
    TOK("400 error a number", 400, "{\"error\":42}", POD_POLL_BAD, NULL),
    TOK("400 an array", 400, "[\"authorization_pending\"]", POD_POLL_BAD, NULL),
    TOK("400 duplicate error", 400,
        "{\"error\":\"authorization_pending\",\"error\":\"access_denied\"}", POD_POLL_BAD, NULL),
    TOK("201 with tokens is not a success", 201, "{" AT ",\"token_type\":\"Bearer\"}",
        POD_POLL_BAD, NULL),
};

static const char *poll_name(enum pod_poll p)
{
    static const char *const names[] = {
        [POD_POLL_OK] = "OK", [POD_POLL_PENDING] = "PENDING",
        [POD_POLL_SLOW_DOWN] = "SLOW_DOWN", [POD_POLL_DENIED] = "DENIED",
        [POD_POLL_EXPIRED] = "EXPIRED", [POD_POLL_ERROR] = "ERROR",
        [POD_POLL_TRANSIENT] = "TRANSIENT", [POD_POLL_BAD] = "BAD",
    };

    return (unsigned)p < UT_ROWS(names) ? names[p] : "?";
}

static void test_token_parse_table(void **state)
{
    struct ut_table t = { "pod_token_parse", UT_ROWS(tok_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(tok_rows); i++) {
        const struct tok_row *r = &tok_rows[i];
        struct pod_tokens tok;
        long interval = -77;
        char why[128];
        enum pod_poll res;

        memset(&tok, 0xA5, sizeof(tok));
        memset(why, 'Z', sizeof(why));
        res = pod_token_parse(r->status, r->body, strlen(r->body), &tok, &interval,
                              why, sizeof(why));
        ut_check(&t, res == r->result, r->name, "result %s, expected %s",
                 poll_name(res), poll_name(r->result));
        ut_check(&t, interval == r->interval, r->name, "interval %ld, expected %ld",
                 interval, r->interval);
        ut_check(&t, memchr(why, '\0', sizeof(why)) != NULL, r->name,
                 "why[] not terminated");
        if (memchr(why, '\0', sizeof(why)) == NULL)
            continue;
        ut_check(&t, !ut_has_unprintable(why), r->name, "why has unprintable bytes");
        if (r->why != NULL)
            ut_check_str(&t, r->name, "why", why, r->why);
        else
            ut_check(&t, why[0] != '\0' && strcmp(why, "ok") != 0, r->name,
                     "why \"%s\" is no reason", why);
        if (res == POD_POLL_OK) {
            ut_check_str(&t, r->name, "access_token", tok.access_token, r->access_token);
            ut_check_str(&t, r->name, "id_token", tok.id_token, r->id_token);
            ut_check_str(&t, r->name, "token_type", tok.token_type, r->token_type);
            pod_tokens_free(&tok);
        } else {
            ut_check(&t, tok.access_token == NULL && tok.id_token == NULL &&
                     tok.token_type == NULL, r->name, "*out not cleared");
        }
    }
    ut_done(&t);
}

/* why[] shows the IdP's code but never a control character from it. */
static void test_token_why_printable(void **state)
{
    static const struct {
        const char *name;
        const char *body;
        const char *why;
    } rows[] = {
        { "ESC", "{\"error\":\"auth\\u001b[31m\"}", "auth[31m" },
        { "newline and CR", "{\"error\":\"a\\nb\\rc\\td\"}", "abcd" },
        { "DEL", "{\"error\":\"x\\u007fy\"}", "xy" },
        { "C1 CSI (UTF-8 C2 9B)", "{\"error\":\"x\\u009b2Jy\"}", "x2Jy" },
        { "bidi override", "{\"error\":\"a\\u202eb\"}", "ab" },
        { "raw UTF-8", "{\"error\":\"caf\xc3\xa9\"}", "caf" },
        { "only control characters", "{\"error\":\"\\u001b\\u0007\"}", "" },
    };
    struct ut_table t = { "why printable", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct pod_tokens tok;
        long interval;
        char why[64];
        enum pod_poll res = pod_token_parse(400, rows[i].body, strlen(rows[i].body), &tok,
                                            &interval, why, sizeof(why));

        ut_check(&t, res == POD_POLL_ERROR, rows[i].name, "result %s", poll_name(res));
        ut_check_str(&t, rows[i].name, "why", why, rows[i].why);
    }
    ut_done(&t);
}

static void test_token_why_truncated(void **state)
{
    static const char body[] = OAUTH_ERR("authorization_pending");
    struct pod_tokens tok;
    long interval;
    char buf[8];

    (void)state;
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(pod_token_parse(400, body, strlen(body), &tok, &interval, buf, 4),
                     POD_POLL_PENDING);
    assert_string_equal(buf, "aut");
    assert_memory_equal(buf + 4, "ZZZZ", 4); /* nothing past whylen */

    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(pod_token_parse(400, body, strlen(body), &tok, &interval, buf, 1),
                     POD_POLL_PENDING);
    assert_string_equal(buf, "");
    assert_memory_equal(buf + 1, "ZZZZZZZ", 7);

    /* our own reasons are truncated the same way */
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(pod_token_parse(200, "{}", 2, &tok, &interval, buf, 4), POD_POLL_BAD);
    assert_int_equal(strlen(buf), 3);
    assert_memory_equal(buf + 4, "ZZZZ", 4);
}

/* whylen 0 means no room at all: not even the terminating NUL. */
static void test_token_why_zero_length(void **state)
{
    static const char body[] = OAUTH_ERR("access_denied");
    struct pod_tokens tok;
    long interval;
    char buf[2] = { 'Z', 'Z' };

    (void)state;
    assert_int_equal(pod_token_parse(400, body, strlen(body), &tok, &interval, buf, 0),
                     POD_POLL_DENIED);
    assert_int_equal(buf[0], 'Z');
}

/* A 1000-byte error code fills why[] and stops there. */
static void test_token_why_long_code(void **state)
{
    char *code = ut_repeat('e', 1000);
    char *body = ut_format("{\"error\":\"%s\"}", code);
    struct pod_tokens tok;
    long interval;
    char why[128];

    (void)state;
    assert_int_equal(pod_token_parse(400, body, strlen(body), &tok, &interval, why, sizeof(why)),
                     POD_POLL_ERROR);
    assert_int_equal(strlen(why), sizeof(why) - 1);
    assert_memory_equal(why, code, sizeof(why) - 1);
    free(body);
    free(code);
}

static void test_token_exact_length(void **state)
{
    static const char json[] = "{" AT ",\"token_type\":\"Bearer\"," IT "}";
    char *exact = ut_exact(json, strlen(json));
    struct pod_tokens tok;
    long interval = 5;
    char why[32];

    (void)state;
    assert_int_equal(pod_token_parse(200, exact, strlen(json), &tok, &interval, why, sizeof(why)),
                     POD_POLL_OK);
    assert_string_equal(tok.access_token, AT_VALUE);
    assert_string_equal(tok.id_token, IT_VALUE);
    assert_int_equal(interval, 0);
    pod_tokens_free(&tok);
    assert_null(tok.access_token);
    assert_null(tok.id_token);
    assert_null(tok.token_type);
    pod_tokens_free(&tok); /* zeroed: harmless */
    free(exact);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_parse_table),
        cmocka_unit_test(test_device_parse_exact_length),
        cmocka_unit_test(test_device_parse_prefix_only),
        cmocka_unit_test(test_device_parse_empty),
        cmocka_unit_test(test_device_parse_code_limits),
        cmocka_unit_test(test_device_code_free),
        cmocka_unit_test(test_device_parse_wipes),
        cmocka_unit_test(test_token_parse_table),
        cmocka_unit_test(test_token_why_printable),
        cmocka_unit_test(test_token_why_truncated),
        cmocka_unit_test(test_token_why_zero_length),
        cmocka_unit_test(test_token_why_long_code),
        cmocka_unit_test(test_token_exact_length),
    };

    return cmocka_run_group_tests_name("device_flow", tests, NULL, NULL);
}

/* pod_discovery_parse. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "discovery.h"
#include "unit_helpers.h"

/* ---- pod_discovery_parse --------------------------------------------- */

#define ISS "https://idp.example"
#define DAE_URL ISS "/device"
#define TOK_URL ISS "/token"
#define JWKS_URL ISS "/jwks"
#define UI_URL ISS "/userinfo"
#define J_ISS "\"issuer\":\"" ISS "\""
#define J_DAE "\"device_authorization_endpoint\":\"" DAE_URL "\""
#define J_TOK "\"token_endpoint\":\"" TOK_URL "\""
#define J_JWKS "\"jwks_uri\":\"" JWKS_URL "\""
#define J_UI "\"userinfo_endpoint\":\"" UI_URL "\""
/* The three required endpoints, no issuer. */
#define J_EPS J_DAE "," J_TOK "," J_JWKS

struct disc_row {
    const char *name;
    const char *json;
    const char *expected_issuer; /* NULL: ISS */
    int ok;
    /* expected on success, NULL: the defaults above */
    const char *dae, *token, *jwks;
    const char *userinfo; /* exact: NULL means absent */
};

#define DISC_BAD(n, j) { .name = (n), .json = (j), .ok = 0 }
#define DISC_BAD_ISS(n, j, iss) { .name = (n), .json = (j), .expected_issuer = (iss), .ok = 0 }
#define DISC_OK(n, j, ui) { .name = (n), .json = (j), .ok = 1, .userinfo = (ui) }

static const struct disc_row disc_rows[] = {
    DISC_OK("valid", "{" J_ISS "," J_EPS "," J_UI "}", UI_URL),
    DISC_OK("valid, members in another order",
            "{" J_UI "," J_JWKS "," J_TOK "," J_DAE "," J_ISS "}", UI_URL),
    DISC_OK("userinfo_endpoint absent", "{" J_ISS "," J_EPS "}", NULL),
    DISC_OK("extra members ignored",
            "{" J_ISS "," J_EPS ",\"scopes_supported\":[\"openid\",\"email\"],"
            "\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:device_code\"],"
            "\"authorization_endpoint\":\"http://ignored.example/\","
            "\"claims_parameter_supported\":true}", NULL),
    { .name = "endpoints on other hosts (Google)",
      .json = "{\"issuer\":\"https://accounts.google.com\","
              "\"device_authorization_endpoint\":\"https://oauth2.googleapis.com/device/code\","
              "\"token_endpoint\":\"https://oauth2.googleapis.com/token\","
              "\"jwks_uri\":\"https://www.googleapis.com/oauth2/v3/certs\","
              "\"userinfo_endpoint\":\"https://openidconnect.googleapis.com/v1/userinfo\"}",
      .expected_issuer = "https://accounts.google.com", .ok = 1,
      .dae = "https://oauth2.googleapis.com/device/code",
      .token = "https://oauth2.googleapis.com/token",
      .jwks = "https://www.googleapis.com/oauth2/v3/certs",
      .userinfo = "https://openidconnect.googleapis.com/v1/userinfo" },
    { .name = "issuer with a path (Keycloak realm)",
      .json = "{\"issuer\":\"https://idp.example/realms/x\","
              "\"device_authorization_endpoint\":"
              "\"https://idp.example/realms/x/protocol/openid-connect/auth/device\","
              "\"token_endpoint\":\"https://idp.example/realms/x/protocol/openid-connect/token\","
              "\"jwks_uri\":\"https://idp.example/realms/x/protocol/openid-connect/certs\"}",
      .expected_issuer = "https://idp.example/realms/x", .ok = 1,
      .dae = "https://idp.example/realms/x/protocol/openid-connect/auth/device",
      .token = "https://idp.example/realms/x/protocol/openid-connect/token",
      .jwks = "https://idp.example/realms/x/protocol/openid-connect/certs" },
    { .name = "issuer with a trailing slash on both sides (Auth0)",
      .json = "{\"issuer\":\"https://idp.example/\"," J_EPS "}",
      .expected_issuer = "https://idp.example/", .ok = 1 },
    DISC_BAD_ISS("issuer host case differs",
                 "{\"issuer\":\"https://IDP.example\"," J_EPS "}", ISS),
    DISC_BAD_ISS("issuer path case differs",
                 "{\"issuer\":\"https://idp.example/realms/X\"," J_EPS "}",
                 "https://idp.example/realms/x"),
    DISC_BAD_ISS("issuer has a trailing slash, configured has none",
                 "{\"issuer\":\"https://idp.example/\"," J_EPS "}", ISS),
    DISC_BAD_ISS("configured has a trailing slash, issuer has none",
                 "{" J_ISS "," J_EPS "}", ISS "/"),
    DISC_BAD_ISS("issuer on another host",
                 "{\"issuer\":\"https://evil.example\"," J_EPS "}", ISS),
    DISC_BAD_ISS("issuer a longer host",
                 "{\"issuer\":\"https://idp.example.evil\"," J_EPS "}", ISS),
    DISC_BAD_ISS("issuer another realm",
                 "{\"issuer\":\"https://idp.example/realms/y\"," J_EPS "}",
                 "https://idp.example/realms/x"),
    DISC_BAD_ISS("issuer a prefix of the configured one",
                 "{\"issuer\":\"https://idp.example/realms/x\"," J_EPS "}",
                 "https://idp.example/realms/xy"),
    DISC_BAD_ISS("issuer longer than the configured one",
                 "{\"issuer\":\"https://idp.example/realms/xy\"," J_EPS "}",
                 "https://idp.example/realms/x"),
    DISC_BAD_ISS("issuer with a port",
                 "{\"issuer\":\"https://idp.example:443\"," J_EPS "}", ISS),
    DISC_BAD_ISS("issuer http:// while https is configured", "{\"issuer\":\"http://idp.example\"," J_EPS "}", ISS),
    DISC_BAD("issuer missing", "{" J_EPS "}"),
    DISC_BAD("issuer a number", "{\"issuer\":1," J_EPS "}"),
    DISC_BAD("issuer null", "{\"issuer\":null," J_EPS "}"),
    DISC_BAD("issuer an array", "{\"issuer\":[\"" ISS "\"]," J_EPS "}"),
    DISC_BAD("Issuer: keys are case-sensitive", "{\"Issuer\":\"" ISS "\"," J_EPS "}"),
    DISC_BAD("duplicate issuer",
             "{" J_ISS "," J_EPS ",\"issuer\":\"https://evil.example\"}"),
    DISC_BAD("duplicate token_endpoint",
             "{" J_ISS "," J_EPS ",\"token_endpoint\":\"https://evil.example/token\"}"),
    DISC_BAD("device_authorization_endpoint missing", "{" J_ISS "," J_TOK "," J_JWKS "}"),
    DISC_BAD("token_endpoint missing", "{" J_ISS "," J_DAE "," J_JWKS "}"),
    DISC_BAD("jwks_uri missing", "{" J_ISS "," J_DAE "," J_TOK "}"),
    DISC_BAD("device_authorization_endpoint http://",
             "{" J_ISS ",\"device_authorization_endpoint\":\"http://idp.example/device\","
             J_TOK "," J_JWKS "}"),
    DISC_BAD("token_endpoint http://",
             "{" J_ISS "," J_DAE ",\"token_endpoint\":\"http://idp.example/token\"," J_JWKS "}"),
    DISC_BAD("jwks_uri http://",
             "{" J_ISS "," J_DAE "," J_TOK ",\"jwks_uri\":\"http://idp.example/jwks\"}"),
    DISC_BAD("token_endpoint ftp://",
             "{" J_ISS "," J_DAE ",\"token_endpoint\":\"ftp://idp.example/token\"," J_JWKS "}"),
    DISC_BAD("jwks_uri file://",
             "{" J_ISS "," J_DAE "," J_TOK ",\"jwks_uri\":\"file:///etc/jwks.json\"}"),
    DISC_BAD("device_authorization_endpoint relative",
             "{" J_ISS ",\"device_authorization_endpoint\":\"/device\"," J_TOK "," J_JWKS "}"),
    DISC_BAD("token_endpoint with userinfo",
             "{" J_ISS "," J_DAE ",\"token_endpoint\":\"https://u@idp.example/token\","
             J_JWKS "}"),
    DISC_BAD("jwks_uri with a fragment",
             "{" J_ISS "," J_DAE "," J_TOK ",\"jwks_uri\":\"https://idp.example/jwks#k\"}"),
    DISC_BAD("token_endpoint empty",
             "{" J_ISS "," J_DAE ",\"token_endpoint\":\"\"," J_JWKS "}"),
    DISC_BAD("device_authorization_endpoint a number",
             "{" J_ISS ",\"device_authorization_endpoint\":443," J_TOK "," J_JWKS "}"),
    DISC_BAD("jwks_uri null", "{" J_ISS "," J_DAE "," J_TOK ",\"jwks_uri\":null}"),
    DISC_BAD("token_endpoint an object",
             "{" J_ISS "," J_DAE ",\"token_endpoint\":{\"url\":\"" TOK_URL "\"}," J_JWKS "}"),
    DISC_BAD("userinfo_endpoint http://",
             "{" J_ISS "," J_EPS ",\"userinfo_endpoint\":\"http://idp.example/userinfo\"}"),
    DISC_BAD("userinfo_endpoint a number", "{" J_ISS "," J_EPS ",\"userinfo_endpoint\":1}"),
    DISC_BAD("userinfo_endpoint null", "{" J_ISS "," J_EPS ",\"userinfo_endpoint\":null}"),
    DISC_BAD("userinfo_endpoint empty", "{" J_ISS "," J_EPS ",\"userinfo_endpoint\":\"\"}"),
    DISC_BAD("an array", "[{" J_ISS "," J_EPS "}]"),
    DISC_BAD("a string", "\"" ISS "\""),
    DISC_BAD("null", "null"),
    DISC_BAD("true", "true"),
    DISC_BAD("empty object", "{}"),
    DISC_BAD("truncated", "{" J_ISS "," J_EPS),
    DISC_BAD("an HTML page", "<!DOCTYPE html><html></html>"),
};

static int endpoints_zero(const struct pod_endpoints *e)
{
    return e->issuer == NULL && e->device_authorization_endpoint == NULL &&
           e->token_endpoint == NULL && e->jwks_uri == NULL && e->userinfo_endpoint == NULL;
}

static void test_discovery_table(void **state)
{
    struct ut_table t = { "pod_discovery_parse", UT_ROWS(disc_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(disc_rows); i++) {
        const struct disc_row *r = &disc_rows[i];
        const char *iss = r->expected_issuer ? r->expected_issuer : ISS;
        struct pod_endpoints e;
        const char *err = NULL;
        int rc;

        memset(&e, 0xA5, sizeof(e));
        rc = pod_discovery_parse(r->json, strlen(r->json), iss, &e, &err);
        if (!r->ok) {
            ut_check_parse_failed(&t, r->name, rc, err, endpoints_zero(&e));
        } else {
            ut_check(&t, rc == 0, r->name, "rc %d, expected 0 (err: %s)", rc,
                     err ? err : "NULL");
            if (rc == 0) {
                ut_check_str(&t, r->name, "issuer", e.issuer, iss);
                ut_check(&t, e.issuer != iss, r->name, "issuer not copied");
                ut_check_str(&t, r->name, "device_authorization_endpoint",
                             e.device_authorization_endpoint, r->dae ? r->dae : DAE_URL);
                ut_check_str(&t, r->name, "token_endpoint", e.token_endpoint,
                             r->token ? r->token : TOK_URL);
                ut_check_str(&t, r->name, "jwks_uri", e.jwks_uri, r->jwks ? r->jwks : JWKS_URL);
                ut_check_str(&t, r->name, "userinfo_endpoint", e.userinfo_endpoint,
                             r->userinfo);
            }
        }
        if (rc == 0)
            pod_endpoints_free(&e);
    }
    ut_done(&t);
}

/* Every endpoint, one at a time, under every refused scheme. */
static void test_discovery_schemes(void **state)
{
    static const char *const keys[] = {
        "device_authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
    };
    static const char *const bad[] = {
        "http://idp.example/x", "HTTPS://idp.example/x", "ftp://idp.example/x",
        "ldap://idp.example/x", "data:,x", "idp.example/x", "https://",
    };
    struct ut_table t = { "schemes", UT_ROWS(keys) * UT_ROWS(bad), 0 };

    (void)state;
    for (size_t k = 0; k < UT_ROWS(keys); k++) {
        for (size_t b = 0; b < UT_ROWS(bad); b++) {
            const char *url[UT_ROWS(keys)] = { DAE_URL, TOK_URL, JWKS_URL, UI_URL };
            struct pod_endpoints e;
            const char *err = NULL;
            char *json, *name;
            int rc;

            url[k] = bad[b];
            json = ut_format("{" J_ISS ",\"%s\":\"%s\",\"%s\":\"%s\",\"%s\":\"%s\",\"%s\":\"%s\"}",
                             keys[0], url[0], keys[1], url[1], keys[2], url[2],
                             keys[3], url[3]);
            name = ut_format("%s=%s", keys[k], bad[b]);
            rc = pod_discovery_parse(json, strlen(json), ISS, &e, &err);
            ut_check(&t, rc == -1, name, "rc %d", rc);
            if (rc == 0)
                pod_endpoints_free(&e);
            free(name);
            free(json);
        }
    }
    ut_done(&t);
}

static void test_discovery_exact_length(void **state)
{
    static const char json[] = "{" J_ISS "," J_EPS "," J_UI "}";
    char *exact = ut_exact(json, strlen(json));
    struct pod_endpoints e;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_discovery_parse(exact, strlen(json), ISS, &e, &err), 0);
    assert_string_equal(e.userinfo_endpoint, UI_URL);
    pod_endpoints_free(&e);
    assert_true(endpoints_zero(&e));
    pod_endpoints_free(&e); /* zeroed: harmless */
    free(exact);
}

/* A document over the URL limit in one endpoint. */
static void test_discovery_long_endpoint(void **state)
{
    char *path = ut_repeat('p', 3000);
    char *json = ut_format("{" J_ISS "," J_DAE "," J_TOK ",\"jwks_uri\":\"" ISS "/%s\"}", path);
    struct pod_endpoints e;
    const char *err = NULL;

    (void)state;
    assert_int_equal(pod_discovery_parse(json, strlen(json), ISS, &e, &err), -1);
    assert_non_null(err);
    assert_true(endpoints_zero(&e));
    free(json);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discovery_table),
        cmocka_unit_test(test_discovery_schemes),
        cmocka_unit_test(test_discovery_exact_length),
        cmocka_unit_test(test_discovery_long_endpoint),
    };

    return cmocka_run_group_tests_name("discovery", tests, NULL, NULL);
}

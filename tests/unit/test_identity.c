/* pod_identity_check, and the mapping keys at load time (as root); the
 * user_map parser and the name checks are in test_user_map.c. */
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
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_modules.h>

#include "identity.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "unit_helpers.h"

#define ISSUER "https://idp.example.com"

/* ---- pod_identity_check ---------------------------------------------- */

enum why {
    R_MATCH, R_MISSING, R_INVALID, R_OTHER_USER, R_GROUPS, R_MAP, R_MAP_NONE,
    R_DOMAIN, R_NO_DOMAIN, R_EMAIL, R_REQ_GROUPS, R_ACR, R_NO_ACR, R_AMR, R_NO_AMR,
};

/* A word each reason must contain: the admin reads them in the log. */
static const char *const why_word[] = {
    [R_MATCH] = "match", [R_MISSING] = "missing", [R_INVALID] = "valid",
    [R_OTHER_USER] = "different", [R_GROUPS] = "group", [R_MAP] = "user_map line",
    [R_MAP_NONE] = "no line maps", [R_DOMAIN] = "domain is not allowed",
    [R_NO_DOMAIN] = "no domain", [R_EMAIL] = "not verified",
    [R_REQ_GROUPS] = "not in group", [R_ACR] = "none of", [R_NO_ACR] = "no acr",
    [R_AMR] = "lacks", [R_NO_AMR] = "no amr",
};

/* The rule each reason is about: the reason starts with it. */
static const char *const why_rule[] = {
    [R_MATCH] = "username_claim", [R_MISSING] = "username_claim",
    [R_INVALID] = "username_claim", [R_OTHER_USER] = "username_claim",
    [R_GROUPS] = "allowed_groups", [R_MAP] = "user_map", [R_MAP_NONE] = "user_map",
    [R_DOMAIN] = "allowed_domains", [R_NO_DOMAIN] = "allowed_domains",
    [R_EMAIL] = "email_verified", [R_REQ_GROUPS] = "required_groups",
    [R_ACR] = "required_acr", [R_NO_ACR] = "required_acr", [R_AMR] = "required_amr",
    [R_NO_AMR] = "required_amr",
};

struct id_row {
    const char *name;
    const char *claims;
    const char *user;
    const char *allowed;        /* allowed_groups, NULL: no rule */
    int rc;
    const char *mapped;         /* expected mapped identity, NULL: none */
    enum why why;
    const char *username_claim; /* NULL: preferred_username */
    const char *groups_claim;   /* NULL: groups */
    /* the mapping keys, NULL: unset */
    const char *transform;
    const char *domains;
    const char *map;            /* user_map text */
    bool map_only;
    const char *required_groups;
    const char *acr;
    const char *amr;
    unsigned map_line;          /* for R_MAP: the line named */
};

#define ALICE "{\"preferred_username\":\"alice\"}"
#define ALICE_G(g) "{\"preferred_username\":\"alice\",\"groups\":" g "}"
#define ID_OK(n, c, a) { (n), (c), "alice", (a), PAM_SUCCESS, "alice", R_MATCH, NULL, NULL }
#define ID_NO_GROUP(n, c, a) { (n), (c), "alice", (a), PAM_AUTH_ERR, "alice", R_GROUPS, NULL, NULL }
/* The claim is invalid even when the PAM user is the very same string. */
#define ID_INVALID(n, v) \
    { (n), "{\"preferred_username\":\"" v "\"}", v, NULL, PAM_AUTH_ERR, NULL, R_INVALID, NULL, NULL }

/* Mapping rows: designated fields. */
#define M(...) { __VA_ARGS__ }
#define SUB_ALICE "6bb59bf39a96973e274932261534afab" /* sha256("pod:alice"), 32 hex */
#define EMAIL(addr, verified) \
    "{\"email\":\"" addr "\",\"email_verified\":" verified ",\"preferred_username\":\"x\"}"
#define STRIP "strip_domain"
#define LOWER_STRIP "lowercase, strip_domain"
#define DEPLOY_MAP "# shared account\nalice deploy\nbob deploy\n"
#define AMR(a) "{\"preferred_username\":\"alice\",\"amr\":" a "}"
#define ACR(a) "{\"preferred_username\":\"alice\",\"acr\":" a "}"

/* The older rows give the first fields in order; the rest are zero. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
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
    /* an integer is compared as its text, and digits only are no user name */
    { "claim a number", "{\"preferred_username\":1000}", "1000", NULL,
      PAM_AUTH_ERR, "1000", R_INVALID, NULL, NULL },
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
    { "claim empty, user empty", "{\"preferred_username\":\"\"}", "", NULL,
      PAM_AUTH_ERR, NULL, R_MISSING, NULL, NULL },
    ID_INVALID("claim with a space", "alice smith"),
    ID_INVALID("claim with a trailing space", "alice "),
    ID_INVALID("claim with a slash", "a/b"),
    /* one '@' passes the first check (a user_map identity may have one),
     * but it is no user name to compare with */
    { "claim with an at sign", "{\"preferred_username\":\"alice@example.com\"}",
      "alice@example.com", NULL, PAM_AUTH_ERR, "alice@example.com", R_INVALID, NULL, NULL },
    ID_INVALID("claim with two at signs", "a@b@c"),
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
    ID_NO_GROUP("a groups string is one group, never split",
                ALICE_G("\"Helpdesk Admins\""), "Admins"),
    ID_OK("a groups string with a space matches whole",
          ALICE_G("\"Helpdesk Admins\""), "Helpdesk Admins"),
    ID_NO_GROUP("groups string users admins vs admins", ALICE_G("\"users admins\""), "admins"),
    ID_OK("groups string of one", ALICE_G("\"admins\""), "admins"),
    ID_NO_GROUP("groups string with spaces around", ALICE_G("\" admins \""), "admins"),
    ID_OK("allowed with spaces: admins", ALICE_G("[\"admins\"]"), " admins , ops "),
    ID_OK("allowed with spaces: ops", ALICE_G("[\"ops\"]"), " admins , ops "),
    ID_NO_GROUP("allowed with spaces: ops in a string", ALICE_G("\"dev ops\""), " admins , ops "),
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

    /* ---- case: whole strings, ASCII case only through lowercase ---- */
    M(.name = "Alice vs alice, no transform", .claims = "{\"preferred_username\":\"Alice\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "Alice", .why = R_OTHER_USER),
    M(.name = "Alice vs alice, lowercase", .claims = "{\"preferred_username\":\"Alice\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .transform = "lowercase"),
    M(.name = "ALICE vs alice, lowercase", .claims = "{\"preferred_username\":\"ALICE\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .transform = "lowercase"),
    M(.name = "Alice vs Alice, lowercase: the user is not lowered",
      .claims = "{\"preferred_username\":\"Alice\"}", .user = "Alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_OTHER_USER, .transform = "lowercase"),
    /* ---- Unicode look-alikes never reach a compare, lowercase or not ---- */
    M(.name = "Cyrillic capital A, lowercase", .claims = "{\"preferred_username\":\"\xd0\x90lice\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_INVALID, .transform = "lowercase"),
    M(.name = "Kelvin sign K, lowercase", .claims = "{\"preferred_username\":\"\xe2\x84\xaa" "ate\"}",
      .user = "kate", .rc = PAM_AUTH_ERR, .why = R_INVALID, .transform = "lowercase"),
    M(.name = "dotless i", .claims = "{\"preferred_username\":\"al\xc4\xb1" "ce\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_INVALID, .transform = "lowercase"),
    M(.name = "fullwidth a in the domain", .claims = EMAIL("alice@ex\xef\xbd\x81mple.com", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_INVALID, .username_claim = "email",
      .transform = STRIP, .domains = "example.com"),
    M(.name = "Cyrillic in a user_map identity", .claims = "{\"preferred_username\":\"\xd0\xb0lice\"}",
      .user = "deploy", .rc = PAM_AUTH_ERR, .why = R_INVALID, .map = DEPLOY_MAP),
    /* ---- empty and wrong types ---- */
    M(.name = "empty string, lowercase", .claims = "{\"preferred_username\":\"\"}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .transform = "lowercase"),
    M(.name = "array of the name, through user_map", .claims = "{\"preferred_username\":[\"alice\"]}",
      .user = "deploy", .rc = PAM_AUTH_ERR, .why = R_MISSING, .map = DEPLOY_MAP),
    M(.name = "object, through user_map", .claims = "{\"preferred_username\":{\"alice\":1}}",
      .user = "deploy", .rc = PAM_AUTH_ERR, .why = R_MISSING, .map = DEPLOY_MAP),
    /* ---- numbers: integers as their decimal text (GitHub's id) ---- */
    M(.name = "GitHub id 12345 mapped", .claims = "{\"id\":12345,\"login\":\"octocat\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "12345", .why = R_MAP, .username_claim = "id",
      .map = "12345 alice\n", .map_line = 1),
    M(.name = "GitHub id 12345.0 is 12345", .claims = "{\"id\":12345.0}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "12345", .why = R_MAP, .username_claim = "id",
      .map = "12345 alice\n", .map_line = 1),
    M(.name = "GitHub id as a string", .claims = "{\"id\":\"12345\"}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "12345", .why = R_MAP, .username_claim = "id",
      .map = "12345 alice\n", .map_line = 1),
    M(.name = "id 12345 without a map: no user name", .claims = "{\"id\":12345}", .user = "12345",
      .rc = PAM_AUTH_ERR, .mapped = "12345", .why = R_INVALID, .username_claim = "id"),
    M(.name = "id 12346 is not 12345", .claims = "{\"id\":12346}", .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "12346", .why = R_INVALID, .username_claim = "id",
      .map = "12345 alice\n"),
    M(.name = "id 1.5 never matches", .claims = "{\"id\":1.5}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "id", .map = "1.5 alice\n"),
    M(.name = "id 1e300 never matches", .claims = "{\"id\":1e300}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "id", .map = "1e300 alice\n"),
    M(.name = "id 2^53+2 never matches", .claims = "{\"id\":9007199254740994}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "id",
      .map = "9007199254740994 alice\n"),
    M(.name = "id 2^53 matches", .claims = "{\"id\":9007199254740992}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "9007199254740992", .why = R_MAP, .username_claim = "id",
      .map = "9007199254740992 alice\n", .map_line = 1),
    M(.name = "id -5: starts with -", .claims = "{\"id\":-5}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_INVALID, .username_claim = "id"),
    M(.name = "id true", .claims = "{\"id\":true}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "id", .map = "1 alice\n"),
    /* ---- dotted paths ---- */
    M(.name = "realm.login", .claims = "{\"realm\":{\"login\":\"alice\"}}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .username_claim = "realm.login"),
    M(.name = "a.b.c", .claims = "{\"a\":{\"b\":{\"c\":\"alice\"}}}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .username_claim = "a.b.c"),
    M(.name = "realm.login, a top-level member of that name",
      .claims = "{\"realm.login\":\"alice\"}", .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .username_claim = "realm.login"),
    M(.name = "realm.login, the top-level member wins",
      .claims = "{\"realm.login\":\"bob\",\"realm\":{\"login\":\"alice\"}}", .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "bob", .why = R_OTHER_USER, .username_claim = "realm.login"),
    M(.name = "realm.login, realm a string", .claims = "{\"realm\":\"alice\"}", .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "realm.login"),
    M(.name = "realm.login, login an array", .claims = "{\"realm\":{\"login\":[\"alice\"]}}",
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "realm.login"),
    M(.name = "realm..login", .claims = "{\"realm\":{\"\":{\"login\":\"alice\"}}}",
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "realm..login"),
    M(.name = "realm.login, case of the path", .claims = "{\"Realm\":{\"login\":\"alice\"}}",
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_MISSING, .username_claim = "realm.login"),
    M(.name = "groups at realm_access.roles",
      .claims = "{\"preferred_username\":\"alice\",\"realm_access\":{\"roles\":[\"ops\",\"dev\"]}}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .groups_claim = "realm_access.roles", .required_groups = "dev, ops"),
    /* ---- strip_domain with allowed_domains ---- */
    M(.name = "alice@example.com is alice", .claims = EMAIL("alice@example.com", "true"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "alice@EXAMPLE.COM: domains ignore case", .claims = EMAIL("alice@EXAMPLE.COM", "true"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "Alice@Example.com, lowercase and strip", .claims = EMAIL("Alice@Example.com", "true"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .username_claim = "email", .transform = LOWER_STRIP, .domains = "example.com"),
    M(.name = "Alice@example.com, strip only", .claims = EMAIL("Alice@example.com", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "Alice", .why = R_OTHER_USER,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "second allowed domain", .claims = EMAIL("alice@example.org", "true"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .username_claim = "email", .transform = STRIP, .domains = "example.com, example.org"),
    M(.name = "alice@evil.example refused", .claims = EMAIL("alice@evil.example", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_DOMAIN,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "alice@evil.example@example.com never alice",
      .claims = EMAIL("alice@evil.example@example.com", "true"), .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_INVALID, .username_claim = "email", .transform = STRIP,
      .domains = "example.com"),
    M(.name = "alice@example.com@evil.example never alice",
      .claims = EMAIL("alice@example.com@evil.example", "true"), .user = "alice",
      .rc = PAM_AUTH_ERR, .why = R_INVALID, .username_claim = "email", .transform = STRIP,
      .domains = "example.com"),
    M(.name = "subdomain is another domain", .claims = EMAIL("alice@sub.example.com", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_DOMAIN,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "suffix is another domain", .claims = EMAIL("alice@example.com.evil", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_DOMAIN,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "prefix is another domain", .claims = EMAIL("alice@notexample.com", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_DOMAIN,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "no domain at all", .claims = "{\"preferred_username\":\"alice\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_DOMAIN,
      .transform = STRIP, .domains = "example.com"),
    M(.name = "empty domain", .claims = EMAIL("alice@", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_DOMAIN,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "empty local part", .claims = EMAIL("@example.com", "true"),
      .user = "alice", .rc = PAM_AUTH_ERR, .why = R_INVALID,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "allowed_domains without strip: the address itself",
      .claims = EMAIL("alice@example.com", "true"), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice@example.com", .why = R_INVALID, .username_claim = "email",
      .domains = "example.com"),
    M(.name = "allowed_domains without strip, through user_map",
      .claims = EMAIL("alice@example.com", "true"), .user = "alice", .rc = PAM_SUCCESS,
      .mapped = "alice@example.com", .why = R_MAP, .username_claim = "email",
      .domains = "example.com", .map = "alice@example.com alice\n", .map_line = 1),
    M(.name = "preferred_username with a domain, allowed",
      .claims = "{\"preferred_username\":\"alice@example.com\",\"email_verified\":false}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .transform = STRIP, .domains = "example.com"),
    /* ---- email_verified whenever the mapping rests on email ---- */
    M(.name = "email_verified true", .claims = EMAIL("alice@example.com", "true"), .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .username_claim = "email",
      .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified \"true\"", .claims = EMAIL("alice@example.com", "\"true\""),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified false", .claims = EMAIL("alice@example.com", "false"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified \"false\"", .claims = EMAIL("alice@example.com", "\"false\""),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified \"TRUE\"", .claims = EMAIL("alice@example.com", "\"TRUE\""),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified 1", .claims = EMAIL("alice@example.com", "1"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified null", .claims = EMAIL("alice@example.com", "null"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified missing", .claims = "{\"email\":\"alice@example.com\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_EMAIL,
      .username_claim = "email", .transform = STRIP, .domains = "example.com"),
    M(.name = "email_verified false, through user_map, no allowed_domains",
      .claims = EMAIL("alice@example.com", "false"), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice@example.com", .why = R_EMAIL, .username_claim = "email",
      .map = "alice@example.com alice\n"),
    M(.name = "the domain is checked before email_verified",
      .claims = EMAIL("alice@evil.example", "false"), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_DOMAIN, .username_claim = "email", .transform = STRIP,
      .domains = "example.com"),
    /* ---- user_map ---- */
    M(.name = "shared account: alice to deploy", .claims = ALICE, .user = "deploy",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MAP, .map = DEPLOY_MAP, .map_line = 2),
    M(.name = "shared account: bob to deploy", .claims = "{\"preferred_username\":\"bob\"}",
      .user = "deploy", .rc = PAM_SUCCESS, .mapped = "bob", .why = R_MAP, .map = DEPLOY_MAP,
      .map_line = 3),
    M(.name = "shared account: carol not", .claims = "{\"preferred_username\":\"carol\"}",
      .user = "deploy", .rc = PAM_AUTH_ERR, .mapped = "carol", .why = R_OTHER_USER,
      .map = DEPLOY_MAP),
    M(.name = "user_map: alice still alice", .claims = ALICE, .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .map = DEPLOY_MAP),
    M(.name = "user_map: alice is not bob", .claims = ALICE, .user = "bob",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_OTHER_USER, .map = DEPLOY_MAP),
    M(.name = "user_map_only: alice no longer alice", .claims = ALICE, .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_MAP_NONE, .map = DEPLOY_MAP,
      .map_only = true),
    M(.name = "user_map_only: alice to deploy", .claims = ALICE, .user = "deploy",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MAP, .map = DEPLOY_MAP, .map_only = true,
      .map_line = 2),
    M(.name = "user_map_only: alice alice", .claims = ALICE, .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MAP, .map = "alice alice\n",
      .map_only = true, .map_line = 1),
    M(.name = "user_map after lowercase", .claims = "{\"preferred_username\":\"Alice\"}",
      .user = "deploy", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MAP, .map = DEPLOY_MAP,
      .transform = "lowercase", .map_line = 2),
    M(.name = "user_map is case-sensitive", .claims = "{\"preferred_username\":\"Alice\"}",
      .user = "deploy", .rc = PAM_AUTH_ERR, .mapped = "Alice", .why = R_OTHER_USER,
      .map = DEPLOY_MAP),
    M(.name = "domain glob", .claims = EMAIL("dave@example.com", "true"), .user = "deploy",
      .rc = PAM_SUCCESS, .mapped = "dave@example.com", .why = R_MAP, .username_claim = "email",
      .map = "*@example.com deploy\n", .map_line = 1),
    M(.name = "domain glob, another domain", .claims = EMAIL("dave@example.com.evil", "true"),
      .user = "deploy", .rc = PAM_AUTH_ERR, .mapped = "dave@example.com.evil",
      .why = R_INVALID, .username_claim = "email", .map = "*@example.com deploy\n"),
    M(.name = "prefix glob does not cross @", .claims = EMAIL("alice@evil.example", "true"),
      .user = "deploy", .rc = PAM_AUTH_ERR, .mapped = "alice@evil.example", .why = R_MAP_NONE,
      .username_claim = "email", .map = "alice* deploy\n", .map_only = true),
    M(.name = "pin: ISSUER|SUB", .claims = "{\"sub\":\"" SUB_ALICE "\",\"preferred_username\":\"mallory\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "mallory", .why = R_MAP,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_line = 1),
    M(.name = "pin: another sub", .claims = "{\"sub\":\"0000\",\"preferred_username\":\"mallory\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "mallory", .why = R_MAP_NONE,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_only = true),
    M(.name = "pin: a renamed alice keeps her account",
      .claims = "{\"sub\":\"" SUB_ALICE "\",\"preferred_username\":\"alice.smith\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice.smith", .why = R_MAP,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_only = true, .map_line = 1),
    M(.name = "pin: a new alice does not get the account",
      .claims = "{\"sub\":\"1111\",\"preferred_username\":\"alice\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_MAP_NONE,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_only = true),
    M(.name = "pin: sub a prefix", .claims = "{\"sub\":\"6bb59bf3\",\"preferred_username\":\"x\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "x", .why = R_MAP_NONE,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_only = true),
    M(.name = "pin: sub not a string", .claims = "{\"sub\":1,\"preferred_username\":\"x\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "x", .why = R_MAP_NONE,
      .map = ISSUER "|1 alice\n", .map_only = true),
    M(.name = "pin: no sub", .claims = "{\"preferred_username\":\"x\"}",
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "x", .why = R_MAP_NONE,
      .map = ISSUER "|" SUB_ALICE " alice\n", .map_only = true),
    M(.name = "pin: a subject glob", .claims = "{\"sub\":\"" SUB_ALICE "\",\"preferred_username\":\"x\"}",
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "x", .why = R_MAP,
      .map = "bob alice\n" ISSUER "|6bb5* alice\n", .map_only = true, .map_line = 2),
    M(.name = "map lines to another user do not count", .claims = ALICE, .user = "deploy",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_MAP_NONE, .map = "alice ops\n",
      .map_only = true),
    M(.name = "groups after the map", .claims = ALICE_G("[\"users\"]"), .user = "deploy",
      .allowed = "admins", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_GROUPS,
      .map = DEPLOY_MAP),
    /* ---- required_groups: all of them ---- */
    M(.name = "required_groups all present", .claims = ALICE_G("[\"users\",\"admins\",\"ops\"]"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .required_groups = "admins, ops"),
    M(.name = "required_groups one missing", .claims = ALICE_G("[\"users\",\"admins\"]"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_REQ_GROUPS,
      .required_groups = "admins, ops"),
    M(.name = "required_groups: a string is one group", .claims = ALICE_G("\"admins ops\""),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_REQ_GROUPS,
      .required_groups = "ops,admins"),
    M(.name = "required_groups in a string", .claims = ALICE_G("\"admins\""),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .required_groups = "admins"),
    M(.name = "required_groups no groups claim", .claims = ALICE, .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_REQ_GROUPS, .required_groups = "admins"),
    M(.name = "required_groups Keycloak path exact", .claims = ALICE_G("[\"/admins\"]"),
      .user = "alice", .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH,
      .required_groups = "/admins"),
    M(.name = "required_groups Keycloak path vs name", .claims = ALICE_G("[\"/admins\"]"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_REQ_GROUPS,
      .required_groups = "admins"),
    M(.name = "required_groups no prefix", .claims = ALICE_G("[\"admin\"]"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_REQ_GROUPS,
      .required_groups = "admins"),
    M(.name = "allowed and required together", .claims = ALICE_G("[\"dev\",\"vpn\"]"),
      .user = "alice", .allowed = "dev, ops", .rc = PAM_SUCCESS, .mapped = "alice",
      .why = R_MATCH, .required_groups = "vpn"),
    M(.name = "allowed passes, required fails", .claims = ALICE_G("[\"dev\"]"),
      .user = "alice", .allowed = "dev, ops", .rc = PAM_AUTH_ERR, .mapped = "alice",
      .why = R_REQ_GROUPS, .required_groups = "vpn"),
    M(.name = "required_groups only separators", .claims = ALICE, .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .required_groups = " , "),
    /* ---- required_acr: one of them ---- */
    M(.name = "acr one of", .claims = ACR("\"urn:mfa\""), .user = "alice", .rc = PAM_SUCCESS,
      .mapped = "alice", .why = R_MATCH, .acr = "phr, urn:mfa"),
    M(.name = "acr another", .claims = ACR("\"urn:pwd\""), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_ACR, .acr = "phr, urn:mfa"),
    M(.name = "acr prefix", .claims = ACR("\"urn:mf\""), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_ACR, .acr = "urn:mfa"),
    M(.name = "acr case", .claims = ACR("\"URN:MFA\""), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_ACR, .acr = "urn:mfa"),
    M(.name = "acr missing", .claims = ALICE, .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_NO_ACR, .acr = "urn:mfa"),
    M(.name = "acr an array", .claims = ACR("[\"urn:mfa\"]"), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_NO_ACR, .acr = "urn:mfa"),
    M(.name = "acr a number", .claims = ACR("2"), .user = "alice", .rc = PAM_AUTH_ERR,
      .mapped = "alice", .why = R_NO_ACR, .acr = "2"),
    M(.name = "acr not required", .claims = ACR("\"0\""), .user = "alice", .rc = PAM_SUCCESS,
      .mapped = "alice", .why = R_MATCH),
    /* ---- required_amr: all of them, from an array ---- */
    M(.name = "amr all of", .claims = AMR("[\"pwd\",\"otp\"]"), .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .amr = "otp, pwd"),
    M(.name = "amr one of two", .claims = AMR("[\"pwd\"]"), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_AMR, .amr = "pwd, otp"),
    M(.name = "amr one", .claims = AMR("[\"hwk\",\"pin\"]"), .user = "alice",
      .rc = PAM_SUCCESS, .mapped = "alice", .why = R_MATCH, .amr = "hwk"),
    M(.name = "amr empty array", .claims = AMR("[]"), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_AMR, .amr = "otp"),
    M(.name = "amr a string", .claims = AMR("\"otp\""), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_AMR, .amr = "otp"),
    M(.name = "amr a space-separated string", .claims = AMR("\"pwd otp\""), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_AMR, .amr = "otp"),
    M(.name = "amr an object", .claims = AMR("{\"otp\":true}"), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_AMR, .amr = "otp"),
    M(.name = "amr missing", .claims = ALICE, .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_AMR, .amr = "otp"),
    M(.name = "amr non-strings ignored", .claims = AMR("[1,null,[\"otp\"],\"pwd\"]"),
      .user = "alice", .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_AMR, .amr = "otp"),
    M(.name = "amr no prefix", .claims = AMR("[\"otpx\"]"), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_AMR, .amr = "otp"),
    M(.name = "acr before amr", .claims = AMR("[\"otp\"]"), .user = "alice",
      .rc = PAM_AUTH_ERR, .mapped = "alice", .why = R_NO_ACR, .amr = "otp", .acr = "urn:mfa"),
};
#pragma GCC diagnostic pop

static char *dup_or_null(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    assert_non_null(d);
    return d;
}

static void row_options(const struct id_row *r, struct pod_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->issuer = dup_or_null(ISSUER);
    opts->username_claim = dup_or_null(r->username_claim ? r->username_claim
                                                         : "preferred_username");
    opts->groups_claim = dup_or_null(r->groups_claim ? r->groups_claim : "groups");
    opts->allowed_groups = dup_or_null(r->allowed);
    opts->username_transform = dup_or_null(r->transform);
    opts->allowed_domains = dup_or_null(r->domains);
    opts->user_map_only = r->map_only;
    opts->required_groups = dup_or_null(r->required_groups);
    opts->required_acr = dup_or_null(r->acr);
    opts->required_amr = dup_or_null(r->amr);
    if (r->map != NULL) {
        unsigned line = 0;
        const char *why = NULL;
        if (pod_user_map_parse(r->map, strlen(r->map), ISSUER, &opts->map, &line, &why) != 0)
            fail_msg("row \"%s\": the map is refused: line %u: %s", r->name, line, why);
    }
}

static void row_options_free(struct pod_options *opts)
{
    free(opts->issuer);
    free(opts->username_claim);
    free(opts->groups_claim);
    free(opts->allowed_groups);
    free(opts->username_transform);
    free(opts->allowed_domains);
    free(opts->required_groups);
    free(opts->required_acr);
    free(opts->required_amr);
    pod_user_map_free(opts->map);
    memset(opts, 0, sizeof(*opts));
}

static void test_identity_table(void **state)
{
    struct ut_table t = { "pod_identity_check", UT_ROWS(id_rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(id_rows); i++) {
        const struct id_row *r = &id_rows[i];
        struct pod_options opts;
        struct pod_identity_result res;
        const char *err = NULL, *mapped;
        cJSON *claims = pod_json_parse(r->claims, strlen(r->claims), &err);
        int rc;

        if (claims == NULL) {
            ut_check(&t, 0, r->name, "claims rejected by the JSON layer: %s", err);
            continue;
        }
        row_options(r, &opts);
        memset(&res, 0x55, sizeof(res));
        rc = pod_identity_check(claims, r->user, &opts, &res);
        mapped = res.mapped[0] != '\0' ? res.mapped : NULL;
        ut_check(&t, rc == r->rc, r->name, "rc %d, expected %d (%s)", rc, r->rc, res.reason);
        ut_check(&t, strstr(res.reason, why_word[r->why]) != NULL, r->name,
                 "reason \"%s\" lacks \"%s\"", res.reason, why_word[r->why]);
        /* The reason starts with the rule, which the result names too. */
        ut_check(&t, strncmp(res.reason, why_rule[r->why], strlen(why_rule[r->why])) == 0,
                 r->name, "reason \"%s\" does not start with %s", res.reason, why_rule[r->why]);
        ut_check_str(&t, r->name, "rule", res.rule, why_rule[r->why]);
        ut_check_str(&t, r->name, "mapped", mapped, r->mapped);
        if (r->why == R_MAP) {
            char *line = ut_format("user_map line %u:", r->map_line);
            ut_check(&t, strncmp(res.reason, line, strlen(line)) == 0, r->name,
                     "reason \"%s\" does not start with \"%s\"", res.reason, line);
            free(line);
        }
        row_options_free(&opts);
        cJSON_Delete(claims);
    }
    ut_done(&t);
}

/* Each failure gives a reason distinct from the others. */
static void test_identity_reasons_distinct(void **state)
{
    const char *seen[UT_ROWS(why_word)] = { NULL };
    char reasons[UT_ROWS(why_word)][256];

    (void)state;
    for (size_t i = 0; i < UT_ROWS(id_rows); i++) {
        const struct id_row *r = &id_rows[i];
        struct pod_options opts;
        struct pod_identity_result res;
        cJSON *claims = pod_json_parse(r->claims, strlen(r->claims), NULL);

        assert_non_null(claims);
        row_options(r, &opts);
        (void)pod_identity_check(claims, r->user, &opts, &res);
        if (seen[r->why] == NULL) {
            snprintf(reasons[r->why], sizeof(reasons[r->why]), "%s", res.reason);
            seen[r->why] = reasons[r->why];
        }
        row_options_free(&opts);
        cJSON_Delete(claims);
    }
    for (size_t a = 0; a < UT_ROWS(seen); a++) {
        if (seen[a] == NULL)
            fail_msg("no row for reason \"%s\"", why_word[a]);
        for (size_t b = a + 1; b < UT_ROWS(seen); b++)
            if (seen[b] != NULL && a != R_MAP && b != R_MAP)
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
        struct pod_identity_result res;
        int rc;

        assert_non_null(claims);
        rc = pod_identity_check(claims, user, &opts, &res);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d", rc, rows[i].rc);
        ut_check(&t, res.reason[0] != '\0', rows[i].name, "no reason");
        ut_check(&t, (rc == PAM_SUCCESS) == (res.mapped[0] != '\0'), rows[i].name,
                 "mapped %s", res.mapped[0] ? "set" : "empty");
        cJSON_Delete(claims);
        free(json);
        free(user);
    }
    ut_done(&t);
}

/* Which claim userinfo = fallback fetches userinfo for. */
static void test_identity_missing_claim(void **state)
{
    static const struct {
        const char *name;
        const char *claims;
        const char *username_claim, *allowed, *required, *acr;
        const char *want; /* NULL: nothing missing */
    } rows[] = {
        { "all there", ALICE, NULL, NULL, NULL, NULL, NULL },
        { "only sub (conformant ID token)", "{\"sub\":\"x\"}", NULL, NULL, NULL, NULL,
          "preferred_username" },
        { "null counts as present", "{\"preferred_username\":null}", NULL, NULL, NULL, NULL, NULL },
        { "dotted path missing", ALICE, "realm.login", NULL, NULL, NULL, "realm.login" },
        { "dotted path there", "{\"realm\":{\"login\":\"a\"}}", "realm.login", NULL, NULL, NULL,
          NULL },
        { "groups needed for allowed_groups", ALICE, NULL, "admins", NULL, NULL, "groups" },
        { "groups needed for required_groups", ALICE, NULL, NULL, "admins", NULL, "groups" },
        { "groups not needed", ALICE, NULL, " , ", NULL, NULL, NULL },
        { "groups there", ALICE_G("[]"), NULL, "admins", NULL, NULL, NULL },
        { "email_verified for email", "{\"email\":\"a@b\"}", "email", NULL, NULL, NULL,
          "email_verified" },
        { "acr is never fetched", ALICE, NULL, NULL, NULL, "urn:mfa", NULL },
    };
    struct ut_table t = { "pod_identity_missing_claim", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        struct pod_options opts = { 0 };
        cJSON *claims = pod_json_parse(rows[i].claims, strlen(rows[i].claims), NULL);

        assert_non_null(claims);
        opts.username_claim = (char *)(rows[i].username_claim ? rows[i].username_claim
                                                              : "preferred_username");
        opts.groups_claim = (char *)"groups";
        opts.allowed_groups = (char *)rows[i].allowed;
        opts.required_groups = (char *)rows[i].required;
        opts.required_acr = (char *)rows[i].acr;
        ut_check_str(&t, rows[i].name, "missing", pod_identity_missing_claim(claims, &opts),
                     rows[i].want);
        cJSON_Delete(claims);
    }
    ut_done(&t);
}

/* ---- the mapping keys at load time (options.c), as root ---------------- */

static void test_mapping_options(void **state)
{
    static const struct {
        const char *name;
        const char *conf;     /* after issuer and client_id; @MAP@: the map's path */
        const char *map;      /* the user_map file, NULL: none */
        int rc;
        const char *log;      /* a LOG_ERR message has it */
    } rows[] = {
        { "defaults", "", NULL, PAM_SUCCESS, NULL },
        { "every key", "username_transform = lowercase, strip_domain\n"
          "allowed_domains = example.com, Example.ORG\nuser_map = @MAP@\nuser_map_only = yes\n"
          "skip_users = root, admin\nonly_users = alice,bob\nonly_group = pod-users\n"
          "required_groups = admins, /ops\nrequired_acr = urn:mfa, phr\n"
          "required_amr = pwd, otp\nuserinfo = always\n", "alice alice\n", PAM_SUCCESS, NULL },
        { "strip_domain without allowed_domains", "username_transform = strip_domain\n",
          NULL, PAM_SERVICE_ERR, "needs allowed_domains" },
        { "strip_domain with allowed_domains unset", "username_transform = strip_domain\n"
          "allowed_domains =\n", NULL, PAM_SERVICE_ERR, "needs allowed_domains" },
        { "lowercase alone", "username_transform = lowercase\n", NULL, PAM_SUCCESS, NULL },
        { "unknown transform", "username_transform = uppercase\n", NULL, PAM_SERVICE_ERR,
          "username_transform" },
        { "transform twice", "username_transform = lowercase,lowercase\n", NULL,
          PAM_SERVICE_ERR, "twice" },
        { "domain with @", "allowed_domains = @example.com\n", NULL, PAM_SERVICE_ERR,
          "allowed_domains" },
        { "domain with a blank", "allowed_domains = example .com\n", NULL, PAM_SERVICE_ERR,
          "allowed_domains" },
        { "domain with a glob", "allowed_domains = *.example.com\n", NULL, PAM_SERVICE_ERR,
          "allowed_domains" },
        { "user_map_only without user_map", "user_map_only = yes\n", NULL, PAM_SERVICE_ERR,
          "user_map_only" },
        { "user_map missing", "user_map = /nonexistent/pod.map\n", NULL, PAM_SERVICE_ERR,
          "pod.map" },
        { "user_map bad line", "user_map = @MAP@\n", "# ok\nalice deploy\nbob\n",
          PAM_SERVICE_ERR, "pod.map:3: expected" },
        { "user_map everyone", "user_map = @MAP@\n", "* root\n", PAM_SERVICE_ERR,
          "pod.map:1: IDENTITY matches everyone" },
        { "user_map pin of another issuer", "user_map = @MAP@\n", "https://x.example|1 alice\n",
          PAM_SERVICE_ERR, "another issuer" },
        { "user_map pin", "user_map = @MAP@\n", "https://idp.example.com/realms/corp|1 alice\n",
          PAM_SUCCESS, NULL },
        { "skip_users with a blank inside", "skip_users = root admin\n", NULL, PAM_SERVICE_ERR,
          "skip_users" },
        { "only_group a list", "only_group = a,b\n", NULL, PAM_SERVICE_ERR, "only_group" },
        { "required_acr with a blank inside", "required_acr = urn:a urn:b\n", NULL,
          PAM_SERVICE_ERR, "required_acr" },
        { "userinfo bad", "userinfo = sometimes\n", NULL, PAM_SERVICE_ERR,
          "fallback|always|never" },
        { "userinfo NEVER", "userinfo = NEVER\n", NULL, PAM_SUCCESS, NULL },
    };
    struct ut_table t = { "mapping options", UT_ROWS(rows), 0 };

    (void)state;
    if (geteuid() != 0)
        skip(); /* the files must be owned by root */
    assert_int_equal(ut_tmpdir_make("identity"), 0);
    ut_log_capture(NULL, false);
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        const char *map = ut_put_file("pod.map", rows[i].map ? rows[i].map : "", 0644);
        const char *at = strstr(rows[i].conf, "@MAP@");
        char *conf = at == NULL ? ut_format("%s", rows[i].conf)
                                : ut_format("%.*s%s%s", (int)(at - rows[i].conf),
                                            rows[i].conf, map, at + 5);
        char *text = ut_format("issuer = https://idp.example.com/realms/corp\n"
                               "client_id = pam\n%s", conf);
        const char *path = ut_put_file("pod.conf", text, 0644);
        char *arg = ut_format("config=%s", path);
        const char *argv[] = { arg };
        struct pod_options o;
        int rc;

        ut_log_clear();
        rc = pod_options_load_at(NULL, "/nonexistent", 1, argv, &o);
        ut_check(&t, rc == rows[i].rc, rows[i].name, "rc %d, expected %d; log: %s", rc,
                 rows[i].rc, ut_log.text);
        if (rows[i].log != NULL)
            ut_check(&t, ut_logged(LOG_ERR, rows[i].log, NULL), rows[i].name,
                     "no LOG_ERR line with \"%s\": %s", rows[i].log, ut_log.text);
        if (rc == PAM_SUCCESS && strcmp(rows[i].name, "every key") == 0) {
            ut_check(&t, o.map != NULL && o.map->n == 1, rows[i].name, "the map was not read");
            ut_check(&t, o.user_map_only && o.userinfo == POD_USERINFO_ALWAYS, rows[i].name,
                     "bool or enum not set");
            ut_check_str(&t, rows[i].name, "only_group", o.only_group, "pod-users");
        }
        if (rc == PAM_SUCCESS && strcmp(rows[i].name, "defaults") == 0) {
            ut_check(&t, o.map == NULL && !o.user_map_only &&
                     o.userinfo == POD_USERINFO_FALLBACK && o.username_transform == NULL &&
                     o.allowed_domains == NULL && o.skip_users == NULL &&
                     o.required_acr == NULL, rows[i].name, "a default is not as documented");
        }
        pod_options_free(&o);
        free(arg);
        free(text);
        free(conf);
    }
    assert_int_equal(ut_tmpdir_remove(), 0);
    pod_log_set_sink(NULL);
    ut_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_table),
        cmocka_unit_test(test_identity_reasons_distinct),
        cmocka_unit_test(test_identity_long_name),
        cmocka_unit_test(test_identity_missing_claim),
        cmocka_unit_test(test_mapping_options),
    };

    return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <security/pam_modules.h>

#include "claims.h"
#include "identity.h"
#include "json.h"

static bool portable(unsigned char c)
{
    /* Ranges, not isalnum(): the same set in every locale. */
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

int pod_valid_username(const char *s)
{
    size_t n = 0;

    /* "." and "..", and names of digits only (read as a uid by chown and
     * friends), are not user names. */
    if (s == NULL || s[0] == '\0' || s[0] == '-' || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || s[strspn(s, "0123456789")] == '\0')
        return 0;
    for (; s[n] != '\0'; n++) {
        if (n + 1 >= POD_MAX_USERNAME)
            return 0;
        if (!portable((unsigned char)s[n]))
            return 0;
    }
    return 1;
}

int pod_valid_identity(const char *s)
{
    size_t n = 0, at = 0;

    if (s == NULL || s[0] == '\0' || s[0] == '-')
        return 0;
    for (; s[n] != '\0'; n++) {
        if (n + 1 >= POD_MAX_USERNAME)
            return 0;
        if (s[n] == '@')
            at++;
        else if (!portable((unsigned char)s[n]))
            return 0;
    }
    return at <= 1;
}

/* ---- user_map ----------------------------------------------------------- */

void pod_user_map_free(struct pod_user_map *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->n; i++) {
        free(map->lines[i].pattern);
        free(map->lines[i].user);
    }
    free(map->lines);
    free(map);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Why a pattern can never be used, or NULL. */
static const char *bad_pattern(const char *pat, size_t n, const char *issuer)
{
    const char *bar = memchr(pat, '|', n);
    size_t at = 0;

    if (n >= POD_MAX_MAP_PATTERN)
        return "IDENTITY is too long";
    if (bar != NULL) {
        /* ISSUER|SUB: the issuer literally, a subject that is not all '*'. */
        size_t ilen = (size_t)(bar - pat), slen = n - ilen - 1;
        if (memchr(pat, '*', ilen) != NULL)
            return "the ISSUER of ISSUER|SUB cannot have '*'";
        if (issuer != NULL && (strlen(issuer) != ilen || memcmp(issuer, pat, ilen) != 0))
            return "ISSUER|SUB names another issuer than the configured one";
        if (slen == 0)
            return "ISSUER|SUB has no SUB";
        for (size_t i = ilen + 1; i < n; i++)
            if (pat[i] != '*')
                return NULL;
        return "ISSUER|* matches every subject; name the subject";
    }
    for (size_t i = 0; i < n; i++) {
        if (pat[i] == '@')
            at++;
        else if (pat[i] != '*' && !portable((unsigned char)pat[i]))
            return "IDENTITY has a character no identity can have";
    }
    if (at > 1)
        return "IDENTITY has more than one '@'";
    if (pat[0] == '-')
        return "IDENTITY starts with '-'";
    if (strspn(pat, "*@") >= n)
        return "IDENTITY matches everyone; name the people (or their domain: *@example.com)";
    return NULL;
}

/* One line, NUL-terminated, cut in place.  0, or -1 with *why. */
static int parse_map_line(char *s, const char *issuer, struct pod_user_map *map,
                          unsigned lineno, const char **why)
{
    char *pat, *user, *end;
    struct pod_map_line *l;

    while (is_blank(*s))
        s++;
    if (*s == '\0' || *s == '#')
        return 0;
    pat = s;
    while (*s != '\0' && !is_blank(*s))
        s++;
    end = s;
    while (is_blank(*s))
        s++;
    user = s;
    while (*s != '\0' && !is_blank(*s))
        s++;
    if (*s != '\0') {
        *s++ = '\0';
        while (is_blank(*s))
            s++;
    }
    *end = '\0';
    if (*user == '\0' || *s != '\0') {
        *why = "expected \"IDENTITY LOCALUSER\"";
        return -1;
    }
    for (const char *c = pat; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
            *why = "IDENTITY has a control or non-ASCII character";
            return -1;
        }
    if ((*why = bad_pattern(pat, strlen(pat), issuer)) != NULL)
        return -1;
    if (!pod_valid_username(user)) {
        *why = "LOCALUSER is not a valid user name";
        return -1;
    }
    if (strcmp(user, "root") == 0 && strchr(pat, '*') != NULL) {
        *why = "a pattern with '*' may not map to root; name the identity";
        return -1;
    }
    l = realloc(map->lines, (map->n + 1) * sizeof(*l));
    if (l == NULL) {
        *why = "out of memory";
        return -1;
    }
    map->lines = l;
    l = &map->lines[map->n];
    l->pattern = strdup(pat);
    l->user = strdup(user);
    l->line = lineno;
    if (l->pattern == NULL || l->user == NULL) {
        free(l->pattern);
        free(l->user);
        *why = "out of memory";
        return -1;
    }
    map->n++;
    return 0;
}

int pod_user_map_parse(const char *text, size_t len, const char *issuer,
                       struct pod_user_map **out, unsigned *line, const char **why)
{
    struct pod_user_map *map = calloc(1, sizeof(*map));
    const char *p = text, *end = text + len;
    char buf[POD_MAX_MAP_PATTERN + POD_MAX_USERNAME + 64];
    unsigned lineno = 0;

    *out = NULL;
    *line = 0;
    if (map == NULL) {
        *why = "out of memory";
        return -1;
    }
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        *why = "it contains a NUL byte";
        goto fail;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n;

        if (eol == NULL)
            eol = end;
        n = (size_t)(eol - p);
        *line = ++lineno;
        if (n >= sizeof(buf)) {
            *why = "line too long";
            goto fail;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (parse_map_line(buf, issuer, map, lineno, why) != 0)
            goto fail;
        p = eol + 1;
    }
    *line = 0;
    *out = map;
    return 0;
fail:
    pod_user_map_free(map);
    return -1;
}

/* '*' against a piece of s without separators: the classic greedy match
 * with one backtrack point, O(n*m) at worst. */
static bool glob_piece(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pn && p[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

int pod_map_glob(const char *pattern, const char *s)
{
    for (;;) {
        size_t pn = strcspn(pattern, "@|"), sn = strcspn(s, "@|");

        if (!glob_piece(pattern, pn, s, sn))
            return 0;
        /* The same separator, or both at their ends. */
        if (pattern[pn] != s[sn])
            return 0;
        if (pattern[pn] == '\0')
            return 1;
        pattern += pn + 1;
        s += sn + 1;
    }
}

/* ---- local accounts ------------------------------------------------------ */

/* A buffer that fits any sane entry: a group of many thousands of members
 * is several hundred KiB, and ERANGE must never read as "no such group". */
#define NSS_BUF_MIN 4096
#define NSS_BUF_MAX (16 * 1024 * 1024)

enum nss_kind { NSS_USER, NSS_GROUP };

/* getpwnam_r or getgrnam_r, the buffer doubled on ERANGE.  1 with *buf
 * (free it) behind *ent, 0 when there is no such entry, -1 (errno set)
 * when the lookup failed. */
static int nss_lookup(enum nss_kind kind, const char *name, void *ent, char **buf)
{
    size_t len = NSS_BUF_MIN;

    *buf = NULL;
    for (;;) {
        char *b = realloc(*buf, len);
        void *res = NULL;
        int e;

        if (b == NULL) {
            e = ENOMEM;
        } else {
            *buf = b;
            errno = 0;
            e = kind == NSS_USER
                ? getpwnam_r(name, ent, b, len, (struct passwd **)&res)
                : getgrnam_r(name, ent, b, len, (struct group **)&res);
            /* Some NSS layers (nss_wrapper) answer -1 and set errno. */
            if (e == -1)
                e = errno;
            if (e == 0 && res != NULL)
                return 1;
            /* Not found: 0 with no result, or one of the errnos glibc
             * documents for an unknown name. */
            if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM) {
                free(*buf);
                *buf = NULL;
                return 0;
            }
            if (e == ERANGE && len < NSS_BUF_MAX) {
                len *= 2;
                continue;
            }
        }
        free(*buf);
        *buf = NULL;
        errno = e;
        return -1;
    }
}

int pod_getpwnam(const char *name, struct passwd *pw, char **buf)
{
    return nss_lookup(NSS_USER, name, pw, buf);
}

int pod_getgrnam(const char *name, struct group *gr, char **buf)
{
    return nss_lookup(NSS_GROUP, name, gr, buf);
}

int pod_in_local_group(const struct passwd *pw, gid_t gid)
{
    gid_t *gids = NULL;
    int n = 64, found = -1;

    if (pw->pw_gid == gid)
        return 1;
    for (int tries = 0; tries < 8 && found < 0; tries++) {
        gid_t *more = realloc(gids, (size_t)n * sizeof(*gids));
        int got = n;

        if (more == NULL)
            break;
        gids = more;
        if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &got) >= 0) {
            found = 0;
            for (int i = 0; i < got && !found; i++)
                found = gids[i] == gid;
        } else {
            n = got > n ? got : n * 4; /* got: the size needed */
        }
    }
    free(gids);
    return found;
}

/* ---- the rules ---------------------------------------------------------- */

struct ctx {
    const cJSON *claims;
    const char *user;
    const struct pod_options *opts;
    const char *domain; /* of the claim before transforms; NULL: none */
    char identity[POD_MAX_USERNAME];
    struct pod_identity_result *res;
};

__attribute__((format(printf, 2, 3)))
static void say(struct ctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->res->reason, sizeof(c->res->reason), fmt, ap);
    va_end(ap);
}

static bool rule_username_claim(struct ctx *c)
{
    const char *claim = c->opts->username_claim;
    char num[POD_CLAIM_NUM_MAX];
    const char *text = pod_claim_text(pod_claim_get(c->claims, claim), num);
    const char *list = c->opts->username_transform, *t, *at;
    size_t tn;

    if (text == NULL) {
        say(c, "username_claim: the username claim is missing, empty, or not a string "
            "or an integer");
        return false;
    }
    /* Before the transforms: portable, with at most one '@' (so the domain
     * after it is the only domain there is). */
    if (!pod_valid_identity(text)) {
        say(c, "username_claim: the username claim is not a valid user name");
        return false;
    }
    at = strrchr(text, '@');
    c->domain = at != NULL ? at + 1 : NULL;
    snprintf(c->identity, sizeof(c->identity), "%s", text);
    while (pod_list_next(&list, &t, &tn)) {
        if (tn == 9 && memcmp(t, "lowercase", 9) == 0) {
            for (char *p = c->identity; *p != '\0'; p++)
                *p = pod_ascii_lower(*p);
        } else if (tn == 12 && memcmp(t, "strip_domain", 12) == 0) {
            char *a = strrchr(c->identity, '@');
            if (a != NULL)
                *a = '\0';
        }
    }
    if (!pod_valid_identity(c->identity)) {
        c->identity[0] = '\0';
        say(c, "username_claim: the username claim is not a valid user name");
        return false;
    }
    snprintf(c->res->mapped, sizeof(c->res->mapped), "%s", c->identity);
    return true;
}

static bool rule_allowed_domains(struct ctx *c)
{
    const char *list = c->opts->allowed_domains;

    if (pod_list_empty(list))
        return true;
    if (c->domain == NULL || *c->domain == '\0') {
        say(c, "allowed_domains: the identity has no domain");
        return false;
    }
    if (!pod_list_has(list, c->domain, strlen(c->domain), true)) {
        say(c, "allowed_domains: the identity's domain is not allowed");
        return false;
    }
    return true;
}

/* An address that nobody verified can be anybody's: whenever the mapping
 * rests on the email claim, email_verified must be true. */
static bool rule_email_verified(struct ctx *c)
{
    if (strcmp(c->opts->username_claim, "email") != 0)
        return true;
    if (pod_json_true(c->claims, "email_verified"))
        return true;
    say(c, "email_verified: the email address is not verified");
    return false;
}

static bool rule_mapping(struct ctx *c)
{
    const struct pod_user_map *map = c->opts->map;
    const char *sub = pod_json_string(c->claims, "sub");
    const char *issuer = pod_options_issuer(c->opts); /* "github" too */
    char pin[2048] = "";

    /* A pin that does not fit matches nothing (patterns are shorter). */
    if (sub != NULL && issuer != NULL &&
        (size_t)snprintf(pin, sizeof(pin), "%s|%s", issuer, sub) >= sizeof(pin))
        pin[0] = '\0';
    for (size_t i = 0; map != NULL && i < map->n; i++) {
        const struct pod_map_line *l = &map->lines[i];
        bool is_pin = strchr(l->pattern, '|') != NULL;
        const char *target = is_pin ? pin : c->identity;

        if (strcmp(l->user, c->user) != 0 || *target == '\0')
            continue;
        if (pod_map_glob(l->pattern, target)) {
            c->res->rule = "user_map";
            say(c, "user_map line %u: %s to the user", l->line,
                is_pin ? "the issuer and subject map" : "the identity maps");
            return true;
        }
    }
    if (c->opts->user_map_only) {
        c->res->rule = "user_map";
        say(c, "user_map: no line maps the identity to the user");
        return false;
    }
    c->res->rule = "username_claim";
    if (!pod_valid_username(c->identity)) {
        say(c, "username_claim: the username claim is not a valid user name");
        return false;
    }
    if (strcmp(c->identity, c->user) != 0) {
        say(c, "username_claim: the identity is a different user%s",
            map != NULL ? " and no user_map line maps it to the user" : "");
        return false;
    }
    say(c, "username_claim: the username claim matches");
    return true;
}

/* Whether one group name v is s (n bytes), or is in list when list is set. */
static bool group_matches(const char *v, const char *list, const char *s, size_t n)
{
    size_t vn = strlen(v);

    return vn > 0 && (list != NULL ? pod_list_has(list, v, vn, false)
                                   : vn == n && memcmp(v, s, n) == 0);
}

/* Groups come as a JSON array of strings or as one string, which is one
 * group: AD names have spaces ("Helpdesk Admins") and ADFS sends a single
 * group as a string, so splitting it would grant "Admins". */
static bool in_groups(const cJSON *groups, const char *list, const char *s, size_t n)
{
    const cJSON *g;

    if (cJSON_IsString(groups))
        return group_matches(groups->valuestring, list, s, n);
    if (!cJSON_IsArray(groups))
        return false;
    cJSON_ArrayForEach(g, groups)
        if (cJSON_IsString(g) && group_matches(g->valuestring, list, s, n))
            return true;
    return false;
}

static bool rule_allowed_groups(struct ctx *c)
{
    const char *list = c->opts->allowed_groups;

    if (pod_list_empty(list) ||
        in_groups(pod_claim_get(c->claims, c->opts->groups_claim), list, NULL, 0))
        return true;
    say(c, "allowed_groups: not in allowed_groups");
    return false;
}

static bool rule_required_groups(struct ctx *c)
{
    const cJSON *groups = pod_claim_get(c->claims, c->opts->groups_claim);
    const char *list = c->opts->required_groups, *g;
    size_t n;

    while (pod_list_next(&list, &g, &n)) {
        if (!in_groups(groups, NULL, g, n)) {
            say(c, "required_groups: not in group %.*s", (int)(n < 128 ? n : 128), g);
            return false;
        }
    }
    return true;
}

static bool rule_required_acr(struct ctx *c)
{
    const char *list = c->opts->required_acr;
    const char *acr = pod_json_string(c->claims, "acr");

    if (pod_list_empty(list))
        return true;
    if (acr == NULL) {
        say(c, "required_acr: the ID token has no acr");
        return false;
    }
    if (!pod_list_has(list, acr, strlen(acr), false)) {
        say(c, "required_acr: acr is none of required_acr");
        return false;
    }
    return true;
}

static bool rule_required_amr(struct ctx *c)
{
    const cJSON *amr = pod_json_get(c->claims, "amr"), *m;
    const char *list = c->opts->required_amr, *want;
    size_t n;

    if (pod_list_empty(list))
        return true;
    if (!cJSON_IsArray(amr)) {
        say(c, "required_amr: the ID token has no amr array");
        return false;
    }
    while (pod_list_next(&list, &want, &n)) {
        bool found = false;
        cJSON_ArrayForEach(m, amr)
            if (cJSON_IsString(m) && strlen(m->valuestring) == n &&
                memcmp(m->valuestring, want, n) == 0)
                found = true;
        if (!found) {
            say(c, "required_amr: amr lacks %.*s", (int)(n < 128 ? n : 128), want);
            return false;
        }
    }
    return true;
}

static const struct {
    const char *name;
    bool (*check)(struct ctx *c);
} rules[] = {
    { "username_claim", rule_username_claim },
    { "allowed_domains", rule_allowed_domains },
    { "email_verified", rule_email_verified },
    { "user_map", rule_mapping }, /* or username_claim: it says which */
    { "allowed_groups", rule_allowed_groups },
    { "required_groups", rule_required_groups },
    { "required_acr", rule_required_acr },
    { "required_amr", rule_required_amr },
};

int pod_identity_check(const cJSON *claims, const char *user,
                       const struct pod_options *opts, struct pod_identity_result *res)
{
    struct ctx c = { .claims = claims, .user = user, .opts = opts, .res = res };
    char decided[sizeof(res->reason)];
    const char *decided_rule = NULL;

    memset(res, 0, sizeof(*res));
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        res->rule = rules[i].name;
        if (!rules[i].check(&c))
            return PAM_AUTH_ERR;
        /* The mapping says why the person may be this user. */
        if (rules[i].check == rule_mapping) {
            decided_rule = res->rule;
            memcpy(decided, res->reason, sizeof(decided));
        }
    }
    res->rule = decided_rule;
    memcpy(res->reason, decided, sizeof(decided));
    return PAM_SUCCESS;
}

const char *pod_identity_missing_claim(const cJSON *claims, const struct pod_options *opts)
{
    if (pod_claim_get(claims, opts->username_claim) == NULL)
        return opts->username_claim;
    if (strcmp(opts->username_claim, "email") == 0 &&
        pod_json_get(claims, "email_verified") == NULL)
        return "email_verified";
    if ((!pod_list_empty(opts->allowed_groups) || !pod_list_empty(opts->required_groups)) &&
        pod_claim_get(claims, opts->groups_claim) == NULL)
        return opts->groups_claim;
    return NULL;
}

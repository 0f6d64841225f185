/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Mapping the identity to the local user and the authorization rules (pure). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "claims.h"
#include "identity.h"
#include "json.h"
#include "list.h"
#include "user_map.h"

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
    /* The issuer the map was checked against (pod_options_issuer: "github" too). */
    const char *issuer = map != NULL ? map->issuer : NULL;
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
            return POD_IDENTITY_DENIED;
        /* The mapping says why the person may be this user. */
        if (rules[i].check == rule_mapping) {
            decided_rule = res->rule;
            memcpy(decided, res->reason, sizeof(decided));
        }
    }
    res->rule = decided_rule;
    memcpy(res->reason, decided, sizeof(decided));
    return POD_IDENTITY_OK;
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

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Claims by dotted path, comparable claim text and the userinfo merge. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "json.h"

/* 2^53: beyond it doubles skip integers, so "the same number" is moot. */
#define EXACT_INT_MAX 9007199254740992.0

const cJSON *pod_claim_get(const cJSON *claims, const char *path)
{
    const cJSON *v;
    const char *p;
    char part[256];

    if (!cJSON_IsObject(claims) || path == NULL || *path == '\0')
        return NULL;
    v = pod_json_get(claims, path);
    if (v != NULL || strchr(path, '.') == NULL)
        return v;
    v = claims;
    for (p = path;;) {
        size_t n = strcspn(p, ".");
        if (n == 0 || n >= sizeof(part) || !cJSON_IsObject(v))
            return NULL;
        memcpy(part, p, n);
        part[n] = '\0';
        v = pod_json_get(v, part);
        if (v == NULL)
            return NULL;
        if (p[n] == '\0')
            return v;
        p += n + 1;
    }
}

const char *pod_claim_text(const cJSON *value, char num[POD_CLAIM_NUM_MAX])
{
    double d;

    if (cJSON_IsString(value))
        return value->valuestring[0] != '\0' ? value->valuestring : NULL;
    if (!cJSON_IsNumber(value))
        return NULL;
    d = value->valuedouble;
    /* NaN fails both comparisons; infinities and 1e300 the range. */
    if (!(d >= -EXACT_INT_MAX && d <= EXACT_INT_MAX) || d != trunc(d))
        return NULL;
    snprintf(num, POD_CLAIM_NUM_MAX, "%lld", (long long)d);
    return num;
}

/* Claims about the token and the authentication event: only the signed ID
 * token may carry them. */
static const char *const id_token_only[] = {
    "iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "acr", "amr",
    "azp", "at_hash", "c_hash", "sid", "jti", "cnf", NULL,
};

static bool is_id_token_only(const char *name)
{
    for (size_t i = 0; id_token_only[i] != NULL; i++)
        if (strcmp(name, id_token_only[i]) == 0)
            return true;
    return false;
}

int pod_claims_merge(const cJSON *id_claims, const cJSON *userinfo, cJSON **out,
                     const char **err)
{
    const char *id_sub = pod_json_string(id_claims, "sub");
    const char *ui_sub = pod_json_string(userinfo, "sub");
    const cJSON *m;
    cJSON *merged;

    *out = NULL;
    if (!cJSON_IsObject(id_claims) || !cJSON_IsObject(userinfo)) {
        *err = "userinfo answer is not a JSON object";
        return -1;
    }
    if (id_sub == NULL || ui_sub == NULL || strcmp(id_sub, ui_sub) != 0) {
        *err = "userinfo sub differs from the ID token";
        return -1;
    }
    merged = cJSON_Duplicate(id_claims, 1);
    if (merged == NULL) {
        *err = "out of memory";
        return -1;
    }
    cJSON_ArrayForEach(m, userinfo) {
        cJSON *copy;

        /* Nothing the ID token answers under this name, as a member or as
         * a dotted path into one, may be shadowed: a literal "realm.login"
         * from userinfo would win the lookup over the signed realm.login. */
        if (m->string == NULL || is_id_token_only(m->string) ||
            pod_json_get(id_claims, m->string) != NULL ||
            pod_claim_get(id_claims, m->string) != NULL)
            continue;
        copy = cJSON_Duplicate(m, 1);
        if (copy == NULL || !cJSON_AddItemToObject(merged, m->string, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(merged);
            *err = "out of memory";
            return -1;
        }
    }
    *out = merged;
    return 0;
}

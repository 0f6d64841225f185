/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The group_map file: a pure parser, and the IdP groups a claim holds. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "group_map.h"
#include "user_map.h"

void pod_group_map_free(struct pod_group_map *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->n; i++) {
        free(map->lines[i].idp_group);
        free(map->lines[i].group);
    }
    free(map->lines);
    free(map);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int add_line(struct pod_group_map *map, const char *idp, size_t idp_len,
                    const char *group, unsigned lineno)
{
    struct pod_group_line *l = realloc(map->lines, (map->n + 1) * sizeof(*l));

    if (l == NULL)
        return -1;
    map->lines = l;
    l = &map->lines[map->n];
    l->idp_group = strndup(idp, idp_len);
    l->group = strdup(group);
    l->line = lineno;
    if (l->idp_group == NULL || l->group == NULL) {
        free(l->idp_group);
        free(l->group);
        return -1;
    }
    map->n++;
    return 0;
}

/* One line of n bytes (no newline) into the map: a pod_map_line_fn. */
static int parse_line(void *map, const char *s, size_t n, unsigned lineno, const char **why)
{
    char group[POD_MAX_GROUPNAME];
    size_t b = 0, e = n, gs;

    while (b < n && is_blank(s[b]))
        b++;
    while (e > b && is_blank(s[e - 1]))
        e--;
    if (b == e || s[b] == '#')
        return 0;
    for (size_t i = b; i < e; i++)
        if ((unsigned char)s[i] < 0x20 ? s[i] != '\t' : (unsigned char)s[i] >= 0x7f) {
            *why = "a control or non-ASCII character";
            return -1;
        }
    /* LOCAL_GROUP: the last field; IDP_GROUP: all before it, trimmed. */
    for (gs = e; gs > b && !is_blank(s[gs - 1]); gs--)
        ;
    if (gs == b) {
        *why = "expected \"IDP_GROUP LOCAL_GROUP\"";
        return -1;
    }
    if (e - gs >= sizeof(group)) {
        *why = "LOCAL_GROUP is too long";
        return -1;
    }
    memcpy(group, s + gs, e - gs);
    group[e - gs] = '\0';
    while (gs > b && is_blank(s[gs - 1]))
        gs--;
    if (gs - b >= POD_MAX_IDP_GROUP) {
        *why = "IDP_GROUP is too long";
        return -1;
    }
    if (!pod_valid_username(group)) {
        *why = "LOCAL_GROUP is not a valid group name";
        return -1;
    }
    if (strcmp(group, "root") == 0) {
        *why = "LOCAL_GROUP may not be root";
        return -1;
    }
    if (add_line(map, s + b, gs - b, group, lineno) != 0) {
        *why = "out of memory";
        return -1;
    }
    return 0;
}

int pod_group_map_parse(const char *text, size_t len, struct pod_group_map **out,
                        unsigned *line, const char **why)
{
    struct pod_group_map *map = calloc(1, sizeof(*map));

    *out = NULL;
    *line = 0;
    if (map == NULL) {
        *why = "out of memory";
        return -1;
    }
    if (pod_map_lines(text, len, parse_line, map, line, why) != 0) {
        pod_group_map_free(map);
        return -1;
    }
    *out = map;
    return 0;
}

bool pod_groups_claim_has(const cJSON *groups, const char *s)
{
    const cJSON *g;
    size_t n = strlen(s);

    if (n == 0)
        return false;
    if (cJSON_IsArray(groups)) {
        cJSON_ArrayForEach(g, groups)
            if (cJSON_IsString(g) && strcmp(g->valuestring, s) == 0)
                return true;
        return false;
    }
    if (cJSON_IsString(groups)) {
        for (const char *p = groups->valuestring; *p != '\0';) {
            size_t vn = strcspn(p, " ");
            if (vn == n && memcmp(p, s, n) == 0)
                return true;
            p += vn;
            p += strspn(p, " ");
        }
    }
    return false;
}

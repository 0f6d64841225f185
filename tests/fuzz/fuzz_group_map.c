/* pod_group_map_parse: the group_map file.  Each line kept must name a
 * local group the session may get (gid 0 is the loader's check, through
 * NSS: options.c), and its IdP group must be one that a groups claim
 * carrying it matches (pod_groups_claim_has, what the login runs). */
#include "config.h"

#include "fuzz.h"
#include "group_map.h"
#include "user_map.h"

/* IDP_GROUP: printable ASCII and tabs, trimmed, and no comment. */
static int clean_idp_group(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= POD_MAX_IDP_GROUP || s[0] == '#' || s[0] == ' ' || s[0] == '\t' ||
        s[n - 1] == ' ' || s[n - 1] == '\t')
        return 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

/* A claim holding the IdP group: as a JSON array, and as a string of
 * blank-separated names when it has no blank. */
static void check_claims(const char *idp)
{
    cJSON *array = cJSON_CreateArray(), *one = cJSON_CreateString(idp);

    if (array != NULL && one != NULL) {
        cJSON_AddItemToArray(array, one);
        FUZZ_CHECK(pod_groups_claim_has(array, idp));
        FUZZ_CHECK(strchr(idp, ' ') != NULL || pod_groups_claim_has(one, idp));
    } else {
        cJSON_Delete(one);
    }
    cJSON_Delete(array);
}

static int parse(const uint8_t *text, size_t len, unsigned *line, const char **why)
{
    struct pod_group_map *map = NULL;
    int rc = pod_group_map_parse((const char *)text, len, &map, line, why);

    pod_group_map_free(map);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Not NULL: a refusal must set it so. */
    struct pod_group_map *map = (void *)1;
    unsigned line = 99, prev = 0, nlines = fuzz_map_line_count(data, size);
    const char *why = NULL;
    int rc;

    fuzz_quiet();
    rc = pod_group_map_parse((const char *)data, size, &map, &line, &why);
    fuzz_check_map_result(data, size, rc, map != NULL, line, why, parse);
    if (rc != 0)
        return 0;
    for (size_t i = 0; i < map->n; i++) {
        const struct pod_group_line *l = &map->lines[i];

        FUZZ_CHECK(l->line > prev && l->line <= nlines);
        prev = l->line;
        FUZZ_CHECK(pod_valid_username(l->group) && strlen(l->group) < POD_MAX_GROUPNAME);
        FUZZ_CHECK(strcmp(l->group, "root") != 0);
        FUZZ_CHECK(clean_idp_group(l->idp_group));
        check_claims(l->idp_group);
    }
    pod_group_map_free(map);
    return 0;
}

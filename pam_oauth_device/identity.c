#include "config.h"

#include <ctype.h>
#include <string.h>
#include <security/pam_modules.h>

#include "identity.h"
#include "json.h"

int pod_valid_username(const char *s)
{
    size_t n = 0;

    /* "." and "..", and names of digits only (read as a uid by chown and
     * friends), are not user names. */
    if (s == NULL || s[0] == '\0' || s[0] == '-' || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0 || s[strspn(s, "0123456789")] == '\0')
        return 0;
    for (; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if (n + 1 >= POD_MAX_USERNAME)
            return 0;
        if (!(isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-')))
            return 0;
    }
    return 1;
}

/* Whether item equals one entry of a comma list (entries trimmed); whole
 * strings only, never prefixes. */
static int list_contains(const char *list, const char *item, size_t item_len)
{
    const char *p = list;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        const char *stop = end ? end : p + strlen(p);
        while (p < stop && isspace((unsigned char)*p))
            p++;
        const char *e = stop;
        while (e > p && isspace((unsigned char)e[-1]))
            e--;
        if ((size_t)(e - p) == item_len && memcmp(p, item, item_len) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int list_empty(const char *list)
{
    for (; list != NULL && *list != '\0'; list++)
        if (!isspace((unsigned char)*list) && *list != ',')
            return 0;
    return 1;
}

/* Groups come as a JSON array of strings or one space-separated string. */
static int in_allowed_groups(const cJSON *groups, const char *allowed)
{
    const cJSON *g;

    if (cJSON_IsArray(groups)) {
        cJSON_ArrayForEach(g, groups)
            if (cJSON_IsString(g) && g->valuestring[0] != '\0' &&
                list_contains(allowed, g->valuestring, strlen(g->valuestring)))
                return 1;
        return 0;
    }
    if (cJSON_IsString(groups)) {
        const char *p = groups->valuestring;
        while (*p != '\0') {
            size_t n = strcspn(p, " ");
            if (n > 0 && list_contains(allowed, p, n))
                return 1;
            p += n;
            p += strspn(p, " ");
        }
    }
    return 0;
}

int pod_identity_check(const cJSON *claims, const char *user,
                       const struct pod_options *opts, const char **reason,
                       const char **mapped)
{
    const char *name = pod_json_string(claims, opts->username_claim);

    *mapped = NULL;
    if (name == NULL) {
        *reason = "the username claim is missing or not a string";
        return PAM_AUTH_ERR;
    }
    if (!pod_valid_username(name)) {
        *reason = "the username claim is not a valid user name";
        return PAM_AUTH_ERR;
    }
    *mapped = name;
    if (strcmp(name, user) != 0) {
        *reason = "the identity is a different user";
        return PAM_AUTH_ERR;
    }
    if (!list_empty(opts->allowed_groups) &&
        !in_allowed_groups(pod_json_get(claims, opts->groups_claim), opts->allowed_groups)) {
        *reason = "not in allowed_groups";
        return PAM_AUTH_ERR;
    }
    *reason = "username claim matches";
    return PAM_SUCCESS;
}

/* pod_user_map_parse: the user_map file, parsed with a configured issuer
 * and without one.  Each line kept then goes through pod_map_glob, what the
 * login matches it with, against fixed identities and pins and against
 * strings built from the line itself: what it must match, and the probes
 * that tell whether it matches everyone. */
#include "config.h"

#include "fuzz.h"
#include "user_map.h"

#define FUZZ_ISSUER "https://idp.example.com/realms/corp"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The longest identities: a glob that backtracks badly shows on them. */
static char long_name[POD_MAX_USERNAME];
static char long_address[POD_MAX_USERNAME];

/* What rule_mapping compares lines with: identities, and "ISSUER|SUB". */
static const char *const targets[] = {
    "alice",
    "alice@example.com",
    "bob@sub.example.com",
    "12345",
    "root",
    "a",
    "",
    FUZZ_ISSUER "|248289761001",
    FUZZ_ISSUER "|alice@example.com",
    FUZZ_ISSUER "|a|b",
    long_name,
    long_address,
};

static void init(void)
{
    memset(long_name, 'a', sizeof(long_name) - 1);
    memset(long_address, 'a', sizeof(long_address) - 1);
    long_address[sizeof(long_address) / 2] = '@';
}

/* A character of the portable set, as the library defines it. */
static int portable(char c)
{
    const char s[3] = { 'x', c, '\0' };

    return pod_valid_username(s);
}

/* The identity rules (pod_valid_identity) with '*' allowed, at any length
 * the parser allows. */
static int identity_pattern(const char *p)
{
    size_t at = 0;

    if (p[0] == '-')
        return 0;
    for (; *p != '\0'; p++) {
        if (*p == '@')
            at++;
        else if (*p != '*' && !portable(*p))
            return 0;
    }
    return at <= 1;
}

/* p with each '*' replaced by with (a character, or nothing when '\0'). */
static char *expand(const char *p, char with)
{
    char *s = malloc(strlen(p) + 1), *o = s;

    if (s == NULL)
        return NULL;
    for (; *p != '\0'; p++)
        if (*p != '*')
            *o++ = *p;
        else if (with != '\0')
            *o++ = with;
    *o = '\0';
    return s;
}

/* A string every pattern of p's shape matches when it names nobody: p
 * with each run between separators ('@', '|') after skip bytes replaced by
 * the one character c. */
static char *probe(const char *p, size_t skip, char c)
{
    char *s = malloc(strlen(p) + 1), *o = s;

    if (s == NULL)
        return NULL;
    memcpy(o, p, skip);
    o += skip;
    for (p += skip; *p != '\0'; p++)
        if (*p == '@' || *p == '|')
            *o++ = *p;
        else if (o == s || o[-1] == '@' || o[-1] == '|')
            *o++ = c; /* the first of a run: the skipped part ends in '|' */
    *o = '\0';
    return s;
}

/* A match never lets '*' cross a separator: the two have the same ones. */
static int same_separators(const char *a, const char *b)
{
    for (;;) {
        a += strcspn(a, "@|");
        b += strcspn(b, "@|");
        if (*a != *b)
            return 0;
        if (*a == '\0')
            return 1;
        a++;
        b++;
    }
}

static void check_glob(const char *p, size_t skip)
{
    char *none = expand(p, '\0'), *x = expand(p, 'x');
    char *a = probe(p, skip, 'a'), *b = probe(p, skip, 'b');

    FUZZ_CHECK(none == NULL || pod_map_glob(p, none));
    FUZZ_CHECK(x == NULL || pod_map_glob(p, x));
    /* Nothing but '*' and separators would match both. */
    FUZZ_CHECK(a == NULL || b == NULL || !(pod_map_glob(p, a) && pod_map_glob(p, b)));
    free(none);
    free(x);
    free(a);
    free(b);
}

/* Each line: issuer is the one the parse was given. */
static void check_map(const struct pod_user_map *map, const char *issuer, unsigned nlines)
{
    size_t ilen = issuer != NULL ? strlen(issuer) : 0;
    unsigned prev = 0;

    FUZZ_CHECK(issuer == NULL ? map->issuer == NULL
                              : map->issuer != NULL && strcmp(map->issuer, issuer) == 0);
    for (size_t i = 0; i < map->n; i++) {
        const struct pod_map_line *l = &map->lines[i];
        const char *bar = strchr(l->pattern, '|');
        size_t skip = 0;

        FUZZ_CHECK(l->line > prev && l->line <= nlines);
        prev = l->line;
        FUZZ_CHECK(pod_valid_username(l->user));
        FUZZ_CHECK(l->pattern[0] != '\0' && strlen(l->pattern) < POD_MAX_MAP_PATTERN);
        FUZZ_CHECK(fuzz_printable(l->pattern, POD_MAX_MAP_PATTERN) && !strchr(l->pattern, ' '));
        if (bar != NULL) {
            /* ISSUER|SUB: the issuer literally, the configured one if any. */
            skip = (size_t)(bar - l->pattern) + 1;
            FUZZ_CHECK(memchr(l->pattern, '*', skip) == NULL);
            FUZZ_CHECK(issuer == NULL ||
                       (skip == ilen + 1 && memcmp(l->pattern, issuer, ilen) == 0));
            FUZZ_CHECK(l->pattern[skip] != '\0');
        } else {
            FUZZ_CHECK(identity_pattern(l->pattern));
        }
        /* root only for one identity named in full. */
        FUZZ_CHECK(strcmp(l->user, "root") != 0 || strchr(l->pattern, '*') == NULL);
        for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
            if (!pod_map_glob(l->pattern, targets[t]))
                continue;
            FUZZ_CHECK(same_separators(l->pattern, targets[t]));
            FUZZ_CHECK(strchr(l->pattern, '*') != NULL || strcmp(l->pattern, targets[t]) == 0);
        }
        check_glob(l->pattern, skip);
    }
}

static int parse(const uint8_t *text, size_t len, unsigned *line, const char **why)
{
    struct pod_user_map *map = NULL;
    int rc = pod_user_map_parse((const char *)text, len, FUZZ_ISSUER, &map, line, why);

    pod_user_map_free(map);
    return rc;
}

static int parse_any(const uint8_t *text, size_t len, unsigned *line, const char **why)
{
    struct pod_user_map *map = NULL;
    int rc = pod_user_map_parse((const char *)text, len, NULL, &map, line, why);

    pod_user_map_free(map);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Not NULL: a refusal must set it so. */
    struct pod_user_map *map = (void *)1, *any = (void *)1;
    unsigned line = 99, any_line = 99, nlines = fuzz_map_line_count(data, size);
    const char *why = NULL, *any_why = NULL;
    int rc, any_rc;

    fuzz_quiet();
    if (long_name[0] == '\0')
        init();
    rc = pod_user_map_parse((const char *)data, size, FUZZ_ISSUER, &map, &line, &why);
    fuzz_check_map_result(data, size, rc, map != NULL, line, why, parse);
    any_rc = pod_user_map_parse((const char *)data, size, NULL, &any, &any_line, &any_why);
    fuzz_check_map_result(data, size, any_rc, any != NULL, any_line, any_why, parse_any);
    /* Without an issuer, pins of any issuer pass: no line fails that
     * passes with one. */
    FUZZ_CHECK(any_rc == 0 ? rc == 0 || line > 0 : rc == -1 && line <= any_line);
    if (rc == 0) {
        FUZZ_CHECK(any_rc == 0 && any->n == map->n);
        check_map(map, FUZZ_ISSUER, nlines);
    }
    if (any_rc == 0)
        check_map(any, NULL, nlines);
    pod_user_map_free(map);
    pod_user_map_free(any);
    return 0;
}

/* Every example configuration loads through the real option parser, so
 * that none of them rots: every *.conf in examples/ and examples/providers/
 * under $srcdir (default "."), found by glob, so a new example is covered
 * without touching this file.  Each is copied to a root-owned 0644 temp
 * file first (the parser refuses files not owned by root), so the test
 * runs as root and skips otherwise.  Commented-out "#key = value" lines
 * must name keys the parser knows too: uncommenting one must never give
 * "unknown option".  (test_options checks that the main example shows
 * every key with its default; this file does not repeat that.)  The
 * example group_map parses too. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_appl.h>

#include "group_map.h"
#include "log.h"
#include "options.h"
#include "unit_helpers.h"

/* The folders whose *.conf are pod configuration files, under $srcdir.
 * (examples/sshd_config.d/ holds sshd configuration, not ours.) */
static const char *const patterns[] = {
    "examples/*.conf",
    "examples/providers/*.conf",
};

/* At least this many, so that a wrong $srcdir cannot pass with nothing:
 * the main example and five providers. */
#define MIN_EXAMPLES 6

/* ---- files ---- */

static char *slurp(const char *path, size_t *len)
{
    char *data = malloc(POD_MAX_FILE + 2);
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(data);
    if (f == NULL)
        fail_msg("cannot open %s", path);
    n = fread(data, 1, POD_MAX_FILE + 1, f);
    fclose(f);
    if (n > POD_MAX_FILE)
        fail_msg("%s is larger than the parser accepts", path);
    data[n] = '\0';
    *len = n;
    return data;
}

static bool known_key(const char *key, size_t len)
{
    const char *k;

    for (size_t i = 0; (k = pod_option_key(i, NULL)) != NULL; i++)
        if (strlen(k) == len && memcmp(k, key, len) == 0)
            return true;
    return false;
}

/* "#key = value" lines (no blank after '#': prose comments have one)
 * name known keys. */
static void check_commented_keys(const char *name, const char *data)
{
    unsigned lineno = 0;

    for (const char *line = data; *line != '\0';) {
        const char *eol = strchr(line, '\n');
        const char *p = line + 1;
        size_t len;

        if (eol == NULL)
            eol = line + strlen(line);
        lineno++;
        if (line[0] == '#') {
            const char *q;

            len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
            q = p + len + strspn(p + len, " \t");
            if (len > 0 && q < eol && *q == '=') {
                if (!known_key(p, len))
                    fail_msg("%s:%u: commented-out key \"%.*s\" is unknown to the parser",
                             name, lineno, (int)len, p);
            }
        }
        line = *eol == '\n' ? eol + 1 : eol;
    }
}

/* ---- the test, one per example ---- */

static void test_example_loads(void **state)
{
    const char *path = *state;
    char arg[PATH_MAX + 8];
    const char *copy;
    const char *argv[1];
    struct pod_options o;
    size_t len;
    char *data = slurp(path, &len);
    int rc;

    check_commented_keys(path, data);
    assert_int_equal(ut_tmpdir_make("examples"), 0);
    copy = ut_put_file_n("pam_oauth_device.conf", data, len, 0644);
    free(data);
    snprintf(arg, sizeof(arg), "config=%s", copy);
    argv[0] = arg;
    ut_log_clear();
    /* The default path is absent, so only the example is read. */
    rc = pod_options_load_at(NULL, "/nonexistent/pam_oauth_device.conf", 1, argv, &o);
    assert_int_equal(ut_tmpdir_remove(), 0);
    if (rc != PAM_SUCCESS)
        fail_msg("%s does not load (%s): %s", path, pam_strerror(NULL, rc), ut_log.text);
    /* An OpenID issuer, or (GitHub) the user API instead. */
    assert_true(o.issuer != NULL || o.user_api != NULL);
    assert_non_null(o.client_id);
    pod_options_free(&o);
}

/* examples/group_map: accepted, with its Keycloak, Entra and Okta lines. */
static void test_group_map_example(void **state)
{
    const char *srcdir = getenv("srcdir");
    char path[PATH_MAX];
    struct pod_group_map *map = NULL;
    unsigned line = 0;
    const char *why = NULL;
    size_t len;
    char *data;

    (void)state;
    snprintf(path, sizeof(path), "%s/examples/group_map",
             srcdir != NULL && *srcdir != '\0' ? srcdir : ".");
    data = slurp(path, &len);
    if (pod_group_map_parse(data, len, &map, &line, &why) != 0)
        fail_msg("%s:%u: %s", path, line, why);
    assert_true(map->n >= 6);
    assert_string_equal(map->lines[0].idp_group, "/admins");
    assert_string_equal(map->lines[map->n - 2].idp_group, "Domain Admins");
    pod_group_map_free(map);
    free(data);
}

int main(void)
{
    const char *srcdir = getenv("srcdir");
    struct CMUnitTest *tests;
    glob_t g = { 0 };
    char pattern[PATH_MAX];
    size_t n = 0;
    int rc;

    /* The parser refuses a config file not owned by root. */
    if ((rc = ut_skip_unless_root("test_examples")) >= 0)
        return rc;
    if (srcdir == NULL || *srcdir == '\0')
        srcdir = ".";
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        snprintf(pattern, sizeof(pattern), "%s/%s", srcdir, patterns[i]);
        rc = glob(pattern, i == 0 ? 0 : GLOB_APPEND, NULL, &g);
        if (rc != 0 && rc != GLOB_NOMATCH) {
            fprintf(stderr, "test_examples: glob %s failed\n", pattern);
            return 99;
        }
    }
    if (g.gl_pathc < MIN_EXAMPLES) {
        fprintf(stderr, "test_examples: found %zu examples under %s/examples, "
                "expected at least %d (set srcdir to the source tree)\n",
                g.gl_pathc, srcdir, MIN_EXAMPLES);
        globfree(&g);
        return 99;
    }
    tests = calloc(g.gl_pathc + 1, sizeof(*tests));
    if (tests == NULL)
        return 99;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        /* The test's name is the example's path, as the TAP line shows. */
        const char *name = g.gl_pathv[i] + strlen(srcdir) + 1;
        tests[n++] = (struct CMUnitTest){
            .name = name,
            .test_func = test_example_loads,
            .initial_state = g.gl_pathv[i],
        };
    }
    tests[n++] = (struct CMUnitTest){ .name = "examples/group_map",
                                      .test_func = test_group_map_example };
    ut_log_capture(NULL, true); /* the parser's reason, shown when a load fails */
    rc = _cmocka_run_group_tests("examples", tests, n, NULL, NULL);
    free(tests);
    globfree(&g);
    return rc;
}

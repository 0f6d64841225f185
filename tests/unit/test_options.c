/* Options: defaults, the config file, module arguments, file checks.
 * Runs as root: the bad cases chown files to another uid.  Link with
 * -Wl,--wrap=free (the wipe test watches the secret being freed).  The
 * documentation test reads man/ and examples/ under $srcdir (default .). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/x509.h>
#include <security/pam_appl.h>

#include "log.h"
#include "options.h"
#include "trust.h"
#include "unit_helpers.h"

#define ISSUER "https://idp.example.com/realms/corp"
#define MINIMAL "issuer = " ISSUER "\nclient_id = pam\n"
#define SECRET "s3cr3t-never-logged"
#define NOBODY 65534

/* ---- free() watch, for the wipe test ---- */

void __real_free(void *p);
void __wrap_free(void *p);

static const void *watched;
static size_t watched_len;
static bool watched_freed, watched_wiped;

void __wrap_free(void *p)
{
    if (p != NULL && p == watched) {
        const unsigned char *b = p;
        watched_freed = true;
        watched_wiped = true;
        for (size_t i = 0; i < watched_len; i++)
            watched_wiped = watched_wiped && b[i] == 0;
    }
    __real_free(p);
}

/* ---- fixture: a temp dir with files in it, the log captured ---- */

static int setup(void **state)
{
    (void)state;
    if (ut_tmpdir_make("options") != 0)
        return -1;
    ut_log_capture(SECRET, false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ut_tmpdir_remove();
}

/* "config=<path>", in one buffer that the next call reuses. */
static const char *config_arg(const char *path)
{
    static char arg[PATH_MAX + 8];

    snprintf(arg, sizeof(arg), "config=%s", path);
    return arg;
}

/* Loads with config=<dir>/pod.conf holding conf (0644) when conf is not
 * NULL, then the NULL-terminated arguments; the default file is absent. */
__attribute__((sentinel))
static int load(struct pod_options *o, const char *conf, ...)
{
    char own[PATH_MAX + 8];
    const char *argv[16];
    int argc = 0;
    va_list ap;

    if (conf != NULL) {
        /* Not config_arg(): the caller may pass its result too. */
        snprintf(own, sizeof(own), "config=%s", ut_put_file("pod.conf", conf, 0644));
        argv[argc++] = own;
    }
    va_start(ap, conf);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        assert_true(argc < 16);
        argv[argc++] = a;
    }
    va_end(ap);
    return pod_options_load_at(NULL, ut_tmp_path("absent.conf"), argc, argv, o);
}

static bool zeroed(const struct pod_options *o)
{
    static const struct pod_options zero;

    return memcmp(o, &zero, sizeof(zero)) == 0;
}

static void assert_zeroed(const struct pod_options *o)
{
    assert_true(zeroed(o));
}

/* A failing load: the code, a LOG_ERR naming what, the struct zeroed. */
static void assert_refused(int rc, const struct pod_options *o, const char *what,
                           const char *also)
{
    ut_assert_refused(rc, what, also);
    assert_zeroed(o);
}

/* ---- defaults and sources ---- */

static void test_defaults(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, NULL, "issuer=" ISSUER, "client_id=pam", NULL),
                     PAM_SUCCESS);
    assert_null(o.config);
    assert_string_equal(o.issuer, ISSUER);
    assert_string_equal(o.client_id, "pam");
    assert_null(o.client_secret);
    assert_null(o.client_secret_file);
    assert_string_equal(o.scope, "openid profile email");
    assert_string_equal(o.username_claim, "preferred_username");
    assert_string_equal(o.groups_claim, "groups");
    assert_null(o.allowed_groups);
    assert_null(o.ca_file);
    assert_true(o.hide_unknown_users);
    assert_null(o.proxy);
    assert_int_equal(o.timeout, 100);
    assert_int_equal(o.leeway, 60);
    assert_int_equal(o.qr, POD_QR_UTF8);
    assert_false(o.debug);
    pod_options_free(&o);
}

static void test_file_values(void **state)
{
    const char *ca = ut_put_file("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
    char conf[2048];
    struct pod_options o;

    (void)state;
    snprintf(conf, sizeof(conf),
             MINIMAL
             "scope = openid groups\n"
             "username_claim = email\n"
             "groups_claim = roles\n"
             "allowed_groups = admins,ops\n"
             "ca_file = %s\n"
             "proxy = http://proxy.example.com:3128\n"
             "timeout = 300\n"
             "leeway = 0\n"
             "qr = ascii\n"
             "hide_unknown_users = no\n"
             "debug = true\n", ca);
    assert_int_equal(load(&o, conf, NULL), PAM_SUCCESS);
    assert_string_equal(o.config, ut_paths[1]);
    assert_string_equal(o.scope, "openid groups");
    assert_string_equal(o.username_claim, "email");
    assert_string_equal(o.groups_claim, "roles");
    assert_string_equal(o.allowed_groups, "admins,ops");
    assert_string_equal(o.ca_file, ca);
    assert_string_equal(o.proxy, "http://proxy.example.com:3128");
    assert_int_equal(o.timeout, 300);
    assert_int_equal(o.leeway, 0);
    assert_int_equal(o.qr, POD_QR_ASCII);
    assert_true(o.debug);
    assert_false(o.hide_unknown_users);
    pod_options_free(&o);
}

static void test_argv_overrides_file(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o,
                          MINIMAL "timeout = 300\nqr = off\nproxy = https://p.example.com\n"
                          "debug = yes\n",
                          "timeout=30", "client_id=other", "qr=utf8", "proxy=", "debug=0",
                          NULL),
                     PAM_SUCCESS);
    assert_int_equal(o.timeout, 30);
    assert_string_equal(o.client_id, "other");
    assert_int_equal(o.qr, POD_QR_UTF8);
    assert_null(o.proxy); /* an empty value unsets */
    assert_false(o.debug);
    pod_options_free(&o);
}

static void test_bare_debug(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, MINIMAL "debug = no\n", "debug", NULL), PAM_SUCCESS);
    assert_true(o.debug);
    pod_options_free(&o);
}

static void test_bare_word_needs_value(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL, "timeout", NULL), &o, "timeout", "needs a value");
}

static void test_public_load(void **state)
{
    const char *argv[1];
    struct pod_options o;

    (void)state;
    argv[0] = config_arg(ut_put_file("pod.conf", MINIMAL, 0644));
    assert_int_equal(pod_options_load(NULL, 1, argv, &o), PAM_SUCCESS);
    assert_string_equal(o.client_id, "pam");
    pod_options_free(&o);
}

/* ---- bad keys and values ---- */

static void test_unknown_key_file(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL "colour = blue\n", NULL), &o, "colour",
                   "pod.conf:3");
}

static void test_unknown_key_argv(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL, "debug", "use_first_pass", NULL), &o,
                   "use_first_pass", "module argument 3");
}

/* The value, the key and the reason the message must name. */
static const char *const bad_values[][3] = {
    { "timeout=abc", "timeout", "whole number from 10 to 3600" },
    { "timeout=5", "timeout", "whole number" },
    { "timeout=99999", "timeout", "whole number" },
    { "timeout=+60", "timeout", "whole number" },
    { "timeout=60s", "timeout", "whole number" },
    { "timeout=99999999999999999999999", "timeout", "whole number" },
    { "leeway=-1", "leeway", "whole number from 0 to 600" },
    { "leeway=601", "leeway", "whole number" },
    { "qr=color", "qr", "utf8|ascii|off" },
    { "debug=maybe", "debug", "no|yes" },
    { "issuer=http://idp.example.com", "issuer", "https://," },
    { "issuer=https://", "issuer", "with a host" },
    { "issuer=https:///path", "issuer", "with a host" },
    { "issuer=https://idp.example.com/?x=1", "issuer", "query" },
    { "issuer=https://idp.example.com/#x", "issuer", "fragment" },
    { "proxy=socks5://p.example.com", "proxy", "http://|https://" },
    { "ca_file=etc/ca.pem", "ca_file", "absolute path" },
    { "ca_file=/nonexistent/ca.pem", "ca_file", "No such file" },
    { "ca_file=/tmp", "ca_file", "not a regular file" },
    { "client_secret_file=/nonexistent", "client_secret_file", "No such file" },
    { "scope=", "scope", "empty" },
    { "scope=profile email", "scope", "must include openid" },
    { "client_id=", "client_id", "empty" },
    { "username_claim=a\x01" "b", "username_claim", "control character" },
    { "provider=gitlab", "provider", "none|github" },
    { "token_endpoint=http://gh.example.com/t", "token_endpoint", "https://" },
    { "device_authorization_endpoint=https://u@gh.example.com/d",
      "device_authorization_endpoint", "without user@" },
    { "user_api=https://gh.example.com/user#x", "user_api", "fragment" },
    { "token_endpoint=https://gh.example.com/t?x=1", "token_endpoint", "query" },
};

/* Each bad value, once as a module argument and once in the file. */
static void test_bad_values(void **state)
{
    struct ut_table t = { "test_bad_values", UT_ROWS(bad_values), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(bad_values); i++) {
        const char *row = bad_values[i][0], *key = bad_values[i][1], *why = bad_values[i][2];
        char conf[256];
        struct pod_options o;
        int rc;

        ut_log_clear();
        ut_npaths = 0;
        rc = load(&o, MINIMAL, row, NULL);
        ut_check(&t, rc == PAM_SERVICE_ERR && ut_logged(LOG_ERR, key, why) && zeroed(&o), row,
                 "as a module argument: rc %d, or no LOG_ERR naming %s and \"%s\"", rc, key,
                 why);
        ut_log_clear();
        ut_npaths = 0;
        snprintf(conf, sizeof(conf), "%s\n", row);
        rc = load(&o, conf, "issuer=" ISSUER, "client_id=pam", NULL);
        ut_check(&t, rc == PAM_SERVICE_ERR && ut_logged(LOG_ERR, key, why) && zeroed(&o), row,
                 "in the file: rc %d, or no LOG_ERR naming %s and \"%s\"", rc, key, why);
    }
    ut_done(&t);
}

static void test_good_spellings(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, MINIMAL "debug = Yes\nqr = OFF\ntimeout = 3600\n"
                          "leeway = 600\n", NULL),
                     PAM_SUCCESS);
    assert_true(o.debug);
    assert_int_equal(o.qr, POD_QR_OFF);
    assert_int_equal(o.timeout, 3600);
    assert_int_equal(o.leeway, 600);
    pod_options_free(&o);
}

static void test_missing_issuer(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, "client_id = pam\n", NULL), &o, "issuer", "required");
}

static void test_missing_client_id(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, "issuer = " ISSUER "\n", NULL), &o, "client_id",
                   "required");
}

static void test_duplicate_in_file(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL "timeout = 30\ntimeout = 40\n", NULL), &o,
                   "timeout is given twice", "pod.conf:4");
}

static void test_duplicate_in_argv(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL, "debug", "debug=no", NULL), &o,
                   "debug is given twice", NULL);
}

/* ---- where the config comes from ---- */

static void test_explicit_config_missing(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_tmp_path("missing.conf"));
    assert_refused(load(&o, NULL, arg, "issuer=" ISSUER, "client_id=pam", NULL), &o,
                   "missing.conf", "No such file");
}

static void test_config_arg_rules(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, NULL, "config=pod.conf", "issuer=" ISSUER, "client_id=pam",
                        NULL),
                   &o, "config", "absolute path");
    ut_log_clear();
    arg = config_arg(ut_put_file("other.conf", MINIMAL, 0644));
    assert_refused(load(&o, MINIMAL, arg, NULL), &o, "config is given twice", NULL);
    ut_log_clear();
    assert_refused(load(&o, MINIMAL "config = /etc/passwd\n", NULL), &o, "config",
                   "only be given on the PAM line");
}

static void test_default_config(void **state)
{
    const char *argv[] = { "timeout=30" };
    const char *def = ut_put_file("default.conf", MINIMAL "timeout = 300\n", 0644);
    struct pod_options o;

    (void)state;
    assert_int_equal(pod_options_load_at(NULL, def, 1, argv, &o), PAM_SUCCESS);
    assert_string_equal(o.config, def);
    assert_string_equal(o.issuer, ISSUER);
    assert_int_equal(o.timeout, 30);
    pod_options_free(&o);

    /* Present but unsafe: an error, not silently skipped. */
    assert_int_equal(chmod(def, 0664), 0);
    assert_refused(pod_options_load_at(NULL, def, 1, argv, &o), &o, "default.conf",
                   "writable by its group");
}

/* ---- file syntax ---- */

static void test_comments_blanks_spacing(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o,
                          "# a comment\n"
                          "\n"
                          "   \t \n"
                          "   # an indented comment = with an equals sign\n"
                          "issuer=" ISSUER "\n"
                          "\t client_id \t=\t pam client  \r\n"
                          "groups_claim = https://idp.example.com/claims#groups\n"
                          "timeout =60",
                          NULL),
                     PAM_SUCCESS);
    assert_string_equal(o.issuer, ISSUER);
    assert_string_equal(o.client_id, "pam client");
    assert_string_equal(o.groups_claim, "https://idp.example.com/claims#groups");
    assert_int_equal(o.timeout, 60);
    pod_options_free(&o);
}

static void test_line_without_equals(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL "\ndebug\n", NULL), &o, "pod.conf:4",
                   "key = value");
}

static void test_line_without_key(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL " = pam\n", NULL), &o, "pod.conf:3",
                   "no option name");
}

static void test_long_line(void **state)
{
    char conf[POD_MAX_LINE + 128];
    struct pod_options o;
    int n = snprintf(conf, sizeof(conf), "%sscope = openid ", MINIMAL);

    (void)state;
    memset(conf + n, 'x', sizeof(conf) - (size_t)n - 2);
    conf[sizeof(conf) - 2] = '\n';
    conf[sizeof(conf) - 1] = '\0';
    assert_refused(load(&o, conf, NULL), &o, "pod.conf:3", "longer than");
}

static void test_nul_byte(void **state)
{
    static const char conf[] = MINIMAL "scope = openid\0x\n";
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_put_file_n("nul.conf", conf, sizeof(conf) - 1, 0644));
    assert_refused(load(&o, NULL, arg, NULL), &o, "nul.conf", "NUL byte");
}

static void test_too_large(void **state)
{
    size_t size = POD_MAX_FILE + 100;
    char *conf = malloc(size + 1);
    struct pod_options o;
    int rc;

    (void)state;
    assert_non_null(conf);
    memset(conf, '#', size);
    for (size_t i = 79; i < size; i += 80)
        conf[i] = '\n';
    conf[size] = '\0';
    rc = load(&o, conf, NULL);
    free(conf);
    assert_refused(rc, &o, "pod.conf", "larger than 64 KiB");
}

/* ---- file checks ---- */

static void test_config_not_root(void **state)
{
    const char *arg;
    const char *conf = ut_put_file("nobody.conf", MINIMAL, 0644);
    struct pod_options o;

    (void)state;
    assert_int_equal(chown(conf, NOBODY, NOBODY), 0);
    arg = config_arg(conf);
    assert_refused(load(&o, NULL, arg, NULL), &o, "nobody.conf", "not owned by root");
}

static void test_config_group_writable(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_put_file("g.conf", MINIMAL, 0664));
    assert_refused(load(&o, NULL, arg, NULL), &o, "g.conf", "writable by its group");
}

static void test_config_world_writable(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_put_file("w.conf", MINIMAL, 0646));
    assert_refused(load(&o, NULL, arg, NULL), &o, "w.conf", "writable by others");
}

static void test_config_symlink(void **state)
{
    const char *arg;
    const char *target = ut_put_file("target.conf", MINIMAL, 0644);
    const char *link = ut_tmp_path("link.conf");
    struct pod_options o;

    (void)state;
    assert_int_equal(symlink(target, link), 0);
    arg = config_arg(link);
    assert_refused(load(&o, NULL, arg, NULL), &o, "link.conf", "symbolic link");
}

/* ca_file: checked like the config file (with a 1 MiB cap) at load time,
 * and its bytes are what the options keep. */
static void test_ca_file_rules(void **state)
{
    static const char pem[] = "-----BEGIN CERTIFICATE-----\n";
    static const struct {
        const char *name;
        mode_t mode;
        int how;          /* 0 as is, 1 chown nobody, 2 behind a symlink, 3 over 1 MiB */
        const char *why;  /* NULL: accepted */
    } rows[] = {
        { "root's, 0644", 0644, 0, NULL },
        { "owned by nobody", 0644, 1, "not owned by root" },
        { "mode 0666", 0666, 0, "writable by its group" },
        { "mode 0646", 0646, 0, "writable by others" },
        { "mode 0664", 0664, 0, "writable by its group" },
        { "a symbolic link", 0644, 2, "symbolic link" },
        { "over 1 MiB", 0644, 3, "larger than 1024 KiB" },
    };
    struct ut_table t = { "test_ca_file_rules", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char conf[PATH_MAX + 128], *big = NULL;
        const char *ca;
        struct pod_options o;
        int rc;

        ut_log_clear();
        ut_npaths = 0;
        unlink(ut_tmp_path("ca.pem")); /* not the last row's owner */
        if (rows[i].how == 3) {
            big = malloc(POD_MAX_CA_FILE + 1);
            assert_non_null(big);
            memset(big, 'A', POD_MAX_CA_FILE + 1);
            ca = ut_put_file_n("ca.pem", big, POD_MAX_CA_FILE + 1, rows[i].mode);
            free(big);
        } else {
            ca = ut_put_file("ca.pem", pem, rows[i].mode);
        }
        if (rows[i].how == 1)
            assert_int_equal(chown(ca, NOBODY, NOBODY), 0);
        if (rows[i].how == 2) {
            const char *link = ut_tmp_path("ca.link");
            assert_int_equal(symlink(ca, link), 0);
            ca = link;
        }
        snprintf(conf, sizeof(conf), MINIMAL "ca_file = %s\n", ca);
        rc = load(&o, conf, NULL);
        if (rows[i].why == NULL) {
            ut_check(&t, rc == PAM_SUCCESS && o.ca_pem_len == strlen(pem) &&
                     memcmp(o.ca_pem, pem, strlen(pem)) == 0, rows[i].name,
                     "rc %d, or the bytes kept are not the file's", rc);
            if (rc == PAM_SUCCESS)
                pod_options_free(&o);
        } else {
            ut_check(&t, rc == PAM_SERVICE_ERR && ut_logged(LOG_ERR, "ca.", rows[i].why) &&
                     ut_logged(LOG_ERR, "ca_file", "every login fails") && zeroed(&o),
                     rows[i].name, "rc %d, or no LOG_ERR saying \"%s\"", rc, rows[i].why);
        }
        unlink(ut_tmp_path("ca.link"));
    }
    ut_done(&t);
}

/* Without ca_file the system bundle's bytes, read by the same rules. */
static void test_ca_system_bundle(void **state)
{
    struct pod_options o;
    char real[PATH_MAX];

    (void)state;
    if (realpath(X509_get_default_cert_file(), real) == NULL)
        skip();
    assert_int_equal(load(&o, MINIMAL, NULL), PAM_SUCCESS);
    assert_non_null(o.ca_pem);
    assert_true(o.ca_pem_len > 0);
    assert_non_null(strstr(o.ca_pem, "-----BEGIN CERTIFICATE-----"));
    pod_options_free(&o);
}

/* ---- secrets ---- */

/* A config naming <dir>/secret, written with secret_text and mode. */
static int load_secret_file(struct pod_options *o, const char *secret_text,
                            mode_t mode)
{
    char conf[PATH_MAX + 128];

    snprintf(conf, sizeof(conf), MINIMAL "client_secret_file = %s\n",
             ut_put_file("secret", secret_text, mode));
    return load(o, conf, NULL);
}

static void test_secret_file(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load_secret_file(&o, SECRET "\nsecond line\n", 0600), PAM_SUCCESS);
    assert_string_equal(o.client_secret, SECRET);
    pod_options_free(&o);
}

static void test_secret_file_crlf_no_newline(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load_secret_file(&o, SECRET "\r\n", 0600), PAM_SUCCESS);
    assert_string_equal(o.client_secret, SECRET);
    pod_options_free(&o);
    ut_npaths = 0;
    assert_int_equal(load_secret_file(&o, SECRET, 0600), PAM_SUCCESS);
    assert_string_equal(o.client_secret, SECRET);
    pod_options_free(&o);
}

static void test_secret_file_group_readable(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load_secret_file(&o, SECRET "\n", 0640), PAM_SUCCESS);
    assert_string_equal(o.client_secret, SECRET);
    pod_options_free(&o);
}

static void test_secret_file_world_readable(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load_secret_file(&o, SECRET "\n", 0644), &o, "secret",
                   "others have access");
}

static void test_secret_file_empty(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load_secret_file(&o, "\n" SECRET "\n", 0600), &o, "secret",
                   "first line is empty");
}

static void test_secret_and_secret_file(void **state)
{
    char conf[PATH_MAX + 128];
    const char *arg;
    struct pod_options o;

    (void)state;
    snprintf(conf, sizeof(conf), MINIMAL "client_secret = " SECRET "\nclient_secret_file = %s\n",
             ut_put_file("secret", SECRET "\n", 0600));
    arg = config_arg(ut_put_file("both.conf", conf, 0600));
    assert_refused(load(&o, NULL, arg, NULL), &o, "client_secret_file", "both");
}

static void test_secret_in_config(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_put_file("s.conf", MINIMAL "client_secret = " SECRET "\n", 0640));
    assert_int_equal(load(&o, NULL, arg, NULL), PAM_SUCCESS);
    assert_string_equal(o.client_secret, SECRET);
    pod_options_free(&o);

    /* Others may read the file: refused like a readable secret file. */
    assert_int_equal(chmod(ut_paths[0], 0644), 0);
    assert_refused(load(&o, NULL, arg, NULL), &o, "s.conf", "holds client_secret");
}

static void test_secret_not_on_pam_line(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, MINIMAL, "client_secret=" SECRET, NULL), &o,
                   "client_secret", "refused on the PAM line");
}

static void test_secret_bad_value_not_logged(void **state)
{
    const char *arg;
    struct pod_options o;

    (void)state;
    arg = config_arg(ut_put_file("c.conf", MINIMAL "client_secret = " SECRET "\x7f\n", 0600));
    assert_refused(load(&o, NULL, arg, NULL), &o, "client_secret", "control character");
}

/* ---- freeing ---- */

static void test_free_wipes(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load_secret_file(&o, SECRET "\n", 0600), PAM_SUCCESS);
    watched = o.client_secret;
    watched_len = strlen(o.client_secret);
    watched_freed = false;
    watched_wiped = false;
    pod_options_free(&o);
    watched = NULL;
    assert_true(watched_freed);
    assert_true(watched_wiped);
    assert_zeroed(&o);
    pod_options_free(&o); /* again: safe */
    pod_options_free(NULL);
}

/* ---- the documentation follows the table ---- */

static char *slurp(const char *name)
{
    const char *srcdir = getenv("srcdir");
    char path[PATH_MAX];
    FILE *f;
    char *data = malloc(POD_MAX_FILE + 1);
    size_t n;

    assert_non_null(data);
    snprintf(path, sizeof(path), "%s/%s", srcdir != NULL ? srcdir : ".", name);
    f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s (set srcdir to the source tree)", path);
    n = fread(data, 1, POD_MAX_FILE, f);
    fclose(f);
    data[n] = '\0';
    return data;
}

/* In the example, a key with a default shows it commented out. */
/* ---- providers without OpenID Connect (GitHub), endpoint overrides ---- */

#define GH_DEVICE "https://github.com/login/device/code"
#define GH_TOKEN "https://github.com/login/oauth/access_token"
#define GH_API "https://api.github.com/user"
#define GHE "https://ghe.example.com"

static void test_provider_github_fills(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, "provider = github\nclient_id = Ov23liX\n", NULL), PAM_SUCCESS);
    assert_int_equal(o.provider, POD_PROVIDER_GITHUB);
    assert_null(o.issuer);
    assert_string_equal(o.device_authorization_endpoint, GH_DEVICE);
    assert_string_equal(o.token_endpoint, GH_TOKEN);
    assert_string_equal(o.user_api, GH_API);
    assert_string_equal(o.username_claim, "login");
    assert_null(o.scope); /* no scope parameter: the public profile needs none */
    assert_string_equal(pod_options_issuer(&o), "github");
    pod_options_free(&o);
    /* On the PAM line alone, too. */
    assert_int_equal(load(&o, NULL, "provider=github", "client_id=Ov23liX", NULL), PAM_SUCCESS);
    assert_string_equal(o.user_api, GH_API);
    pod_options_free(&o);
}

/* A key given in the file or on the PAM line wins over provider's value,
 * before or after the provider line, in the file or on the PAM line. */
static void test_provider_explicit_wins(void **state)
{
    static const char *const files[] = {
        "client_id = x\ntoken_endpoint = " GHE "/login/oauth/access_token\n"
        "provider = github\nscope = read:user\n",
        "client_id = x\nprovider = github\nscope = read:user\n"
        "token_endpoint = " GHE "/login/oauth/access_token\n",
    };
    struct pod_options o;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        ut_log_clear();
        ut_npaths = 0;
        assert_int_equal(load(&o, files[i], "user_api=" GHE "/api/v3/user", "username_claim=id",
                              NULL),
                         PAM_SUCCESS);
        assert_string_equal(o.device_authorization_endpoint, GH_DEVICE);
        assert_string_equal(o.token_endpoint, GHE "/login/oauth/access_token");
        assert_string_equal(o.user_api, GHE "/api/v3/user");
        assert_string_equal(o.username_claim, "id");
        assert_string_equal(o.scope, "read:user"); /* given: kept, no openid needed */
        assert_string_equal(pod_options_issuer(&o), GHE "/api/v3/user");
        pod_options_free(&o);
    }
    /* provider on the PAM line, the endpoints in the file. */
    assert_int_equal(load(&o, "client_id = x\ndevice_authorization_endpoint = " GHE "/d\n"
                          "username_claim = preferred_username\n",
                          "provider=github", NULL),
                     PAM_SUCCESS);
    assert_string_equal(o.device_authorization_endpoint, GHE "/d");
    assert_string_equal(o.token_endpoint, GH_TOKEN);
    assert_string_equal(o.username_claim, "preferred_username"); /* given, even = default */
    pod_options_free(&o);
    /* "key =" on the PAM line is given too: the endpoint stays unset. */
    assert_refused(load(&o, "client_id = x\nprovider = github\n", "token_endpoint=", NULL), &o,
                   "token_endpoint is required without issuer", NULL);
}

static void test_no_issuer_endpoints(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, "client_id = x\n"
                          "device_authorization_endpoint = " GHE "/login/device/code\n"
                          "token_endpoint = " GHE "/login/oauth/access_token\n"
                          "user_api = " GHE "/api/v3/user\n", NULL),
                     PAM_SUCCESS);
    assert_int_equal(o.provider, POD_PROVIDER_NONE);
    assert_null(o.issuer);
    assert_null(o.scope);
    assert_string_equal(o.username_claim, "preferred_username");
    assert_string_equal(pod_options_issuer(&o), GHE "/api/v3/user");
    pod_options_free(&o);
}

static void test_no_issuer_missing(void **state)
{
    struct pod_options o;

    (void)state;
    assert_refused(load(&o, "client_id = x\n", NULL), &o, "issuer is required",
                   "provider = github");
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, "client_id = x\ndevice_authorization_endpoint = " GHE "/d\n"
                        "token_endpoint = " GHE "/t\n", NULL),
                   &o, "user_api is required without issuer", NULL);
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, "client_id = x\nuser_api = " GHE "/u\n", NULL), &o,
                   "device_authorization_endpoint is required without issuer", NULL);
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, "client_id = x\nuser_api = " GHE "/u\ndevice_authorization_endpoint"
                        " = " GHE "/d\n", NULL),
                   &o, "token_endpoint is required without issuer", NULL);
    ut_log_clear();
    ut_npaths = 0;
    /* client_id stays required. */
    assert_refused(load(&o, "provider = github\n", NULL), &o, "client_id", "required");
    ut_log_clear();
    ut_npaths = 0;
    /* acr and amr only come from a signed ID token. */
    assert_refused(load(&o, "client_id = x\nprovider = github\nrequired_acr = mfa\n", NULL),
                   &o, "required_acr needs an ID token", NULL);
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, "client_id = x\nprovider = github\n", "required_amr=otp", NULL),
                   &o, "required_amr needs an ID token", NULL);
}

static void test_issuer_with_endpoints(void **state)
{
    struct pod_options o;

    (void)state;
    assert_int_equal(load(&o, MINIMAL "token_endpoint = https://idp.example.com/t\n", NULL),
                     PAM_SUCCESS);
    assert_string_equal(o.issuer, ISSUER);
    assert_string_equal(o.token_endpoint, "https://idp.example.com/t");
    assert_null(o.device_authorization_endpoint);
    assert_null(o.user_api);
    assert_string_equal(o.scope, "openid profile email");
    assert_string_equal(pod_options_issuer(&o), ISSUER);
    pod_options_free(&o);
    assert_refused(load(&o, MINIMAL "provider = github\n", NULL), &o,
                   "set issuer or provider, not both", NULL);
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, MINIMAL, "user_api=https://idp.example.com/me", NULL), &o,
                   "user_api is for providers without OpenID Connect", NULL);
    ut_log_clear();
    ut_npaths = 0;
    assert_refused(load(&o, MINIMAL "scope = read:user\n", NULL), &o,
                   "scope must include openid", NULL);
}

/* ISSUER|SUB pins without an issuer name "github" (or the user_api URL). */
static void test_no_issuer_pins(void **state)
{
    char conf[512];
    struct pod_options o;

    (void)state;
    snprintf(conf, sizeof(conf), "client_id = x\nprovider = github\nuser_map = %s\n",
             ut_put_file("map", "github|12345 alice\n12345 alice\n", 0644));
    assert_int_equal(load(&o, conf, NULL), PAM_SUCCESS);
    assert_non_null(o.map);
    pod_options_free(&o);
    ut_log_clear();
    snprintf(conf, sizeof(conf), "client_id = x\nprovider = github\nuser_map = %s\n",
             ut_put_file("map2", GH_API "|12345 alice\n", 0644));
    assert_refused(load(&o, conf, NULL), &o, "another issuer", NULL);
}

static bool example_shows(const char *example, const char *key, const char *def)
{
    char line[128], commented[128];

    snprintf(line, sizeof(line), "\n%s =", key);
    snprintf(commented, sizeof(commented), "\n#%s =%s%s%s", key, def != NULL ? " " : "",
             def != NULL ? def : "", def != NULL ? "\n" : "");
    return strstr(example, commented) != NULL || (def == NULL && strstr(example, line) != NULL);
}

/* conf(5) has `.BI "key = " ...` for each key, with the default in that
 * entry; the example shows each key; and the example loads. */
static void test_docs_follow_table(void **state)
{
    char *man = slurp("man/pam_oauth_device.conf.5");
    char *example = slurp("examples/pam_oauth_device.conf");
    const char *arg;
    struct pod_options o;
    const char *def;
    const char *key;

    (void)state;
    for (size_t i = 0; (key = pod_option_key(i, &def)) != NULL; i++) {
        char heading[64];
        const char *entry, *next, *found;

        snprintf(heading, sizeof(heading), "\n.BI \"%s = \"", key);
        entry = strstr(man, heading);
        if (entry == NULL)
            fail_msg("conf(5) has no entry for %s", key);
        next = strstr(entry + strlen(heading), "\n.TP");
        found = def != NULL ? strstr(entry, def) : entry;
        if (found == NULL || (next != NULL && found > next))
            fail_msg("conf(5) does not give the default of %s: %s", key, def);
        if (!example_shows(example, key, def))
            fail_msg("the example does not show %s", key);
    }
    free(man);

    /* And the example itself loads. */
    arg = config_arg(ut_put_file("example.conf", example, 0644));
    free(example);
    assert_int_equal(load(&o, NULL, arg, NULL), PAM_SUCCESS);
    assert_string_equal(o.issuer, ISSUER);
    pod_options_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_defaults),
        T(test_file_values),
        T(test_argv_overrides_file),
        T(test_bare_debug),
        T(test_bare_word_needs_value),
        T(test_public_load),
        T(test_unknown_key_file),
        T(test_unknown_key_argv),
        T(test_bad_values),
        T(test_good_spellings),
        T(test_missing_issuer),
        T(test_missing_client_id),
        T(test_duplicate_in_file),
        T(test_duplicate_in_argv),
        T(test_explicit_config_missing),
        T(test_config_arg_rules),
        T(test_default_config),
        T(test_comments_blanks_spacing),
        T(test_line_without_equals),
        T(test_line_without_key),
        T(test_long_line),
        T(test_nul_byte),
        T(test_too_large),
        T(test_config_not_root),
        T(test_config_group_writable),
        T(test_config_world_writable),
        T(test_config_symlink),
        T(test_ca_file_rules),
        T(test_ca_system_bundle),
        T(test_secret_file),
        T(test_secret_file_crlf_no_newline),
        T(test_secret_file_group_readable),
        T(test_secret_file_world_readable),
        T(test_secret_file_empty),
        T(test_secret_and_secret_file),
        T(test_secret_in_config),
        T(test_secret_not_on_pam_line),
        T(test_secret_bad_value_not_logged),
        T(test_free_wipes),
        T(test_provider_github_fills),
        T(test_provider_explicit_wins),
        T(test_no_issuer_endpoints),
        T(test_no_issuer_missing),
        T(test_issuer_with_endpoints),
        T(test_no_issuer_pins),
        T(test_docs_follow_table),
#undef T
    };

    /* Every config must be owned by root, and the bad cases chown. */
    int skip = ut_skip_unless_root("test_options");

    if (skip >= 0)
        return skip;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

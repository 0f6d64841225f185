/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Helpers and fixtures shared by the unit tests: table rows, strings, temp
 * files, the log capture.  Include after <cmocka.h> (and after "log.h" for
 * the log capture).  Everything is static so that each test program stays
 * one translation unit. */
#ifndef POD_UNIT_HELPERS_H
#define POD_UNIT_HELPERS_H

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/_pam_types.h> /* PAM_SERVICE_ERR for ut_assert_refused */

#define UT_ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A table test runs every row and reports each failing one (as a TAP
 * comment, "# ..."), then fails once at the end: one broken row does not
 * hide the others. */
struct ut_table {
    const char *test;
    size_t rows;
    size_t failures;
};

__attribute__((format(printf, 4, 5), unused))
static void ut_check(struct ut_table *t, int ok, const char *row,
                     const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (ok)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    print_error("# %s: row \"%s\": %s\n", t->test, row, msg);
    t->failures++;
}

/* The same for strings, NULL meaning "absent". */
__attribute__((unused))
static void ut_check_str(struct ut_table *t, const char *row, const char *what,
                         const char *got, const char *want)
{
    int same = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;

    ut_check(t, same, row, "%s: got %s%s%s, expected %s%s%s", what,
             got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
             want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

/* The failed-parse check of a parser's table row: rc -1, a reason in
 * err, and the output zeroed (out_zeroed, the test's own check). */
__attribute__((unused))
static void ut_check_parse_failed(struct ut_table *t, const char *row, int rc,
                                  const char *err, int out_zeroed)
{
    ut_check(t, rc == -1, row, "rc %d, expected -1", rc);
    ut_check(t, rc != -1 || (err != NULL && err[0] != '\0'), row, "no error reason");
    ut_check(t, rc != -1 || out_zeroed, row, "*out not zeroed after a failure");
}

/* A macro so that cmocka reports the line of the test, not this file's. */
#define ut_done(t)                                                          \
    do {                                                                    \
        if ((t)->failures != 0) {                                           \
            print_error("# %s: %zu of %zu rows failed\n", (t)->test,        \
                        (t)->failures, (t)->rows);                          \
            fail();                                                         \
        }                                                                   \
    } while (0)

/* A malloc'd copy of the n bytes of s with no NUL after them, so that
 * AddressSanitizer and valgrind catch any read past len. */
__attribute__((unused))
static char *ut_exact(const char *s, size_t n)
{
    char *p = malloc(n == 0 ? 1 : n);

    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

/* A malloc'd, NUL-terminated string of n copies of c. */
__attribute__((unused))
static char *ut_repeat(char c, size_t n)
{
    char *p = malloc(n + 1);

    assert_non_null(p);
    memset(p, c, n);
    p[n] = '\0';
    return p;
}

/* A malloc'd printf. */
__attribute__((format(printf, 1, 2), unused))
static char *ut_format(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    p = malloc((size_t)n + 1);
    assert_non_null(p);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* True when s has a byte outside printable ASCII. */
__attribute__((unused))
static int ut_has_unprintable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            return 1;
    return 0;
}

/* For main() of a program that needs root: -1 as root; otherwise the
 * status to exit with, skipped (a TAP plan "1..0 # SKIP" under
 * CMOCKA_MESSAGE_OUTPUT=TAP, else automake's 77). */
__attribute__((unused))
static int ut_skip_unless_root(const char *prog)
{
    const char *output = getenv("CMOCKA_MESSAGE_OUTPUT");

    if (geteuid() == 0)
        return -1;
    if (output != NULL && strcasecmp(output, "TAP") == 0) {
        printf("1..0 # SKIP needs root\n");
        return 0;
    }
    fprintf(stderr, "%s: needs root, skipped\n", prog);
    return 77;
}

/* ---- temp files: one directory a test, files by name in it ---- */

static char ut_tmpdir[64];
static char ut_paths[16][PATH_MAX];
static size_t ut_npaths;

/* Makes /tmp/pod-WHAT-XXXXXX; 0 on success, -1 on failure (for a setup). */
__attribute__((unused))
static int ut_tmpdir_make(const char *what)
{
    snprintf(ut_tmpdir, sizeof(ut_tmpdir), "/tmp/pod-%s-XXXXXX", what);
    ut_npaths = 0;
    return mkdtemp(ut_tmpdir) == NULL ? -1 : 0;
}

/* Removes the directory and every file in it; 0 on success. */
__attribute__((unused))
static int ut_tmpdir_remove(void)
{
    DIR *d = opendir(ut_tmpdir);
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    if (d != NULL)
        closedir(d);
    return rmdir(ut_tmpdir);
}

/* <tmpdir>/name, valid until the next ut_tmpdir_make(); the same name
 * gives the same buffer. */
__attribute__((unused))
static const char *ut_tmp_path(const char *name)
{
    char want[PATH_MAX];

    snprintf(want, sizeof(want), "%s/%s", ut_tmpdir, name);
    for (size_t i = 0; i < ut_npaths; i++)
        if (strcmp(ut_paths[i], want) == 0)
            return ut_paths[i];
    assert_true(ut_npaths < sizeof(ut_paths) / sizeof(ut_paths[0]));
    memcpy(ut_paths[ut_npaths], want, sizeof(want));
    return ut_paths[ut_npaths++];
}

/* <tmpdir>/name, (re)written with exactly these bytes and mode (owned by
 * the caller: root in the tests that check ownership). */
__attribute__((unused))
static const char *ut_put_file_n(const char *name, const char *data, size_t len, mode_t mode)
{
    const char *path = ut_tmp_path(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
    return path;
}

__attribute__((unused))
static const char *ut_put_file(const char *name, const char *text, mode_t mode)
{
    return ut_put_file_n(name, text, strlen(text), mode);
}

#ifdef POD_LOG_H
/* ---- log capture: what the module logs, through pod_log_set_sink ---- */

struct ut_logged {
    int prio;
    char msg[1024];
};
static struct {
    struct ut_logged lines[32];
    size_t n;
    char text[4096];    /* every message as "<prio> msg\n", for failure reports */
    const char *secret; /* when set, no message may contain it */
    bool echo;          /* print each message as a TAP comment */
} ut_log;

static void ut_log_sink(int prio, const char *msg)
{
    size_t used = strlen(ut_log.text);

    /* The secret guard: checked on every message the test causes. */
    if (ut_log.secret != NULL)
        assert_null(strstr(msg, ut_log.secret));
    if (ut_log.n < sizeof(ut_log.lines) / sizeof(ut_log.lines[0])) {
        ut_log.lines[ut_log.n].prio = prio;
        snprintf(ut_log.lines[ut_log.n].msg, sizeof(ut_log.lines[0].msg), "%s", msg);
        ut_log.n++;
    }
    snprintf(ut_log.text + used, sizeof(ut_log.text) - used, "<%d> %s\n", prio, msg);
    if (ut_log.echo)
        print_message("# log: %s\n", msg);
}

/* Forgets what was logged (keeps the secret and the echo). */
__attribute__((unused))
static void ut_log_clear(void)
{
    ut_log.n = 0;
    ut_log.text[0] = '\0';
}

/* Captures the log from now on; secret may be NULL. */
__attribute__((unused))
static void ut_log_capture(const char *secret, bool echo)
{
    ut_log_clear();
    ut_log.secret = secret;
    ut_log.echo = echo;
    pod_log_set_sink(ut_log_sink);
}

/* Some message at prio contains a and, when given, b. */
__attribute__((unused))
static bool ut_logged(int prio, const char *a, const char *b)
{
    for (size_t i = 0; i < ut_log.n; i++)
        if (ut_log.lines[i].prio == prio && strstr(ut_log.lines[i].msg, a) != NULL &&
            (b == NULL || strstr(ut_log.lines[i].msg, b) != NULL))
            return true;
    return false;
}

/* ut_logged() or fail, showing what was logged. */
__attribute__((unused))
static void ut_assert_logged(int prio, const char *a, const char *b)
{
    if (ut_logged(prio, a, b))
        return;
    print_error("%s", ut_log.text);
    fail_msg("no message <%d> with \"%s\" and \"%s\"", prio, a, b != NULL ? b : "");
}

/* The failed-parse check: PAM_SERVICE_ERR and a LOG_ERR message naming
 * what (and also, when given). */
__attribute__((unused))
static void ut_assert_refused(int rc, const char *what, const char *also)
{
    assert_int_equal(rc, PAM_SERVICE_ERR);
    ut_assert_logged(LOG_ERR, what, also);
}
#endif

#endif

/* Small helpers shared by the table-driven unit tests.  Include after
 * <cmocka.h>.  Everything is static so that each test program stays one
 * translation unit. */
#ifndef POD_UNIT_HELPERS_H
#define POD_UNIT_HELPERS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif

/* Shared by the fuzz targets (tests/fuzz/README.md).  Each target is one
 * LLVMFuzzerTestOneInput: linked with libFuzzer by run.sh, or with
 * replay.c by make check, which feeds it the committed corpus.  Both hand
 * it a heap block of exactly size bytes, so a read past the end is caught
 * under AddressSanitizer. */
#ifndef POD_FUZZ_H
#define POD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the API: abort, which libFuzzer and the replay both
 * report as a crash.  Not assert(): NDEBUG must not turn the checks off. */
#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                   \
            abort();                                                          \
        }                                                                     \
    } while (0)

static inline void fuzz_log_sink(int prio, const char *msg)
{
    (void)prio;
    (void)msg;
}

/* Messages would drown the fuzzer's output: drop them. */
static inline void fuzz_quiet(void)
{
    pod_log_set_sink(fuzz_log_sink);
}

/* The input as a C string (a NUL in it ends the string early), or NULL. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s != NULL) {
        if (size > 0)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Printable ASCII only, NUL-terminated within len bytes. */
static inline int fuzz_printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\0')
            return 1;
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    }
    return 0;
}

/* A copy of n bytes in a heap block of exactly that size (1 byte when n is
 * 0), so that a read past the end is caught as for the input itself: for
 * the parts of an input a target parses again.  NULL when out of memory. */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t n)
{
    uint8_t *d = malloc(n > 0 ? n : 1);

    if (d != NULL && n > 0)
        memcpy(d, data, n);
    return d;
}

/* ---- The map files (user_map, group_map) ---- */

/* How many lines pod_map_lines walks: each '\n' ends one, and bytes after
 * the last '\n' make one more. */
static inline unsigned fuzz_map_line_count(const uint8_t *data, size_t size)
{
    unsigned n = 0;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n + (size > 0 && data[size - 1] != '\n');
}

/* A map parser run on len bytes, what it built freed: its return code,
 * *line and *why. */
typedef int (*fuzz_map_parse_fn)(const uint8_t *text, size_t len, unsigned *line,
                                 const char **why);

/* The parse of a slice, in an exact heap copy.  -2 when out of memory. */
static inline int fuzz_map_reparse(fuzz_map_parse_fn parse, const uint8_t *text, size_t len,
                                   unsigned *line, const char **why)
{
    uint8_t *copy = fuzz_dup(text, len);
    int rc = copy != NULL ? parse(copy, len, line, why) : -2;

    free(copy);
    return rc;
}

/* What both map parsers promise of a result (user_map.h, group_map.h):
 * 0 with a map (have_map) and line 0, or -1 with no map and a reason.  A
 * NUL byte refuses the whole text (line 0); otherwise the lines are
 * independent, so line is the first bad one: the lines before it pass,
 * and that line alone fails for the same reason. */
static inline void fuzz_check_map_result(const uint8_t *data, size_t size, int rc, int have_map,
                                         unsigned line, const char *why,
                                         fuzz_map_parse_fn parse)
{
    size_t start = 0, end;
    unsigned l = 0;
    const char *w = NULL;
    int r;

    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(have_map == (rc == 0));
    FUZZ_CHECK(line <= fuzz_map_line_count(data, size));
    if (rc == 0) {
        FUZZ_CHECK(line == 0);
        return;
    }
    FUZZ_CHECK(why != NULL && why[0] != '\0' && fuzz_printable(why, 256));
    if (size > 0 && memchr(data, '\0', size) != NULL) {
        FUZZ_CHECK(line == 0);
        return;
    }
    FUZZ_CHECK(line >= 1);
    /* The line starts after line - 1 newlines, which are there: line is
     * within the count. */
    for (unsigned n = 1; n < line; n++)
        start = (size_t)((const uint8_t *)memchr(data + start, '\n', size - start) - data) + 1;
    end = start;
    while (end < size && data[end] != '\n')
        end++;
    r = fuzz_map_reparse(parse, data, start, &l, &w);
    FUZZ_CHECK(r == 0 || r == -2);
    r = fuzz_map_reparse(parse, data + start, end - start, &l, &w);
    FUZZ_CHECK(r == -2 || (r == -1 && l == 1 && strcmp(w, why) == 0));
}

#endif

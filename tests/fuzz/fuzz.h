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

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* cJSON allocation hooks that report whether a freed block still held a
 * secret: the proof that a cJSON tree was wiped before release.  Include
 * after <cmocka.h> and <cjson/cJSON.h>. */
#ifndef POD_SECRET_WATCH_H
#define POD_SECRET_WATCH_H

#include <stdlib.h>
#include <string.h>

static const char *watch_secret;
static int watch_seen;

static void *watch_malloc(size_t n)
{
    size_t *p = malloc(2 * sizeof(size_t) + n);

    assert_non_null(p);
    p[0] = n;
    return p + 2;
}

static void watch_free(void *q)
{
    size_t *p, n, k = strlen(watch_secret);

    if (q == NULL)
        return;
    p = (size_t *)q - 2;
    n = p[0];
    for (size_t i = 0; n >= k && i <= n - k; i++)
        if (memcmp((char *)q + i, watch_secret, k) == 0)
            watch_seen = 1;
    free(p);
}

/* From here on, cJSON allocates through the watch. */
__attribute__((unused))
static void watch_start(const char *secret)
{
    cJSON_Hooks hooks = { watch_malloc, watch_free };

    watch_secret = secret;
    watch_seen = 0;
    cJSON_InitHooks(&hooks);
}

/* Back to malloc; whether a block freed meanwhile held the secret.  Only
 * blocks allocated after watch_start may be freed before this. */
__attribute__((unused))
static int watch_stop(void)
{
    cJSON_InitHooks(NULL);
    return watch_seen;
}

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Strict JSON on top of cJSON: case-sensitive keys, duplicate keys and
 * \u0000 rejected, a nesting limit, and range-checked numbers. */
#ifndef POD_JSON_H
#define POD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define POD_JSON_MAX_DEPTH 16

/* Parse exactly len bytes (no embedded NUL).  Returns NULL and sets *err to
 * a static reason on failure. */
cJSON *pod_json_parse(const char *text, size_t len, const char **err);

/* pod_json_parse, and the value must be an object. */
cJSON *pod_json_parse_object(const char *text, size_t len, const char **err);

/* Member lookups; obj must be an object.  Key match is case-sensitive. */
const cJSON *pod_json_get(const cJSON *obj, const char *key);
/* The string value, or NULL when absent or not a string. */
const char *pod_json_string(const cJSON *obj, const char *key);

enum pod_json_num {
    POD_JSON_OK = 0,
    POD_JSON_MISSING = -1,
    POD_JSON_BAD = -2, /* wrong type, not an integer, or out of range */
};
/* An integral number in [min, max]. */
enum pod_json_num pod_json_int(const cJSON *obj, const char *key,
                               long long min, long long max, long long *out);

/* JSON true, or the string "true" some providers send; false otherwise. */
bool pod_json_true(const cJSON *obj, const char *key);

/* cJSON_Delete after wiping every string and key: for documents that
 * hold tokens. */
void pod_json_delete_secret(cJSON *item);

#endif

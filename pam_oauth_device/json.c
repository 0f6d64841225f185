/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Strict JSON on top of cJSON: duplicates, NUL, depth and number ranges. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Doubles are exact integers only up to 2^53: past that the text and the
 * value may differ, so such numbers are refused. */
#define EXACT_INT_MAX 9007199254740992.0

static void set_err(const char **err, const char *msg)
{
    if (err != NULL)
        *err = msg;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int one_of(const char *set, unsigned char c)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* Length of the well-formed UTF-8 sequence at p (Unicode 15, table 3-7:
 * no overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;

    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c == 0xE0)
        need = 2, lo = 0xA0;
    else if (c == 0xED)
        need = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF)
        need = 2;
    else if (c == 0xF0)
        need = 3, lo = 0x90;
    else if (c == 0xF4)
        need = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3)
        need = 3;
    else
        return 0;
    if (avail <= need || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k <= need; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

/* p[*i] is the opening quote.  Escapes other than \u0000 are left to
 * cJSON; skipping the escaped byte keeps "\\u0000" (a backslash and
 * "u0000") apart from the escape \u0000. */
static const char *scan_string(const unsigned char *p, size_t len, size_t *i)
{
    size_t j = *i + 1;

    while (j < len) {
        unsigned char c = p[j];

        if (c == '"') {
            *i = j + 1;
            return NULL;
        }
        if (c < 0x20)
            return "JSON string contains a control character";
        if (c == '\\') {
            if (len - j >= 6 && p[j + 1] == 'u' && memcmp(p + j + 2, "0000", 4) == 0)
                return "JSON string contains \\u0000";
            j += 2;
        } else if (c >= 0x80) {
            size_t n = utf8_len(p + j, len - j);

            if (n == 0)
                return "JSON string is not valid UTF-8";
            j += n;
        } else {
            j++;
        }
    }
    return "JSON syntax error";
}

/* RFC 8259 section 6.  cJSON would take "01", "1." or "-.5" through
 * strtod. */
static const char *scan_number(const unsigned char *p, size_t len, size_t *i)
{
    size_t j = *i;

    if (p[j] == '-')
        j++;
    if (j >= len || !is_digit(p[j]))
        return "JSON number malformed";
    if (p[j] == '0')
        j++;
    else
        while (j < len && is_digit(p[j]))
            j++;
    if (j < len && p[j] == '.') {
        if (++j >= len || !is_digit(p[j]))
            return "JSON number malformed";
        while (j < len && is_digit(p[j]))
            j++;
    }
    if (j < len && (p[j] == 'e' || p[j] == 'E')) {
        j++;
        if (j < len && (p[j] == '+' || p[j] == '-'))
            j++;
        if (j >= len || !is_digit(p[j]))
            return "JSON number malformed";
        while (j < len && is_digit(p[j]))
            j++;
    }
    if (j < len && (is_digit(p[j]) || one_of(".eE+-", p[j])))
        return "JSON number malformed";
    *i = j;
    return NULL;
}

/* Runs before cJSON so that it never sees deep nesting, NUL bytes,
 * \u0000, raw control characters, bad UTF-8 or lax numbers.  cJSON still
 * checks the grammar; bytes outside strings are only pre-filtered here. */
static const char *scan(const unsigned char *p, size_t len)
{
    size_t i = 0, depth = 0;
    const char *e;

    if (memchr(p, '\0', len) != NULL)
        return "JSON text contains a NUL byte";
    while (i < len) {
        unsigned char c = p[i];

        if (c == '"') {
            if ((e = scan_string(p, len, &i)) != NULL)
                return e;
            continue;
        }
        if (c == '-' || is_digit(c)) {
            if ((e = scan_number(p, len, &i)) != NULL)
                return e;
            continue;
        }
        if (c == '{' || c == '[') {
            if (++depth > POD_JSON_MAX_DEPTH)
                return "JSON nesting too deep";
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return "JSON syntax error";
            depth--;
        } else if (!is_ws(c) && !one_of(",:aeflnrstu", c)) {
            /* the letters are those of true, false and null */
            return "JSON syntax error";
        }
        i++;
    }
    return NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted neighbours: O(n log n) per object.  Recursion is bounded by the
 * depth the scan allowed. */
static const char *check_duplicates(const cJSON *item)
{
    const cJSON *c;
    const char *e;

    if (cJSON_IsObject(item) && item->child != NULL && item->child->next != NULL) {
        size_t n = 0, k = 0;
        const char **names;

        for (c = item->child; c != NULL; c = c->next)
            n++;
        names = malloc(n * sizeof(*names));
        if (names == NULL)
            return "out of memory";
        for (c = item->child; c != NULL; c = c->next)
            names[k++] = c->string;
        qsort(names, n, sizeof(*names), cmp_names);
        for (k = 1; k < n; k++)
            if (strcmp(names[k - 1], names[k]) == 0)
                break;
        free(names);
        if (k < n)
            return "JSON object has duplicate member names";
    }
    for (c = item->child; c != NULL; c = c->next)
        if ((e = check_duplicates(c)) != NULL)
            return e;
    return NULL;
}

cJSON *pod_json_parse(const char *text, size_t len, const char **err)
{
    const unsigned char *p = (const unsigned char *)text;
    const char *end = NULL, *e;
    cJSON *doc;

    if (text == NULL || len == 0) {
        set_err(err, "JSON text is empty");
        return NULL;
    }
    if ((e = scan(p, len)) != NULL) {
        set_err(err, e);
        return NULL;
    }
    /* require_null_terminated would need a NUL inside len; the same rule
     * is applied to what follows the value instead. */
    doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc == NULL) {
        set_err(err, "JSON syntax error");
        return NULL;
    }
    for (size_t i = (size_t)(end - text); i < len; i++) {
        if (!is_ws(p[i])) {
            cJSON_Delete(doc);
            set_err(err, "JSON text has data after the value");
            return NULL;
        }
    }
    if ((e = check_duplicates(doc)) != NULL) {
        cJSON_Delete(doc);
        set_err(err, e);
        return NULL;
    }
    return doc;
}

const cJSON *pod_json_get(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj) || key == NULL)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const char *pod_json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = pod_json_get(obj, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum pod_json_num pod_json_int(const cJSON *obj, const char *key,
                               long long min, long long max, long long *out)
{
    const cJSON *v = pod_json_get(obj, key);
    double d;
    long long n;

    if (v == NULL)
        return POD_JSON_MISSING;
    if (!cJSON_IsNumber(v))
        return POD_JSON_BAD;
    d = v->valuedouble;
    /* The comparisons are false for NaN; infinities fail the range. */
    if (!(d >= -EXACT_INT_MAX && d <= EXACT_INT_MAX))
        return POD_JSON_BAD;
    n = (long long)d;
    if ((double)n != d || n < min || n > max)
        return POD_JSON_BAD;
    *out = n;
    return POD_JSON_OK;
}

bool pod_json_true(const cJSON *obj, const char *key)
{
    const cJSON *v = pod_json_get(obj, key);

    return cJSON_IsTrue(v) || (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0);
}

static void wipe_strings(cJSON *item)
{
    for (; item != NULL; item = item->next) {
        /* References and constant keys are not owned by this tree. */
        if (item->string != NULL && !(item->type & cJSON_StringIsConst))
            explicit_bzero(item->string, strlen(item->string));
        if (item->type & cJSON_IsReference)
            continue;
        if (item->valuestring != NULL)
            explicit_bzero(item->valuestring, strlen(item->valuestring));
        wipe_strings(item->child);
    }
}

void pod_json_delete_secret(cJSON *item)
{
    wipe_strings(item);
    cJSON_Delete(item);
}

cJSON *pod_json_parse_object(const char *text, size_t len, const char **err)
{
    cJSON *doc = pod_json_parse(text, len, err);

    if (doc != NULL && !cJSON_IsObject(doc)) {
        pod_json_delete_secret(doc);
        *err = "not a JSON object";
        return NULL;
    }
    return doc;
}

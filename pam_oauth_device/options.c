/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The option table: defaults, the config file, the PAM line, free and
 * format; the files the options name are options_files.c's. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <security/pam_modules.h>

#include "cache.h"
#include "config_parse.h"
#include "group_map.h"
#include "log.h"
#include "options.h"
#include "options_files.h"
#include "options_rules.h"
#include "optval.h"
#include "safefile.h"
#include "user_map.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const https_only[] = { "https://", NULL };
static const char *const http_or_https[] = { "http://", "https://", NULL };
static const char *const bool_words[] = { "no", "yes", "false", "true", "0", "1", NULL };
static const char *const qr_words[] = { "utf8", "ascii", "off", NULL };
static const char *const qr_color_words[] = { "auto", "yes", "no", NULL };
static const char *const prompt_words[] = { "auto", "enter", "none", NULL };
static const char *const userinfo_words[] = { "fallback", "always", "never", NULL };

_Static_assert(sizeof(enum pod_qr_mode) == sizeof(int), "POD_OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_qr_color) == sizeof(int), "POD_OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_prompt_mode) == sizeof(int), "POD_OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_userinfo_mode) == sizeof(int), "POD_OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_provider) == sizeof(int), "POD_OPT_ENUM stores an int");
_Static_assert(POD_MAX_FILE == 64 * 1024, "the messages say 64 KiB");

#define OFF(field) offsetof(struct pod_options, field)

static const struct pod_optval table[] = {
    { .name = "config", .type = POD_OPT_PATH, .offset = OFF(config), .flags = POD_OPT_ARGV_ONLY },
    /* Required unless the endpoints and user_api are set (finish). */
    { .name = "issuer", .type = POD_OPT_URL, .offset = OFF(issuer), .words = https_only },
    { .name = "provider", .type = POD_OPT_ENUM, .offset = OFF(provider), .words = pod_provider_words },
    { .name = "device_authorization_endpoint", .type = POD_OPT_URL,
      .offset = OFF(device_authorization_endpoint), .flags = POD_OPT_EMPTY_UNSETS,
      .words = https_only },
    { .name = "token_endpoint", .type = POD_OPT_URL, .offset = OFF(token_endpoint),
      .flags = POD_OPT_EMPTY_UNSETS, .words = https_only },
    { .name = "user_api", .type = POD_OPT_URL, .offset = OFF(user_api),
      .flags = POD_OPT_EMPTY_UNSETS, .words = https_only },
    { .name = "client_id", .type = POD_OPT_STRING, .offset = OFF(client_id),
      .flags = POD_OPT_REQUIRED },
    { .name = "client_secret", .type = POD_OPT_SECRET, .offset = OFF(client_secret),
      .flags = POD_OPT_FILE_ONLY | POD_OPT_EMPTY_UNSETS },
    { .name = "client_secret_file", .type = POD_OPT_PATH, .offset = OFF(client_secret_file),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "scope", .type = POD_OPT_STRING, .offset = OFF(scope),
      .def = "openid profile email" },
    { .name = "username_claim", .type = POD_OPT_STRING, .offset = OFF(username_claim),
      .def = "preferred_username" },
    { .name = "groups_claim", .type = POD_OPT_STRING, .offset = OFF(groups_claim),
      .def = "groups" },
    { .name = "allowed_groups", .type = POD_OPT_STRING, .offset = OFF(allowed_groups),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "required_groups", .type = POD_OPT_STRING, .offset = OFF(required_groups),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "username_transform", .type = POD_OPT_STRING, .offset = OFF(username_transform),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_transforms },
    { .name = "allowed_domains", .type = POD_OPT_STRING, .offset = OFF(allowed_domains),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_domains },
    { .name = "user_map", .type = POD_OPT_PATH, .offset = OFF(user_map),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "user_map_only", .type = POD_OPT_BOOL, .offset = OFF(user_map_only), .def = "no",
      .words = bool_words },
    { .name = "group_map", .type = POD_OPT_PATH, .offset = OFF(group_map),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "skip_users", .type = POD_OPT_STRING, .offset = OFF(skip_users),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_words },
    { .name = "only_users", .type = POD_OPT_STRING, .offset = OFF(only_users),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_words },
    { .name = "only_group", .type = POD_OPT_STRING, .offset = OFF(only_group),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_group },
    { .name = "required_acr", .type = POD_OPT_STRING, .offset = OFF(required_acr),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_words },
    { .name = "required_amr", .type = POD_OPT_STRING, .offset = OFF(required_amr),
      .flags = POD_OPT_EMPTY_UNSETS, .check = pod_check_words },
    { .name = "userinfo", .type = POD_OPT_ENUM, .offset = OFF(userinfo), .def = "fallback",
      .words = userinfo_words },
    { .name = "ca_file", .type = POD_OPT_PATH, .offset = OFF(ca_file),
      .flags = POD_OPT_EMPTY_UNSETS },
    { .name = "proxy", .type = POD_OPT_URL, .offset = OFF(proxy),
      .flags = POD_OPT_EMPTY_UNSETS, .words = http_or_https },
    { .name = "cache", .type = POD_OPT_BOOL, .offset = OFF(cache), .def = "yes",
      .words = bool_words },
    { .name = "cache_dir", .type = POD_OPT_STRING, .offset = OFF(cache_dir),
      .def = POD_DEFAULT_CACHE_DIR, .check = pod_check_cache_dir },
    { .name = "timeout", .type = POD_OPT_LONG, .offset = OFF(timeout), .def = "100",
      .min = 10, .max = 3600 },
    { .name = "leeway", .type = POD_OPT_LONG, .offset = OFF(leeway), .def = "60",
      .min = 0, .max = 600 },
    { .name = "qr", .type = POD_OPT_ENUM, .offset = OFF(qr), .def = "utf8", .words = qr_words },
    { .name = "qr_color", .type = POD_OPT_ENUM, .offset = OFF(qr_color), .def = "auto",
      .words = qr_color_words },
    { .name = "prompt", .type = POD_OPT_ENUM, .offset = OFF(prompt), .def = "auto",
      .words = prompt_words },
    { .name = "hide_unknown_users", .type = POD_OPT_BOOL, .offset = OFF(hide_unknown_users),
      .def = "yes", .words = bool_words },
    { .name = "debug", .type = POD_OPT_BOOL, .offset = OFF(debug), .def = "no",
      .words = bool_words },
};

_Static_assert(ARRAY_SIZE(table) <= 64, "pod_options.given has a bit per key");

_Static_assert(ARRAY_SIZE(table) <= 64, "pod_options.given has a bit per key");

enum source { SRC_DEFAULT, SRC_FILE, SRC_ARGV };

/* Where a value comes from, for messages and the "given twice" rule. */
struct origin {
    enum source src;
    const char *where; /* "FILE:LINE", "module argument N" */
    bool *seen;        /* per table entry, for this source; NULL: defaults */
};

static int oom(pam_handle_t *pamh)
{
    pod_log(pamh, LOG_ERR, "out of memory");
    return PAM_BUF_ERR;
}

/* The engine's answer (0, -1 bad value, -2 out of memory) as a PAM code. */
static int set_value(pam_handle_t *pamh, struct pod_options *opts, const char *where,
                     const struct pod_optval *opt, const char *value)
{
    int r = pod_optval_set(pamh, opts, where, opt, value);

    return r == 0 ? PAM_SUCCESS : r == -2 ? PAM_BUF_ERR : PAM_SERVICE_ERR;
}

static const struct pod_optval *find_opt(const char *key, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        if (strlen(table[i].name) == len && memcmp(table[i].name, key, len) == 0)
            return &table[i];
    return NULL;
}

/* The one way a key=value from the file or the PAM line gets in; value is
 * NULL for a bare word on the PAM line. */
static int apply(pam_handle_t *pamh, struct pod_options *opts, const struct origin *o,
                 const char *key, size_t keylen, const char *value)
{
    const struct pod_optval *opt = find_opt(key, keylen);

    if (opt == NULL) {
        pod_log(pamh, LOG_ERR, "%s: unknown option \"%.*s\"", o->where,
                (int)(keylen < 64 ? keylen : 64), key);
        return PAM_SERVICE_ERR;
    }
    if (o->src == SRC_FILE && (opt->flags & POD_OPT_ARGV_ONLY)) {
        pod_log(pamh, LOG_ERR, "%s: %s can only be given on the PAM line", o->where, opt->name);
        return PAM_SERVICE_ERR;
    }
    if (o->src == SRC_ARGV && (opt->flags & POD_OPT_FILE_ONLY)) {
        pod_log(pamh, LOG_ERR, "%s: %s is refused on the PAM line, which every user can "
                "read; put it in the config file or use %s_file", o->where, opt->name,
                opt->name);
        return PAM_SERVICE_ERR;
    }
    if (o->seen[opt - table]) {
        pod_log(pamh, LOG_ERR, "%s: %s is given twice", o->where, opt->name);
        return PAM_SERVICE_ERR;
    }
    o->seen[opt - table] = true;
    opts->given |= UINT64_C(1) << (opt - table);
    if (value == NULL) {
        if (opt->type != POD_OPT_BOOL) {
            pod_log(pamh, LOG_ERR, "%s: %s needs a value (%s=...)", o->where, opt->name,
                    opt->name);
            return PAM_SERVICE_ERR;
        }
        value = opt->words[1];
    }
    return set_value(pamh, opts, o->where, opt, value);
}

static int set_defaults(pam_handle_t *pamh, struct pod_options *opts)
{
    int rc = PAM_SUCCESS;

    for (size_t i = 0; i < ARRAY_SIZE(table) && rc == PAM_SUCCESS; i++)
        if (table[i].def != NULL)
            rc = set_value(pamh, opts, "default", &table[i], table[i].def);
    return rc;
}

/* PAM line: the argv-only keys (config) in the first pass, the others,
 * which override the file, in the second. */
static int parse_args(pam_handle_t *pamh, struct pod_options *opts, int argc,
                      const char **argv, bool first_pass, bool *seen)
{
    char where[32];
    const struct origin o = { SRC_ARGV, where, seen };
    int rc = PAM_SUCCESS;

    for (int i = 0; i < argc && rc == PAM_SUCCESS; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t keylen = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        const struct pod_optval *opt = find_opt(argv[i], keylen);
        bool argv_only = opt != NULL && (opt->flags & POD_OPT_ARGV_ONLY);

        if (argv_only != first_pass)
            continue;
        snprintf(where, sizeof(where), "module argument %d", i + 1);
        rc = apply(pamh, opts, &o, argv[i], keylen, eq != NULL ? eq + 1 : NULL);
    }
    return rc;
}

struct file_ctx {
    pam_handle_t *pamh;
    struct pod_options *opts;
    bool seen[ARRAY_SIZE(table)];
};

static int file_pair(void *ctx, const char *where, const char *key, const char *value)
{
    struct file_ctx *c = ctx;
    const struct origin o = { SRC_FILE, where, c->seen };

    return apply(c->pamh, c->opts, &o, key, strlen(key), value);
}

int pod_options_parse_text(pam_handle_t *pamh, const char *text, size_t len,
                           const char *name, struct pod_options *opts)
{
    struct file_ctx c = { .pamh = pamh, .opts = opts };
    int rc = pod_config_parse(pamh, text, len, name, file_pair, &c);

    return rc == -1 ? PAM_SERVICE_ERR : rc;
}

/* config= from the PAM line, else the default path, which may be absent. */
static int read_config(pam_handle_t *pamh, struct pod_options *opts,
                       const char *default_config)
{
    const char *path = opts->config != NULL ? opts->config : default_config;
    bool absent = false;
    struct pod_file t;
    int rc = pod_options_read_file(pamh, path, false, opts->config == NULL ? &absent : NULL, &t);

    if (rc != PAM_SUCCESS)
        return absent ? PAM_SUCCESS : rc;
    if (opts->config == NULL && (opts->config = strdup(path)) == NULL)
        rc = oom(pamh);
    else
        rc = pod_options_parse_text(pamh, t.data, t.len, path, opts);
    /* The same rule as for client_secret_file. */
    if (rc == PAM_SUCCESS && opts->client_secret != NULL && (t.mode & S_IRWXO)) {
        pod_log(pamh, LOG_ERR, "%s: refused: holds client_secret but others have access "
                "(chmod o-rwx, or use client_secret_file)", path);
        rc = PAM_SERVICE_ERR;
    }
    pod_safefile_wipe(&t);
    return rc;
}

/* Whether the key was set in the file or on the PAM line. */
static bool given(const struct pod_options *opts, const char *key)
{
    const struct pod_optval *opt = find_opt(key, strlen(key));

    return opt != NULL && (opts->given & (UINT64_C(1) << (opt - table))) != 0;
}

/* The provider's presets, each unless that key was given in the file or
 * on the PAM line (before or after provider: a given key always wins). */
static int apply_provider(pam_handle_t *pamh, struct pod_options *opts)
{
    size_t n;
    const struct pod_preset *p = pod_provider_presets(opts->provider, &n);
    int rc = PAM_SUCCESS;

    for (size_t i = 0; i < n && rc == PAM_SUCCESS; i++) {
        const struct pod_optval *opt = find_opt(p[i].key, strlen(p[i].key));
        if (opt != NULL && !given(opts, p[i].key))
            rc = set_value(pamh, opts, "provider github", opt, p[i].value);
    }
    return rc;
}

static int finish(pam_handle_t *pamh, struct pod_options *opts)
{
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        if ((table[i].flags & POD_OPT_REQUIRED) &&
            *(char **)((char *)opts + table[i].offset) == NULL) {
            pod_log(pamh, LOG_ERR, "%s is required but not set", table[i].name);
            return PAM_SERVICE_ERR;
        }
    }
    if ((rc = apply_provider(pamh, opts)) != PAM_SUCCESS ||
        (rc = pod_rules_provider(pamh, opts, given(opts, "scope"))) != PAM_SUCCESS)
        return rc;
    if ((rc = pod_rules_mapping(pamh, opts)) != PAM_SUCCESS)
        return rc;
    return pod_options_read_files(pamh, opts, pod_options_issuer(opts));
}

int pod_options_load_at(pam_handle_t *pamh, const char *default_config, int argc,
                        const char **argv, struct pod_options *opts)
{
    bool argv_seen[ARRAY_SIZE(table)] = { false };
    int rc = PAM_SERVICE_ERR;

    memset(opts, 0, sizeof(*opts));
    if ((rc = set_defaults(pamh, opts)) != PAM_SUCCESS)
        goto out;
    if ((rc = parse_args(pamh, opts, argc, argv, true, argv_seen)) != PAM_SUCCESS)
        goto out;
    if ((rc = read_config(pamh, opts, default_config)) != PAM_SUCCESS)
        goto out;
    if ((rc = parse_args(pamh, opts, argc, argv, false, argv_seen)) != PAM_SUCCESS)
        goto out;
    rc = finish(pamh, opts);
out:
    if (rc != PAM_SUCCESS)
        pod_options_free(opts);
    return rc;
}

int pod_options_load(pam_handle_t *pamh, int argc, const char **argv,
                     struct pod_options *opts)
{
    return pod_options_load_at(pamh, POD_DEFAULT_CONFIG, argc, argv, opts);
}

const char *pod_options_issuer(const struct pod_options *opts)
{
    if (opts->issuer != NULL || opts->user_api == NULL)
        return opts->issuer;
    return strcmp(opts->user_api, POD_GITHUB_USER_API) == 0 ? "github" : opts->user_api;
}

void pod_options_free(struct pod_options *opts)
{
    if (opts == NULL)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        pod_optval_free(opts, &table[i]);
    pod_user_map_free(opts->map);
    pod_group_map_free(opts->gmap);
    free(opts->ca_pem);
    memset(opts, 0, sizeof(*opts));
}

/* The table entry behind pod_option_key's index i. */
static const struct pod_optval *file_key(size_t i)
{
    for (size_t k = 0; k < ARRAY_SIZE(table); k++)
        if (!(table[k].flags & POD_OPT_ARGV_ONLY) && i-- == 0)
            return &table[k];
    return NULL;
}

int pod_option_format(const struct pod_options *opts, size_t i, char *buf, size_t len)
{
    const struct pod_optval *opt = file_key(i);

    if (opt == NULL)
        return -1;
    pod_optval_format(opts, opt, buf, len);
    return 0;
}

const char *pod_option_key(size_t i, const char **def)
{
    const struct pod_optval *opt = file_key(i);

    if (opt == NULL)
        return NULL;
    if (def != NULL)
        *def = opt->def;
    return opt->name;
}

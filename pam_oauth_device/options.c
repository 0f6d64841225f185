#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_modules.h>

#include "buf.h"
#include "claims.h"
#include "log.h"
#include "options.h"
#include "url.h"
#include "user_map.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum opt_type {
    OPT_STRING, /* non-empty text */
    OPT_SECRET, /* text that is never logged and is wiped on free */
    OPT_PATH,   /* absolute path of an existing regular file */
    OPT_URL,    /* words: the accepted scheme prefixes */
    OPT_BOOL,   /* words: alternately false and true spellings */
    OPT_LONG,   /* min..max */
    OPT_ENUM,   /* words: the names, in the order of the enum values */
};

#define OPT_REQUIRED 0x1u
#define OPT_EMPTY_UNSETS 0x2u /* "key =" removes an earlier value */
#define OPT_ARGV_ONLY 0x4u    /* applied before the file is read */
#define OPT_FILE_ONLY 0x8u    /* files under /etc/pam.d are world-readable */

struct opt {
    const char *name;
    enum opt_type type;
    size_t offset;
    const char *def; /* parsed like a value from the file; NULL: unset */
    unsigned flags;
    long min, max;
    const char *const *words;
    const char *(*check)(const char *value); /* NULL or why a value is bad */
};

static const char *const https_only[] = { "https://", NULL };
static const char *const http_or_https[] = { "http://", "https://", NULL };
static const char *const bool_words[] = { "no", "yes", "false", "true", "0", "1", NULL };
static const char *const qr_words[] = { "utf8", "ascii", "off", NULL };
static const char *const userinfo_words[] = { "fallback", "always", "never", NULL };
static const char *const provider_words[] = { "none", "github", NULL };

/* ---- value checks of the mapping keys (comma lists, claims.h) ---- */

static const char *check_transforms(const char *value)
{
    const char *p = value, *t;
    size_t n;
    unsigned seen = 0;

    while (pod_list_next(&p, &t, &n)) {
        unsigned bit = n == 9 && memcmp(t, "lowercase", 9) == 0         ? 1u
                       : n == 12 && memcmp(t, "strip_domain", 12) == 0 ? 2u
                                                                       : 0u;
        if (bit == 0)
            return "expected a comma-separated list of lowercase, strip_domain";
        if (seen & bit)
            return "a transform is listed twice";
        seen |= bit;
    }
    return NULL;
}

static const char *check_domains(const char *value)
{
    const char *p = value, *d;
    size_t n;

    while (pod_list_next(&p, &d, &n))
        for (size_t i = 0; i < n; i++)
            if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' && d[i] <= 'Z') ||
                  (d[i] >= '0' && d[i] <= '9') || (i > 0 && (d[i] == '.' || d[i] == '-'))))
                return "expected a comma-separated list of domain names such as example.com "
                       "(without '@')";
    return NULL;
}

/* Entries that are single words: user names, acr and amr values. */
static const char *check_words(const char *value)
{
    const char *p = value, *w;
    size_t n;

    while (pod_list_next(&p, &w, &n))
        if (memchr(w, ' ', n) != NULL || memchr(w, '\t', n) != NULL)
            return "expected a comma-separated list; an entry has a blank inside";
    return NULL;
}

static const char *check_group(const char *value)
{
    return strpbrk(value, ", \t") != NULL ? "expected one group name" : NULL;
}

_Static_assert(sizeof(enum pod_qr_mode) == sizeof(int), "OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_userinfo_mode) == sizeof(int), "OPT_ENUM stores an int");
_Static_assert(sizeof(enum pod_provider) == sizeof(int), "OPT_ENUM stores an int");
_Static_assert(POD_MAX_FILE == 64 * 1024, "the messages say 64 KiB");

#define OFF(field) offsetof(struct pod_options, field)

static const struct opt table[] = {
    { .name = "config", .type = OPT_PATH, .offset = OFF(config), .flags = OPT_ARGV_ONLY },
    /* Required unless the endpoints and user_api are set (finish). */
    { .name = "issuer", .type = OPT_URL, .offset = OFF(issuer), .words = https_only },
    { .name = "provider", .type = OPT_ENUM, .offset = OFF(provider), .words = provider_words },
    { .name = "device_authorization_endpoint", .type = OPT_URL,
      .offset = OFF(device_authorization_endpoint), .flags = OPT_EMPTY_UNSETS,
      .words = https_only },
    { .name = "token_endpoint", .type = OPT_URL, .offset = OFF(token_endpoint),
      .flags = OPT_EMPTY_UNSETS, .words = https_only },
    { .name = "user_api", .type = OPT_URL, .offset = OFF(user_api),
      .flags = OPT_EMPTY_UNSETS, .words = https_only },
    { .name = "client_id", .type = OPT_STRING, .offset = OFF(client_id),
      .flags = OPT_REQUIRED },
    { .name = "client_secret", .type = OPT_SECRET, .offset = OFF(client_secret),
      .flags = OPT_FILE_ONLY | OPT_EMPTY_UNSETS },
    { .name = "client_secret_file", .type = OPT_PATH, .offset = OFF(client_secret_file),
      .flags = OPT_EMPTY_UNSETS },
    { .name = "scope", .type = OPT_STRING, .offset = OFF(scope),
      .def = "openid profile email" },
    { .name = "username_claim", .type = OPT_STRING, .offset = OFF(username_claim),
      .def = "preferred_username" },
    { .name = "groups_claim", .type = OPT_STRING, .offset = OFF(groups_claim),
      .def = "groups" },
    { .name = "allowed_groups", .type = OPT_STRING, .offset = OFF(allowed_groups),
      .flags = OPT_EMPTY_UNSETS },
    { .name = "required_groups", .type = OPT_STRING, .offset = OFF(required_groups),
      .flags = OPT_EMPTY_UNSETS },
    { .name = "username_transform", .type = OPT_STRING, .offset = OFF(username_transform),
      .flags = OPT_EMPTY_UNSETS, .check = check_transforms },
    { .name = "allowed_domains", .type = OPT_STRING, .offset = OFF(allowed_domains),
      .flags = OPT_EMPTY_UNSETS, .check = check_domains },
    { .name = "user_map", .type = OPT_PATH, .offset = OFF(user_map),
      .flags = OPT_EMPTY_UNSETS },
    { .name = "user_map_only", .type = OPT_BOOL, .offset = OFF(user_map_only), .def = "no",
      .words = bool_words },
    { .name = "skip_users", .type = OPT_STRING, .offset = OFF(skip_users),
      .flags = OPT_EMPTY_UNSETS, .check = check_words },
    { .name = "only_users", .type = OPT_STRING, .offset = OFF(only_users),
      .flags = OPT_EMPTY_UNSETS, .check = check_words },
    { .name = "only_group", .type = OPT_STRING, .offset = OFF(only_group),
      .flags = OPT_EMPTY_UNSETS, .check = check_group },
    { .name = "required_acr", .type = OPT_STRING, .offset = OFF(required_acr),
      .flags = OPT_EMPTY_UNSETS, .check = check_words },
    { .name = "required_amr", .type = OPT_STRING, .offset = OFF(required_amr),
      .flags = OPT_EMPTY_UNSETS, .check = check_words },
    { .name = "userinfo", .type = OPT_ENUM, .offset = OFF(userinfo), .def = "fallback",
      .words = userinfo_words },
    { .name = "ca_file", .type = OPT_PATH, .offset = OFF(ca_file),
      .flags = OPT_EMPTY_UNSETS },
    { .name = "proxy", .type = OPT_URL, .offset = OFF(proxy),
      .flags = OPT_EMPTY_UNSETS, .words = http_or_https },
    { .name = "timeout", .type = OPT_LONG, .offset = OFF(timeout), .def = "120",
      .min = 10, .max = 3600 },
    { .name = "leeway", .type = OPT_LONG, .offset = OFF(leeway), .def = "60",
      .min = 0, .max = 600 },
    { .name = "qr", .type = OPT_ENUM, .offset = OFF(qr), .def = "utf8", .words = qr_words },
    { .name = "debug", .type = OPT_BOOL, .offset = OFF(debug), .def = "no",
      .words = bool_words },
};

_Static_assert(ARRAY_SIZE(table) <= 64, "pod_options.given has a bit per key");

enum source { SRC_DEFAULT, SRC_FILE, SRC_ARGV };

/* Where a value comes from, for messages and the "given twice" rule. */
struct origin {
    enum source src;
    const char *where; /* "FILE:LINE", "module argument N" */
    bool *seen;        /* per table entry, for this source; NULL: defaults */
};

/* A whole file read into memory; wiped because it may hold a secret. */
struct text {
    char *data; /* NUL-terminated */
    size_t len;
    mode_t mode;
};

static int oom(pam_handle_t *pamh)
{
    pod_log(pamh, LOG_ERR, "out of memory");
    return PAM_BUF_ERR;
}

static bool is_string(enum opt_type type)
{
    return type == OPT_STRING || type == OPT_SECRET || type == OPT_PATH || type == OPT_URL;
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static void join_words(char *buf, size_t size, const char *const *words)
{
    size_t n = 0;

    buf[0] = '\0';
    for (; *words != NULL && n < size; words++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n > 0 ? "|" : "", *words);
}

/* value is NULL when it must not be repeated (secret, URL, control chars). */
static int bad_value(pam_handle_t *pamh, const struct origin *o, const struct opt *opt,
                     const char *value, const char *why)
{
    if (value != NULL)
        pod_log(pamh, LOG_ERR, "%s: %s: bad value \"%s\": %s", o->where, opt->name, value, why);
    else
        pod_log(pamh, LOG_ERR, "%s: %s: bad value: %s", o->where, opt->name, why);
    return PAM_SERVICE_ERR;
}

static int word_index(const char *const *words, const char *value)
{
    for (int i = 0; words[i] != NULL; i++)
        if (strcasecmp(words[i], value) == 0)
            return i;
    return -1;
}

/* Digits only: no sign, blank or suffix that strtol would let through. */
static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A base URL: known scheme, a host, no blanks, query or fragment (an
 * OpenID issuer must have neither). */
static bool url_ok(const char *s, const char *const *schemes)
{
    for (; *schemes != NULL; schemes++) {
        size_t n = strlen(*schemes);
        if (strncmp(s, *schemes, n) == 0)
            return s[n] != '\0' && s[n] != '/' && strpbrk(s + n, " ?#") == NULL;
    }
    return false;
}

static int check_string(pam_handle_t *pamh, const struct origin *o, const struct opt *opt,
                        const char *value)
{
    char why[192];
    struct stat st;
    const char *bad;

    if (opt->check != NULL && (bad = opt->check(value)) != NULL)
        return bad_value(pamh, o, opt, value, bad);
    switch (opt->type) {
    case OPT_URL:
        if (!url_ok(value, opt->words)) {
            char schemes[64];
            join_words(schemes, sizeof(schemes), opt->words);
            snprintf(why, sizeof(why),
                     "expected a URL starting with %s, with a host and no blank, query "
                     "or fragment", schemes);
            return bad_value(pamh, o, opt, NULL, why);
        }
        break;
    case OPT_PATH:
        if (value[0] != '/')
            return bad_value(pamh, o, opt, value, "expected an absolute path");
        if (stat(value, &st) != 0) {
            pod_log(pamh, LOG_ERR, "%s: %s: %s: %m", o->where, opt->name, value);
            return PAM_SERVICE_ERR;
        }
        if (!S_ISREG(st.st_mode))
            return bad_value(pamh, o, opt, value, "not a regular file");
        break;
    default:
        break;
    }
    return PAM_SUCCESS;
}

static int set_string(pam_handle_t *pamh, const struct origin *o, const struct opt *opt,
                      char **field, const char *value)
{
    char *copy = NULL;
    int rc;

    if (*value == '\0') {
        if (!(opt->flags & OPT_EMPTY_UNSETS))
            return bad_value(pamh, o, opt, NULL, "empty");
    } else {
        rc = check_string(pamh, o, opt, value);
        if (rc != PAM_SUCCESS)
            return rc;
        copy = strdup(value);
        if (copy == NULL)
            return oom(pamh);
    }
    if (opt->type == OPT_SECRET)
        pod_free_secret(*field);
    else
        free(*field);
    *field = copy;
    return PAM_SUCCESS;
}

static int set_value(pam_handle_t *pamh, struct pod_options *opts, const struct origin *o,
                     const struct opt *opt, const char *value)
{
    void *field = (char *)opts + opt->offset;
    char why[128];
    long num;
    int idx;

    if (has_control(value))
        return bad_value(pamh, o, opt, NULL, "it contains a control character");
    switch (opt->type) {
    case OPT_BOOL:
    case OPT_ENUM:
        idx = word_index(opt->words, value);
        if (idx < 0) {
            char words[64];
            join_words(words, sizeof(words), opt->words);
            snprintf(why, sizeof(why), "expected %s", words);
            return bad_value(pamh, o, opt, value, why);
        }
        if (opt->type == OPT_BOOL)
            *(bool *)field = idx % 2 == 1;
        else
            *(int *)field = idx;
        return PAM_SUCCESS;
    case OPT_LONG:
        if (!parse_long(value, opt->min, opt->max, &num)) {
            snprintf(why, sizeof(why), "expected a whole number from %ld to %ld",
                     opt->min, opt->max);
            return bad_value(pamh, o, opt, value, why);
        }
        *(long *)field = num;
        return PAM_SUCCESS;
    default:
        return set_string(pamh, o, opt, field, value);
    }
}

static const struct opt *find_opt(const char *key, size_t len)
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
    const struct opt *opt = find_opt(key, keylen);

    if (opt == NULL) {
        pod_log(pamh, LOG_ERR, "%s: unknown option \"%.*s\"", o->where,
                (int)(keylen < 64 ? keylen : 64), key);
        return PAM_SERVICE_ERR;
    }
    if (o->src == SRC_FILE && (opt->flags & OPT_ARGV_ONLY)) {
        pod_log(pamh, LOG_ERR, "%s: %s can only be given on the PAM line", o->where, opt->name);
        return PAM_SERVICE_ERR;
    }
    if (o->src == SRC_ARGV && (opt->flags & OPT_FILE_ONLY)) {
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
        if (opt->type != OPT_BOOL) {
            pod_log(pamh, LOG_ERR, "%s: %s needs a value (%s=...)", o->where, opt->name,
                    opt->name);
            return PAM_SERVICE_ERR;
        }
        value = opt->words[1];
    }
    return set_value(pamh, opts, o, opt, value);
}

static int set_defaults(pam_handle_t *pamh, struct pod_options *opts)
{
    const struct origin o = { SRC_DEFAULT, "default", NULL };
    int rc = PAM_SUCCESS;

    for (size_t i = 0; i < ARRAY_SIZE(table) && rc == PAM_SUCCESS; i++)
        if (table[i].def != NULL)
            rc = set_value(pamh, opts, &o, &table[i], table[i].def);
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
        const struct opt *opt = find_opt(argv[i], keylen);
        bool argv_only = opt != NULL && (opt->flags & OPT_ARGV_ONLY);

        if (argv_only != first_pass)
            continue;
        snprintf(where, sizeof(where), "module argument %d", i + 1);
        rc = apply(pamh, opts, &o, argv[i], keylen, eq != NULL ? eq + 1 : NULL);
    }
    return rc;
}

static int open_checked(pam_handle_t *pamh, const char *path, bool secret, bool *absent,
                        struct stat *st)
{
    const char *why = NULL;
    /* O_NONBLOCK: a FIFO must not hang the login before it is refused. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT && absent != NULL)
            *absent = true;
        else if (errno == ELOOP)
            pod_log(pamh, LOG_ERR, "%s: refused: a symbolic link", path);
        else
            pod_log(pamh, LOG_ERR, "cannot open %s: %m", path);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        pod_log(pamh, LOG_ERR, "cannot stat %s: %m", path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode))
        why = "not a regular file";
    else if (st->st_uid != 0)
        why = "not owned by root";
    else if (st->st_mode & S_IWGRP)
        why = "writable by its group";
    else if (st->st_mode & S_IWOTH)
        why = "writable by others";
    else if (secret && (st->st_mode & S_IRWXO))
        why = "holds a secret but others have access (chmod o-rwx)";
    else if (st->st_size > POD_MAX_FILE)
        why = "larger than 64 KiB";
    if (why != NULL) {
        pod_log(pamh, LOG_ERR, "%s: refused: %s (owner uid %u, mode %04o)", path, why,
                (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
        close(fd);
        return -1;
    }
    return fd;
}

int pod_open_checked(pam_handle_t *pamh, const char *path, bool secret)
{
    struct stat st;

    return open_checked(pamh, path, secret, NULL, &st);
}

static void text_wipe(struct text *t)
{
    if (t->data != NULL) {
        explicit_bzero(t->data, t->len);
        free(t->data);
    }
    t->data = NULL;
    t->len = 0;
}

/* absent: when non-NULL, a missing file sets it and is not logged. */
static int read_checked(pam_handle_t *pamh, const char *path, bool secret, bool *absent,
                        struct text *t)
{
    struct stat st;
    int rc = PAM_SERVICE_ERR;
    int fd = open_checked(pamh, path, secret, absent, &st);

    t->data = NULL;
    t->len = 0;
    t->mode = 0;
    if (fd < 0)
        return PAM_SERVICE_ERR;
    /* Read one byte past the cap: the file may have grown since fstat. */
    t->data = malloc(POD_MAX_FILE + 2);
    if (t->data == NULL) {
        rc = oom(pamh);
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, t->data + t->len, POD_MAX_FILE + 1 - t->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pod_log(pamh, LOG_ERR, "cannot read %s: %m", path);
            goto out;
        }
        if (n == 0)
            break;
        t->len += (size_t)n;
        if (t->len > POD_MAX_FILE) {
            pod_log(pamh, LOG_ERR, "%s: refused: larger than 64 KiB", path);
            goto out;
        }
    }
    t->data[t->len] = '\0';
    if (memchr(t->data, '\0', t->len) != NULL) {
        pod_log(pamh, LOG_ERR, "%s: refused: it contains a NUL byte", path);
        goto out;
    }
    t->mode = st.st_mode;
    rc = PAM_SUCCESS;
out:
    close(fd);
    if (rc != PAM_SUCCESS)
        text_wipe(t);
    return rc;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* line is NUL-terminated and may be cut in place. */
static int parse_line(pam_handle_t *pamh, struct pod_options *opts, const struct origin *o,
                      char *line)
{
    char *key = line, *eq, *value, *end;

    while (is_blank(*key))
        key++;
    if (*key == '\0' || *key == '#')
        return PAM_SUCCESS;
    eq = strchr(key, '=');
    if (eq == NULL) {
        pod_log(pamh, LOG_ERR, "%s: expected \"key = value\"", o->where);
        return PAM_SERVICE_ERR;
    }
    for (end = eq; end > key && is_blank(end[-1]); end--)
        ;
    value = eq + 1;
    while (is_blank(*value))
        value++;
    *end = '\0';
    for (end = value + strlen(value); end > value && is_blank(end[-1]); end--)
        ;
    *end = '\0';
    if (*key == '\0') {
        pod_log(pamh, LOG_ERR, "%s: no option name before '='", o->where);
        return PAM_SERVICE_ERR;
    }
    return apply(pamh, opts, o, key, strlen(key), value);
}

/* The config file parser; the file loader reads the file and calls it. */
int pod_options_parse_text(pam_handle_t *pamh, const char *text, size_t len,
                           const char *name, struct pod_options *opts)
{
    bool seen[ARRAY_SIZE(table)] = { false };
    char where[1024];
    const struct origin o = { SRC_FILE, where, seen };
    /* One line at a time, cut in place; wiped: it may hold the secret. */
    char line[POD_MAX_LINE + 1];
    const char *p = text, *end = text + len;
    unsigned lineno = 0;
    int rc = PAM_SUCCESS;

    if (name == NULL)
        name = "config";
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        pod_log(pamh, LOG_ERR, "%s: refused: it contains a NUL byte", name);
        return PAM_SERVICE_ERR;
    }
    while (p < end && rc == PAM_SUCCESS) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n;

        if (eol == NULL)
            eol = end; /* the last line has no newline */
        n = (size_t)(eol - p);
        snprintf(where, sizeof(where), "%s:%u", name, ++lineno);
        if (n > POD_MAX_LINE) {
            pod_log(pamh, LOG_ERR, "%s: line longer than %d bytes", where, POD_MAX_LINE);
            rc = PAM_SERVICE_ERR;
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        rc = parse_line(pamh, opts, &o, line);
        if (eol == end)
            break;
        p = eol + 1;
    }
    explicit_bzero(line, sizeof(line));
    return rc;
}

/* config= from the PAM line, else the default path, which may be absent. */
static int read_config(pam_handle_t *pamh, struct pod_options *opts,
                       const char *default_config)
{
    const char *path = opts->config != NULL ? opts->config : default_config;
    bool absent = false;
    struct text t;
    int rc = read_checked(pamh, path, false, opts->config == NULL ? &absent : NULL, &t);

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
    text_wipe(&t);
    return rc;
}

/* The first line of client_secret_file, without its line ending. */
static int read_secret(pam_handle_t *pamh, struct pod_options *opts)
{
    const char *path = opts->client_secret_file;
    struct text t;
    size_t len;
    int rc = read_checked(pamh, path, true, NULL, &t);

    if (rc != PAM_SUCCESS)
        return rc;
    len = strcspn(t.data, "\n");
    if (len > 0 && t.data[len - 1] == '\r')
        len--;
    t.data[len] = '\0';
    if (len == 0) {
        pod_log(pamh, LOG_ERR, "%s: refused: the first line is empty", path);
        rc = PAM_SERVICE_ERR;
    } else if (has_control(t.data)) {
        pod_log(pamh, LOG_ERR, "%s: refused: the secret contains a control character", path);
        rc = PAM_SERVICE_ERR;
    } else if ((opts->client_secret = strdup(t.data)) == NULL) {
        rc = oom(pamh);
    }
    text_wipe(&t);
    return rc;
}

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

/* The mapping keys together, and the user_map file read and parsed: all
 * before any request. */
static int check_mapping(pam_handle_t *pamh, struct pod_options *opts)
{
    struct text t;
    unsigned line = 0;
    const char *why = NULL;
    int rc;

    /* Stripping an unchecked domain makes alice@evil.example alice. */
    if (pod_list_has(opts->username_transform, "strip_domain", 12, false) &&
        pod_list_empty(opts->allowed_domains)) {
        pod_log(pamh, LOG_ERR, "username_transform strip_domain needs allowed_domains: "
                "without it alice@any.domain would be alice");
        return PAM_SERVICE_ERR;
    }
    if (opts->user_map == NULL) {
        if (opts->user_map_only) {
            pod_log(pamh, LOG_ERR, "user_map_only is set but user_map is not");
            return PAM_SERVICE_ERR;
        }
        return PAM_SUCCESS;
    }
    rc = read_checked(pamh, opts->user_map, false, NULL, &t);
    if (rc != PAM_SUCCESS)
        return rc;
    if (pod_user_map_parse(t.data, t.len, pod_options_issuer(opts), &opts->map, &line,
                           &why) != 0) {
        if (line > 0)
            pod_log(pamh, LOG_ERR, "%s:%u: %s", opts->user_map, line, why);
        else
            pod_log(pamh, LOG_ERR, "%s: %s", opts->user_map, why);
        rc = PAM_SERVICE_ERR;
    }
    text_wipe(&t);
    return rc;
}

/* Whether the key was set in the file or on the PAM line. */
static bool given(const struct pod_options *opts, const char *key)
{
    const struct opt *opt = find_opt(key, strlen(key));

    return opt != NULL && (opts->given & (UINT64_C(1) << (opt - table))) != 0;
}

/* provider = github: GitHub's endpoints, its user API, and login as the
 * username claim, each unless that key was given in the file or on the
 * PAM line (before or after provider: a given key always wins). */
static int apply_provider(pam_handle_t *pamh, struct pod_options *opts)
{
    static const struct {
        const char *key, *value;
    } github[] = {
        { "device_authorization_endpoint", POD_GITHUB_DEVICE_ENDPOINT },
        { "token_endpoint", POD_GITHUB_TOKEN_ENDPOINT },
        { "user_api", POD_GITHUB_USER_API },
        { "username_claim", POD_GITHUB_USERNAME_CLAIM },
    };
    const struct origin o = { SRC_DEFAULT, "provider github", NULL };
    int rc = PAM_SUCCESS;

    if (opts->provider != POD_PROVIDER_GITHUB)
        return PAM_SUCCESS;
    for (size_t i = 0; i < ARRAY_SIZE(github) && rc == PAM_SUCCESS; i++) {
        const struct opt *opt = find_opt(github[i].key, strlen(github[i].key));
        if (opt != NULL && !given(opts, github[i].key))
            rc = set_value(pamh, opts, &o, opt, github[i].value);
    }
    return rc;
}

/* OpenID Connect (issuer, the endpoints optional overrides of discovery's),
 * or a provider without it: the device and token endpoints and the user
 * API, no ID token. */
static int check_provider(pam_handle_t *pamh, struct pod_options *opts)
{
    const struct {
        const char *name, *value;
    } endpoints[] = {
        { "device_authorization_endpoint", opts->device_authorization_endpoint },
        { "token_endpoint", opts->token_endpoint },
        { "user_api", opts->user_api },
    };
    const char *missing = NULL;
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(endpoints); i++) {
        if (endpoints[i].value == NULL) {
            missing = missing != NULL ? missing : endpoints[i].name;
            continue;
        }
        n++;
        /* The rule discovery applies to the endpoints it names. */
        if (!pod_is_https_url(endpoints[i].value)) {
            pod_log(pamh, LOG_ERR, "%s: bad value: expected an https URL with a host, "
                    "without user@, blanks, '\\' or fragment", endpoints[i].name);
            return PAM_SERVICE_ERR;
        }
    }
    if (opts->issuer != NULL) {
        if (opts->provider != POD_PROVIDER_NONE) {
            pod_log(pamh, LOG_ERR, "provider = %s has no OpenID Connect issuer: "
                    "set issuer or provider, not both", provider_words[opts->provider]);
            return PAM_SERVICE_ERR;
        }
        if (opts->user_api != NULL) {
            pod_log(pamh, LOG_ERR, "user_api is for providers without OpenID Connect: "
                    "with issuer the claims come from the ID token (and userinfo)");
            return PAM_SERVICE_ERR;
        }
        /* Without an ID token there is nobody to compare with the PAM user. */
        if (!has_word(opts->scope, "openid")) {
            pod_log(pamh, LOG_ERR, "scope must include openid");
            return PAM_SERVICE_ERR;
        }
        return PAM_SUCCESS;
    }
    if (n == 0) {
        pod_log(pamh, LOG_ERR, "issuer is required but not set (for a provider without "
                "OpenID Connect: provider = github, or device_authorization_endpoint, "
                "token_endpoint and user_api)");
        return PAM_SERVICE_ERR;
    }
    if (missing != NULL) {
        pod_log(pamh, LOG_ERR, "%s is required without issuer (provider = github fills "
                "it in)", missing);
        return PAM_SERVICE_ERR;
    }
    /* acr and amr are only believed from a signed ID token. */
    if (!pod_list_empty(opts->required_acr) || !pod_list_empty(opts->required_amr)) {
        pod_log(pamh, LOG_ERR, "%s needs an ID token, which only an OpenID Connect "
                "issuer gives", !pod_list_empty(opts->required_acr) ? "required_acr"
                                                                     : "required_amr");
        return PAM_SERVICE_ERR;
    }
    /* No ID token to ask for: no scope unless one is given (GitHub's
     * public profile needs none). */
    if (!given(opts, "scope")) {
        free(opts->scope);
        opts->scope = NULL;
    }
    return PAM_SUCCESS;
}

static int finish(pam_handle_t *pamh, struct pod_options *opts)
{
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        if ((table[i].flags & OPT_REQUIRED) &&
            *(char **)((char *)opts + table[i].offset) == NULL) {
            pod_log(pamh, LOG_ERR, "%s is required but not set", table[i].name);
            return PAM_SERVICE_ERR;
        }
    }
    if ((rc = apply_provider(pamh, opts)) != PAM_SUCCESS ||
        (rc = check_provider(pamh, opts)) != PAM_SUCCESS)
        return rc;
    if ((rc = check_mapping(pamh, opts)) != PAM_SUCCESS)
        return rc;
    if (opts->client_secret_file == NULL)
        return PAM_SUCCESS;
    if (opts->client_secret != NULL) {
        pod_log(pamh, LOG_ERR, "client_secret and client_secret_file are both set; "
                "use one of them");
        return PAM_SERVICE_ERR;
    }
    return read_secret(pamh, opts);
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
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        char **field = (char **)((char *)opts + table[i].offset);
        if (!is_string(table[i].type))
            continue;
        if (table[i].type == OPT_SECRET)
            pod_free_secret(*field);
        else
            free(*field);
    }
    pod_user_map_free(opts->map);
    memset(opts, 0, sizeof(*opts));
}

/* The table entry behind pod_option_key's index i. */
static const struct opt *file_key(size_t i)
{
    for (size_t k = 0; k < ARRAY_SIZE(table); k++)
        if (!(table[k].flags & OPT_ARGV_ONLY) && i-- == 0)
            return &table[k];
    return NULL;
}

int pod_option_format(const struct pod_options *opts, size_t i, char *buf, size_t len)
{
    const struct opt *opt = file_key(i);
    const void *field;
    const char *text;

    if (opt == NULL)
        return -1;
    field = (const char *)opts + opt->offset;
    switch (opt->type) {
    case OPT_SECRET:
        text = *(char *const *)field != NULL ? "(set)" : "(unset)";
        break;
    case OPT_BOOL:
        text = *(const bool *)field ? "yes" : "no";
        break;
    case OPT_ENUM:
        text = opt->words[*(const int *)field];
        break;
    case OPT_LONG:
        snprintf(buf, len, "%ld", *(const long *)field);
        return 0;
    default:
        text = *(char *const *)field != NULL ? *(char *const *)field : "(unset)";
        break;
    }
    snprintf(buf, len, "%s", text);
    return 0;
}

const char *pod_option_key(size_t i, const char **def)
{
    for (size_t k = 0; k < ARRAY_SIZE(table); k++) {
        if (table[k].flags & OPT_ARGV_ONLY)
            continue;
        if (i-- == 0) {
            if (def != NULL)
                *def = table[k].def;
            return table[k].name;
        }
    }
    return NULL;
}

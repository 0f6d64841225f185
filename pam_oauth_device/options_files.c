/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The files the options name: read through the safe-file reader at load,
 * before any request, and refused with the file and line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "accounts.h"
#include "group_map.h"
#include "log.h"
#include "options_files.h"
#include "optval.h"
#include "trust.h"
#include "user_map.h"

int pod_options_read_file(pam_handle_t *pamh, const char *path, bool secret, bool *absent,
                          struct pod_file *f)
{
    const struct pod_safefile_rules rules = POD_SAFEFILE_ROOT(secret);
    int r = pod_safefile_read(pamh, path, &rules, absent, f);

    return r == 0 ? PAM_SUCCESS : r == -2 ? PAM_BUF_ERR : PAM_SERVICE_ERR;
}

/* The first line of client_secret_file, without its line ending. */
static int read_secret(pam_handle_t *pamh, struct pod_options *opts)
{
    const char *path = opts->client_secret_file;
    struct pod_file t;
    size_t len;
    int rc = pod_options_read_file(pamh, path, true, NULL, &t);

    if (rc != PAM_SUCCESS)
        return rc;
    len = strcspn(t.data, "\n");
    if (len > 0 && t.data[len - 1] == '\r')
        len--;
    t.data[len] = '\0';
    if (len == 0) {
        pod_log(pamh, LOG_ERR, "%s: refused: the first line is empty", path);
        rc = PAM_SERVICE_ERR;
    } else if (pod_optval_has_control(t.data)) {
        pod_log(pamh, LOG_ERR, "%s: refused: the secret contains a control character", path);
        rc = PAM_SERVICE_ERR;
    } else if ((opts->client_secret = strdup(t.data)) == NULL) {
        pod_log(pamh, LOG_ERR, "out of memory");
        rc = PAM_BUF_ERR;
    }
    pod_safefile_wipe(&t);
    return rc;
}

/* A map file refused by its parser: "FILE:LINE: why", or "FILE: why". */
static void refused_line(pam_handle_t *pamh, const char *path, unsigned line, const char *why)
{
    if (line > 0)
        pod_log(pamh, LOG_ERR, "%s:%u: %s", path, line, why);
    else
        pod_log(pamh, LOG_ERR, "%s: %s", path, why);
}

/* A map file's parser, into opts. */
typedef int (*map_parse_fn)(const char *text, size_t len, struct pod_options *opts,
                            const char *issuer, unsigned *line, const char **why);

static int parse_user_map(const char *text, size_t len, struct pod_options *opts,
                          const char *issuer, unsigned *line, const char **why)
{
    return pod_user_map_parse(text, len, issuer, &opts->map, line, why);
}

static int parse_group_map(const char *text, size_t len, struct pod_options *opts,
                           const char *issuer, unsigned *line, const char **why)
{
    (void)issuer;
    return pod_group_map_parse(text, len, &opts->gmap, line, why);
}

/* The map file at path (none when NULL) read and parsed. */
static int read_map(pam_handle_t *pamh, struct pod_options *opts, const char *path,
                    map_parse_fn parse, const char *issuer)
{
    struct pod_file t;
    unsigned line = 0;
    const char *why = NULL;
    int rc;

    if (path == NULL)
        return PAM_SUCCESS;
    rc = pod_options_read_file(pamh, path, false, NULL, &t);
    if (rc != PAM_SUCCESS)
        return rc;
    if (parse(t.data, t.len, opts, issuer, &line, &why) != 0) {
        refused_line(pamh, path, line, why);
        rc = PAM_SERVICE_ERR;
    }
    pod_safefile_wipe(&t);
    return rc;
}

/* No group_map line may name group 0 (by any name: "root" itself the
 * parser refuses).  A group that does not exist is not refused here: it
 * is logged and skipped at login. */
static int check_group_map(pam_handle_t *pamh, const struct pod_options *opts)
{
    for (size_t i = 0; opts->gmap != NULL && i < opts->gmap->n; i++) {
        const struct pod_group_line *l = &opts->gmap->lines[i];
        gid_t gid;
        int r = pod_group_gid(l->group, &gid);

        if (r < 0 || (r == 1 && gid == 0)) {
            refused_line(pamh, opts->group_map, l->line,
                         r < 0 ? "the group lookup failed" : "LOCAL_GROUP has gid 0");
            return PAM_SERVICE_ERR;
        }
    }
    return PAM_SUCCESS;
}

/* The trust anchors, checked now: libcurl gets these bytes, never a path
 * that could be swapped between the check and the handshake. */
static int read_trust(pam_handle_t *pamh, struct pod_options *opts)
{
    struct pod_file f;
    int rc = pod_trust_read(pamh, opts->ca_file, &f);

    opts->ca_pem = f.data;
    opts->ca_pem_len = f.len;
    return rc;
}

int pod_options_read_files(pam_handle_t *pamh, struct pod_options *opts, const char *issuer)
{
    int rc;

    if ((rc = read_map(pamh, opts, opts->user_map, parse_user_map, issuer)) != PAM_SUCCESS ||
        (rc = read_map(pamh, opts, opts->group_map, parse_group_map, issuer)) != PAM_SUCCESS ||
        (rc = check_group_map(pamh, opts)) != PAM_SUCCESS ||
        (rc = read_trust(pamh, opts)) != PAM_SUCCESS)
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

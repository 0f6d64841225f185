/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check --config: every effective setting and every error. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "accounts.h"
#include "check.h"
#include "group_map.h"
#include "log.h"
#include "options.h"
#include "trust.h"

/* A proxy URL may carry a password ("https://user:pw@proxy"): hide it. */
static void put_url_without_password(const char *url)
{
    const char *host = strstr(url, "://");
    const char *at, *colon;

    host = host != NULL ? host + 3 : url;
    at = strchr(host, '@');
    colon = at != NULL ? memchr(host, ':', (size_t)(at - host)) : NULL;
    if (colon == NULL) {
        put_printable(stdout, url, false);
        return;
    }
    fwrite(url, 1, (size_t)(colon - url), stdout);
    fputs(":(hidden)", stdout);
    put_printable(stdout, at, false);
}

static void print_settings(const struct pod_options *opts)
{
    char value[4096];
    const char *name;

    fputs("config = ", stdout);
    put_printable(stdout, opts->config != NULL ? opts->config : "(none)", false);
    fputc('\n', stdout);
    for (size_t i = 0; (name = pod_option_key(i, NULL)) != NULL; i++) {
        pod_option_format(opts, i, value, sizeof(value));
        printf("%s = ", name);
        if (strcmp(name, "proxy") == 0)
            put_url_without_password(value);
        else
            put_printable(stdout, value, false);
        fputc('\n', stdout);
    }
}

/* The group map as the module read it, each local group resolved now. */
static void print_group_map(const struct pod_options *opts)
{
    if (opts->gmap == NULL)
        return;
    for (size_t i = 0; i < opts->gmap->n; i++) {
        const struct pod_group_line *l = &opts->gmap->lines[i];
        gid_t gid;
        int r = pod_group_gid(l->group, &gid);

        printf("group_map line %u: \"", l->line);
        put_printable(stdout, l->idp_group, false);
        printf("\" -> %s ", l->group);
        if (r == 1)
            printf("(gid %u)\n", (unsigned)gid);
        else
            printf("(%s: skipped at login)\n", r == 0 ? "missing" : "lookup failed");
    }
}

/* Mistakes the module only finds at login time, when it is too late:
 * reported here as the errors the module would log then. */
static void check_at_login_time(const struct pod_options *opts)
{
    if (opts->only_group != NULL) {
        /* The module's own lookup, with its growing buffer. */
        struct group gr;
        char *buf = NULL;
        int found = pod_getgrnam(opts->only_group, &gr, &buf);

        if (found <= 0)
            say(LOG_ERR, "only_group %s: %s (every login the module is for would fail "
                "with PAM_SERVICE_ERR)", opts->only_group,
                found == 0 ? "no such local group" : "cannot look it up");
        free(buf);
    }
    /* The bytes the module checked at load time and gives libcurl, not
     * the file again. */
    if (opts->ca_file != NULL && pod_trust_count(opts->ca_pem, opts->ca_pem_len) == 0)
        say(LOG_ERR, "ca_file %s: no PEM certificate could be read from it (every "
            "request would fail)", opts->ca_file);
}

int mode_config(const char *config, int nargs, char **args)
{
    struct pod_options opts;
    const char *path = config != NULL ? config : POD_DEFAULT_CONFIG;
    int rc = load_options(config, nargs, args, &opts);

    if (rc == PAM_SUCCESS) {
        print_settings(&opts);
        print_group_map(&opts);
        check_at_login_time(&opts);
        check_sshd(&opts);
    } else if (config == NULL && access(path, F_OK) != 0 && errno == ENOENT) {
        say(LOG_NOTICE, "%s does not exist: every setting must then come from the "
            "module arguments", path);
    }
    if (geteuid() != 0)
        say(LOG_NOTICE, "not running as root: the module runs as root, so the file "
            "checks may differ");
    if (rc != PAM_SUCCESS || n_errors > 0) {
        printf("%s: REJECTED: the module would fail with %s\n", path,
               pam_code_name(rc != PAM_SUCCESS ? rc : PAM_SERVICE_ERR));
        pod_options_free(&opts);
        return EXIT_FAIL;
    }
    printf("%s: OK\n", opts.config != NULL ? opts.config : "(no config file)");
    pod_options_free(&opts);
    return EXIT_SUCCESS;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* group_map at work: resolve the mapped groups at authentication, hand
 * them to pam_setcred through a root-only use-once file, add them there. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include <security/pam_ext.h>

#include "accounts.h"
#include "claims.h"
#include "group_map.h"
#include "log.h"
#include "rundir.h"
#include "safefile.h"
#include "session_groups.h"

#define NONCE_BYTES 16 /* 128 bits: never guessed */
#define NONCE_LEN (2 * NONCE_BYTES)
#define DATA_NAME "pam_oauth_device_handoff"
#define DATA_GRANTED "pam_oauth_device_granted"
#define MAX_HANDOFF_GIDS 256
#define HANDOFF_MAX 4096 /* bytes of a handoff file */

int pod_session_groups_resolve(pam_handle_t *pamh, const struct pod_options *opts,
                               const cJSON *claims, gid_t **gids, size_t *n)
{
    const cJSON *groups;

    *gids = NULL;
    *n = 0;
    if (opts->gmap == NULL)
        return 0;
    groups = pod_claim_get(claims, opts->groups_claim);
    for (size_t i = 0; i < opts->gmap->n; i++) {
        const struct pod_group_line *l = &opts->gmap->lines[i];
        gid_t gid, *more;
        size_t k;
        int r;

        if (!pod_groups_claim_has(groups, l->idp_group))
            continue;
        r = pod_group_gid(l->group, &gid);
        if (r == 0) {
            pod_log(pamh, LOG_WARNING, "%s:%u: no local group %s: skipped", opts->group_map,
                    l->line, l->group);
            continue;
        }
        /* gid 0 was refused at load; a database changed since is refused too. */
        if (r < 0 || gid == 0) {
            pod_log(pamh, LOG_ERR, "%s:%u: group %s: %s", opts->group_map, l->line, l->group,
                    r < 0 ? "the lookup failed" : "gid 0 is never granted");
            goto fail;
        }
        if (opts->debug)
            pod_log(pamh, LOG_DEBUG, "%s:%u: the IdP group maps to %s (gid %u)",
                    opts->group_map, l->line, l->group, (unsigned)gid);
        for (k = 0; k < *n && (*gids)[k] != gid; k++)
            ;
        if (k < *n)
            continue;
        if (*n >= MAX_HANDOFF_GIDS || (more = realloc(*gids, (*n + 1) * sizeof(*more))) == NULL) {
            pod_log(pamh, LOG_ERR, "group_map: too many groups, or out of memory");
            goto fail;
        }
        *gids = more;
        (*gids)[(*n)++] = gid;
    }
    return 0;
fail:
    free(*gids);
    *gids = NULL;
    *n = 0;
    return -1;
}

static bool is_nonce(const char *s)
{
    return pod_rundir_name_ok(s, NONCE_LEN);
}

static void free_data(pam_handle_t *pamh, void *data, int status)
{
    (void)pamh;
    (void)status;
    free(data);
}

/* Write the handoff file: who it is for, when, and the gids. */
static int write_handoff(pam_handle_t *pamh, int dirfd, const char *nonce,
                         const struct passwd *pw, time_t now, const gid_t *gids, size_t n)
{
    char text[HANDOFF_MAX];
    size_t len;

    len = (size_t)snprintf(text, sizeof(text), "pam_oauth_device handoff 1\nuser %s\nuid %u\n"
                           "created %lld\ngids", pw->pw_name, (unsigned)pw->pw_uid,
                           (long long)now);
    for (size_t i = 0; i < n && len < sizeof(text); i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, " %u", (unsigned)gids[i]);
    if (len + 1 >= sizeof(text)) {
        pod_log(pamh, LOG_ERR, "group_map: the handoff is too long");
        return -1;
    }
    text[len++] = '\n';
    return pod_rundir_write(pamh, dirfd, nonce, text, len, false);
}

void pod_session_groups_stage(pam_handle_t *pamh, const struct pod_options *opts,
                              const char *user, const cJSON *claims)
{
    struct passwd pw, *res = NULL;
    char pwbuf[4096], env[sizeof(POD_HANDOFF_ENV) + NONCE_LEN + 1];
    unsigned char raw[NONCE_BYTES];
    char *nonce = NULL;
    gid_t *gids = NULL;
    size_t n = 0;
    int dirfd = -1;
    time_t now = time(NULL);

    if (pod_session_groups_resolve(pamh, opts, claims, &gids, &n) != 0 || n == 0)
        goto out;
    if (pamh == NULL) {
        /* The admin tool: there is no session to hand the groups to. */
        pod_log(pamh, LOG_NOTICE, "group_map: the session would get %zu local group(s)", n);
        goto out;
    }
    if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &res) != 0 || res == NULL) {
        pod_log(pamh, LOG_ERR, "group_map: user %s vanished", user);
        goto out;
    }
    if ((dirfd = pod_rundir_open(pamh, true)) < 0)
        goto out;
    pod_rundir_sweep(dirfd, NONCE_LEN, POD_HANDOFF_TTL, now);
    if (RAND_bytes(raw, sizeof(raw)) != 1 || (nonce = malloc(NONCE_LEN + 1)) == NULL) {
        pod_log(pamh, LOG_ERR, "group_map: no random bytes, or out of memory");
        goto out;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(nonce + 2 * i, 3, "%02x", raw[i]);
    if (write_handoff(pamh, dirfd, nonce, res, now, gids, n) != 0)
        goto out;
    snprintf(env, sizeof(env), "%s=%s", POD_HANDOFF_ENV, nonce);
    if (pam_putenv(pamh, env) != PAM_SUCCESS ||
        pam_set_data(pamh, DATA_NAME, nonce, free_data) != PAM_SUCCESS) {
        pod_log(pamh, LOG_ERR, "group_map: cannot keep the handoff in PAM");
        unlinkat(dirfd, nonce, 0);
        goto out;
    }
    nonce = NULL; /* PAM's now */
    pod_log(pamh, LOG_INFO, "group_map: %zu local group(s) staged for the session", n);
out:
    if (dirfd >= 0)
        close(dirfd);
    free(nonce);
    free(gids);
}

/* The handoff's name: this process's own (pam_set_data) first, else the
 * PAM environment's, which anyone may have set and is only a pointer.
 * Either way the variable leaves the environment, so that it does not
 * reach the session.  NULL when there is none; *forged when the
 * environment held something that is no handoff name; *own when the name
 * is this process's. */
static char *take_nonce(pam_handle_t *pamh, bool *forged, bool *own)
{
    const void *data = NULL;
    const char *env = pam_getenv(pamh, POD_HANDOFF_ENV);
    char *nonce = NULL;

    *forged = false;
    *own = pam_get_data(pamh, DATA_NAME, &data) == PAM_SUCCESS && data != NULL;
    if (*own)
        nonce = strdup(data);
    else if (is_nonce(env))
        nonce = strdup(env);
    else if (env != NULL)
        *forged = true;
    if (env != NULL)
        pam_putenv(pamh, POD_HANDOFF_ENV); /* no '=': removes it */
    pam_set_data(pamh, DATA_NAME, NULL, NULL);
    return nonce;
}

/* The handoff's content: for user (name and uid), created within the TTL,
 * with its gids.  NULL with the reason it is refused. */
static const char *parse_handoff(char *text, const struct passwd *pw, time_t now,
                                 gid_t *gids, size_t *n)
{
    char *save = NULL, *user, *tok;
    unsigned long uid;
    long long created;
    int used = 0;

    if (strncmp(text, "pam_oauth_device handoff 1\nuser ", 32) != 0)
        return "not a handoff";
    user = text + 32;
    text = strchr(user, '\n');
    if (text == NULL)
        return "not a handoff";
    *text++ = '\0';
    if (sscanf(text, "uid %lu\ncreated %lld\ngids%n", &uid, &created, &used) != 2 || used == 0)
        return "not a handoff";
    if (strcmp(user, pw->pw_name) != 0 || uid != (unsigned long)pw->pw_uid)
        return "it is another user's";
    if (now - created > POD_HANDOFF_TTL || created > now + 5)
        return "it has expired";
    *n = 0;
    for (tok = strtok_r(text + used, " \n", &save); tok != NULL;
         tok = strtok_r(NULL, " \n", &save)) {
        char *end;
        unsigned long g = strtoul(tok, &end, 10);

        if (*end != '\0' || g == 0 || g > 0xfffffffeUL || *n >= MAX_HANDOFF_GIDS)
            return "not a handoff";
        gids[(*n)++] = (gid_t)g;
    }
    return NULL;
}

/* The gids added to the process's supplementary groups, each once. */
static int add_groups(pam_handle_t *pamh, const gid_t *add, size_t n)
{
    int have = getgroups(0, NULL), rc = PAM_CRED_ERR;
    gid_t *list = have >= 0 ? calloc((size_t)have + n, sizeof(*list)) : NULL;
    size_t total;

    if (list == NULL || (have = getgroups(have, list)) < 0) {
        pod_log(pamh, LOG_ERR, "group_map: cannot read the groups: %m");
        goto out;
    }
    total = (size_t)have;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < total && list[k] != add[i]; k++)
            ;
        if (k == total)
            list[total++] = add[i];
    }
    if (setgroups(total, list) != 0) {
        pod_log(pamh, LOG_ERR, "group_map: setgroups: %m");
        goto out;
    }
    rc = PAM_SUCCESS;
out:
    free(list);
    return rc;
}

/* The handoff file named nonce, taken (unlinked) and checked: NULL with
 * its gids, or the reason it grants nothing. */
static const char *take_handoff(pam_handle_t *pamh, const char *nonce, gid_t *gids,
                                size_t *n)
{
    struct passwd pw, *res = NULL;
    struct pod_file f = { 0 };
    char pwbuf[4096];
    static const char *const not_taken[] = {
        [POD_TAKE_ABSENT] = "no such handoff", [POD_TAKE_REFUSED] = "the handoff file is refused",
        [POD_TAKE_LOST] = "taken by another process",
    };
    const char *why, *user = NULL;
    enum pod_take took;
    int dirfd;

    if ((dirfd = pod_rundir_open(pamh, false)) < 0) {
        why = "no handoff directory";
    } else if ((took = pod_rundir_take(pamh, dirfd, nonce, HANDOFF_MAX, &f)) != POD_TAKEN) {
        why = not_taken[took];
    } else if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS ||
               user == NULL || getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &res) != 0 ||
               res == NULL) {
        why = "no user";
    } else {
        why = parse_handoff(f.data, res, time(NULL), gids, n);
    }
    pod_safefile_wipe(&f);
    if (dirfd >= 0)
        close(dirfd);
    return why;
}

/* The gids a handoff gave, kept with the PAM handle: sshd calls
 * pam_setcred first in its monitor, then again in the session process it
 * forks after initgroups, which inherits this memory but not the file. */
struct granted {
    size_t n;
    gid_t gids[];
};

static int keep_granted(pam_handle_t *pamh, const gid_t *gids, size_t n)
{
    struct granted *g = malloc(sizeof(*g) + n * sizeof(gids[0]));

    if (g == NULL)
        return PAM_BUF_ERR;
    g->n = n;
    memcpy(g->gids, gids, n * sizeof(gids[0]));
    if (pam_set_data(pamh, DATA_GRANTED, g, free_data) != PAM_SUCCESS) {
        free(g);
        return PAM_BUF_ERR;
    }
    return PAM_SUCCESS;
}

int pod_session_groups_setcred(pam_handle_t *pamh, int flags)
{
    int what = flags & ~PAM_SILENT, rc;
    const void *data = NULL;
    const struct granted *g;
    const char *why;
    gid_t gids[MAX_HANDOFF_GIDS];
    size_t n = 0;
    bool forged = false, own = false;
    char *nonce;

    if (what != PAM_ESTABLISH_CRED && what != PAM_REINITIALIZE_CRED)
        return PAM_SUCCESS;
    nonce = take_nonce(pamh, &forged, &own);
    if (pam_get_data(pamh, DATA_GRANTED, &data) == PAM_SUCCESS && data != NULL) {
        /* Already taken for this handle: any name in the environment now
         * was put there by someone else (pam_env in the session stack). */
        if (nonce != NULL || forged)
            pod_log(pamh, LOG_WARNING, "handoff forged or replayed: %s set after the "
                    "groups were taken: ignored", POD_HANDOFF_ENV);
        free(nonce);
        g = data;
        return add_groups(pamh, g->gids, g->n);
    }
    if (nonce == NULL) {
        if (forged)
            pod_log(pamh, LOG_WARNING, "handoff forged or replayed: %s is no handoff name",
                    POD_HANDOFF_ENV);
        return PAM_SUCCESS;
    }
    why = take_handoff(pamh, nonce, gids, &n);
    rc = PAM_SUCCESS;
    /* This process's own handoff is no forgery: PAM_USER changed since
     * authentication (sudo -u sets the target user before pam_setcred). */
    if (why != NULL && own)
        pod_log(pamh, LOG_NOTICE, "group_map: no groups added: %s", why);
    else if (why != NULL)
        pod_log(pamh, LOG_WARNING, "handoff forged or replayed: %s: %s", nonce, why);
    else if ((rc = keep_granted(pamh, gids, n)) == PAM_SUCCESS &&
             (rc = add_groups(pamh, gids, n)) == PAM_SUCCESS)
        pod_log(pamh, LOG_INFO, "group_map: %zu local group(s) added", n);
    free(nonce);
    return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* An outcome's words kept in the run-time directory for the next attempt
 * of the same connection: the file is named by a hash of the user, the
 * service, the remote host and the host process (sshd's per-connection
 * monitor is the parent of every attempt's PAM process; its start time
 * rules out a reused pid). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <security/pam_ext.h>

#include "log.h"
#include "messages.h"
#include "rundir.h"
#include "safefile.h"
#include "unseen_outcome.h"

#define NAME_LEN (2 * 32) /* SHA-256, hex */
#define NOTE_MAX 1024
#define MAGIC "pam_oauth_device unseen 1\n"

/* The start time of process pid (field 22 of /proc/PID/stat, clock ticks
 * since boot), or 0 when it cannot be read. */
static unsigned long long start_time(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long t = 0;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: after the last. */
    if ((p = strrchr(buf, ')')) == NULL)
        return 0;
    for (int field = 2; field < 22 && p != NULL; field++)
        p = strchr(p + 1, ' ');
    if (p == NULL || sscanf(p + 1, "%llu", &t) != 1)
        return 0;
    return t;
}

/* This attempt's file name: 0, or -1 when the host process or an item
 * cannot be known (then nothing is kept or shown). */
static int note_name(pam_handle_t *pamh, char name[NAME_LEN + 1])
{
    const char *items[3] = { NULL, NULL, NULL };
    const int which[3] = { PAM_USER, PAM_SERVICE, PAM_RHOST };
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    pid_t parent = getppid();
    unsigned long long started = start_time(parent);
    char host[64];
    EVP_MD_CTX *ctx;
    int ok;

    if (pamh == NULL || started == 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (pam_get_item(pamh, which[i], (const void **)&items[i]) != PAM_SUCCESS)
            return -1;
    if (items[0] == NULL || items[1] == NULL)
        return -1;
    snprintf(host, sizeof(host), "%ld %llu", (long)parent, started);
    if ((ctx = EVP_MD_CTX_new()) == NULL)
        return -1;
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    /* Each with its NUL, so that no two lists hash alike. */
    for (int i = 0; i < 3; i++) {
        const char *s = items[i] != NULL ? items[i] : "";
        ok = ok && EVP_DigestUpdate(ctx, s, strlen(s) + 1) == 1;
    }
    ok = ok && EVP_DigestUpdate(ctx, host, strlen(host) + 1) == 1 &&
         EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == NAME_LEN / 2;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(name + 2 * i, 3, "%02x", md[i]);
    return 0;
}

void pod_unseen_keep(pam_handle_t *pamh, const char *words)
{
    char name[NAME_LEN + 1], text[NOTE_MAX];
    time_t now = time(NULL);
    int dirfd, len;

    if (pod_outcome_known(words) == NULL || note_name(pamh, name) != 0)
        return;
    len = snprintf(text, sizeof(text), MAGIC "created %lld\n%s\n", (long long)now, words);
    if (len < 0 || (size_t)len >= sizeof(text) || (dirfd = pod_rundir_open(pamh, true)) < 0)
        return;
    pod_rundir_sweep(dirfd, NAME_LEN, POD_UNSEEN_TTL, now);
    if (pod_rundir_write(pamh, dirfd, name, text, (size_t)len, true) == 0)
        pod_log(pamh, LOG_INFO, "the prompt was never answered: the outcome is kept for "
                "the next attempt");
    close(dirfd);
}

const char *pod_unseen_take(pam_handle_t *pamh)
{
    char name[NAME_LEN + 1], *words, *end;
    const char *known = NULL;
    struct pod_file f = { 0 };
    long long created;
    time_t now = time(NULL);
    int dirfd, used = 0;

    if (note_name(pamh, name) != 0 || (dirfd = pod_rundir_open(pamh, false)) < 0)
        return NULL;
    if (pod_rundir_take(pamh, dirfd, name, NOTE_MAX, &f) == POD_TAKEN &&
        strncmp(f.data, MAGIC, strlen(MAGIC)) == 0 &&
        sscanf(f.data + strlen(MAGIC), "created %lld\n%n", &created, &used) == 1 && used > 0 &&
        now - created <= POD_UNSEEN_TTL && created <= now + 5) {
        words = f.data + strlen(MAGIC) + used;
        if ((end = strchr(words, '\n')) != NULL)
            *end = '\0';
        known = pod_outcome_known(words);
    }
    pod_safefile_wipe(&f);
    close(dirfd);
    return known;
}

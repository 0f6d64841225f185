/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check: the sshd settings that clash with the module's. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "check.h"
#include "options.h"

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_DEFAULT_GRACE 120
#define SSHD_DEFAULT_STARTUPS 10
/* sshd -T prints every effective setting (Include and Match resolved). */
#define SSHD_DUMP "/usr/sbin/sshd -T 2>/dev/null"

struct sshd_settings {
    long grace;    /* LoginGraceTime in seconds; 0: none; -1: not given */
    long startups; /* MaxStartups' start (the first number); -1: not given */
    bool matched;  /* a Match block began: the global settings are done */
};

/* LoginGraceTime in sshd's time format: digits with an optional unit
 * (s, m, h, d, w), several in a row ("1m30s"); -1 if unreadable. */
static long sshd_seconds(const char *v)
{
    long total = 0;

    while (*v != '\0' && *v != '\n' && *v != ' ' && *v != '\t') {
        char *end;
        long n = strtol(v, &end, 10), mult = 1;

        if (end == v || n < 0)
            return -1;
        switch (*end) {
        case 's': case 'S': end++; break;
        case 'm': case 'M': mult = 60; end++; break;
        case 'h': case 'H': mult = 3600; end++; break;
        case 'd': case 'D': mult = 86400; end++; break;
        case 'w': case 'W': mult = 604800; end++; break;
        default: break;
        }
        total += n * mult;
        v = end;
    }
    return total;
}

/* One "Key value" line (sshd -T's lower case, or sshd_config's); the first
 * value wins, as in sshd_config. */
static void read_line(char *line, struct sshd_settings *s)
{
    char *key = line + strspn(line, " \t"), *val;
    size_t klen = strcspn(key, " \t=\n");

    if (*key == '#' || klen == 0)
        return;
    val = key + klen;
    val += strspn(val, " \t=");
    if (klen == 14 && strncasecmp(key, "logingracetime", klen) == 0 && s->grace == -1)
        s->grace = sshd_seconds(val);
    else if (klen == 11 && strncasecmp(key, "maxstartups", klen) == 0 && s->startups == -1)
        s->startups = strtol(val, NULL, 10);
    else if (klen == 5 && strncasecmp(key, "match", klen) == 0)
        s->matched = true;
}

/* sshd -T when it works, else the top of sshd_config (its Include files and
 * Match blocks are not followed).  0, or -1 when neither can be read. */
static int read_sshd(struct sshd_settings *s, const char **from)
{
    char line[512];
    FILE *f;

    memset(s, 0, sizeof(*s));
    s->grace = s->startups = -1;
    *from = "sshd -T";
    f = popen(SSHD_DUMP, "r");
    if (f != NULL) {
        bool any = false;
        while (fgets(line, sizeof(line), f) != NULL) {
            any = true;
            read_line(line, s);
        }
        if (pclose(f) == 0 && any)
            return 0;
        s->grace = s->startups = -1;
    }
    *from = SSHD_CONFIG;
    f = fopen(SSHD_CONFIG, "re");
    if (f == NULL)
        return -1;
    while (!s->matched && fgets(line, sizeof(line), f) != NULL)
        read_line(line, s);
    fclose(f);
    return 0;
}

void check_sshd(const struct pod_options *opts)
{
    struct sshd_settings s;
    const char *from;

    if (read_sshd(&s, &from) != 0)
        return;
    if (s.grace == -1)
        s.grace = SSHD_DEFAULT_GRACE;
    if (s.startups == -1)
        s.startups = SSHD_DEFAULT_STARTUPS;
    if (s.grace > 0 && opts->timeout >= s.grace)
        say(LOG_WARNING, "timeout %ld is not below sshd's LoginGraceTime %ld (%s): sshd "
            "closes the connection first, and the person sees no reason", opts->timeout,
            s.grace, from);
    say(LOG_NOTICE, "sshd's MaxStartups begins at %ld (%s): every login holds an "
        "unauthenticated connection while the person approves, so sshd starts refusing "
        "new ones once %ld wait; raise it (e.g. MaxStartups 100) for many people at once",
        s.startups, from, s.startups);
}

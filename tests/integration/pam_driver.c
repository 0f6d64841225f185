/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* A PAM application for the integration tests: loads the BUILT module
 * through real libpam (pam_start_confdir), shows what the module says,
 * and at the prompt (or at the instructions when nothing is asked) starts
 * an approver command in the background, as a person would open the
 * browser.  Prints PAM_RESULT=<name> and exits with the PAM code.
 * --setcred then calls pam_setcred(PAM_ESTABLISH_CRED) from an empty group
 * list and prints the groups it gave (a new handle with --new-handle: only
 * the PAM environment crosses, as in sshd); given twice, it does so twice
 * on the same handle.  SHOWN_MS, DONE_NS, CPU_MS and MAXRSS_KB are for the
 * benchmark (tests/bench). */
#include "config.h"

#include <getopt.h>
#include <grp.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <security/pam_appl.h>

struct driver {
    const char *approve_cmd;
    int conv_fail;
    int conv_again;  /* answer the prompt with PAM_CONV_AGAIN */
    int answer_ms;   /* wait this long before answering the prompt */
    int never;       /* never answer the prompt (the module must end it) */
    int calls;
    pid_t approver;
    char *info;
    struct timespec start; /* CLOCK_MONOTONIC at pam_start */
};

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (d == NULL) {
        perror("strdup");
        exit(99);
    }
    return d;
}

/* The person opens the browser: at the prompt, or at the instructions
 * when the module asks nothing (prompt = none). */
static void start_approver(struct driver *d)
{
    pid_t pid;

    if (d->approve_cmd == NULL || d->approver != 0)
        return;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        setenv("POD_INFO", d->info ? d->info : "", 1);
        execl("/bin/sh", "sh", "-c", d->approve_cmd, (char *)NULL);
        _exit(127);
    }
    d->approver = pid;
}

/* A person who never presses Enter: only the module's cancellation (at a
 * cancellation point) ends this. */
static void never_answer(void)
{
    for (;;) {
        struct timespec ts = { 1, 0 };
        nanosleep(&ts, NULL);
    }
}

static int answer(int n, const struct pam_message **msg, struct pam_response *r,
                  struct driver *d)
{
    d->calls++;
    if (d->calls == 1)
        printf("SHOWN_MS=%lld\n", ms_since(&d->start));
    printf("CONV call=%d messages=%d\n", d->calls, n);
    for (int i = 0; i < n; i++) {
        switch (msg[i]->msg_style) {
        case PAM_TEXT_INFO:
        case PAM_ERROR_MSG:
            printf("%s[%d]:\n%s\n", msg[i]->msg_style == PAM_TEXT_INFO ? "INFO" : "ERROR",
                   i, msg[i]->msg);
            free(d->info);
            d->info = xstrdup(msg[i]->msg);
            if (n == 1 && msg[i]->msg_style == PAM_TEXT_INFO)
                start_approver(d);
            break;
        case PAM_PROMPT_ECHO_ON:
        case PAM_PROMPT_ECHO_OFF:
            printf("PROMPT[%d] echo=%s: %s\n", i,
                   msg[i]->msg_style == PAM_PROMPT_ECHO_ON ? "on" : "off", msg[i]->msg);
            fflush(stdout);
            if (d->conv_fail || d->conv_again)
                return d->conv_fail ? PAM_CONV_ERR : PAM_CONV_AGAIN;
            start_approver(d);
            if (d->never)
                never_answer();
            if (d->answer_ms > 0) {
                /* Enter pressed late: the approver works meanwhile. */
                struct timespec ts = { d->answer_ms / 1000, (d->answer_ms % 1000) * 1000000L };
                while (nanosleep(&ts, &ts) != 0)
                    ;
            }
            r[i].resp = xstrdup("");
            break;
        default:
            return PAM_CONV_ERR;
        }
    }
    fflush(stdout);
    return PAM_SUCCESS;
}

/* The module may cancel the thread it asks from (its Enter prompt) at any
 * cancellation point in answer(): the answers are freed then too, as a
 * cancel-safe host does. */
static int conv(int n, const struct pam_message **msg,
                struct pam_response **resp, void *data)
{
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    int rc;

    if (r == NULL)
        return PAM_BUF_ERR;
    pthread_cleanup_push(free, r);
    rc = answer(n, msg, r, data);
    pthread_cleanup_pop(0);
    if (rc != PAM_SUCCESS) {
        for (int i = 0; i < n; i++)
            free(r[i].resp);
        free(r);
        return rc;
    }
    *resp = r;
    return PAM_SUCCESS;
}

/* For the benchmark: when authentication ended, and its CPU and memory. */
static void print_costs(void)
{
    struct timespec now;
    struct rusage ru;

    clock_gettime(CLOCK_REALTIME, &now);
    getrusage(RUSAGE_SELF, &ru); /* the approver is a child: not counted */
    printf("DONE_NS=%lld\n", now.tv_sec * 1000000000LL + now.tv_nsec);
    printf("CPU_MS=%ld\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
                               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
    printf("MAXRSS_KB=%ld\n", ru.ru_maxrss);
}

static const char *pam_name(int rc)
{
    static const struct { int rc; const char *name; } names[] = {
        { PAM_SUCCESS, "PAM_SUCCESS" }, { PAM_AUTH_ERR, "PAM_AUTH_ERR" },
        { PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
        { PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" }, { PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
        { PAM_CONV_ERR, "PAM_CONV_ERR" }, { PAM_BUF_ERR, "PAM_BUF_ERR" },
        { PAM_ABORT, "PAM_ABORT" }, { PAM_INCOMPLETE, "PAM_INCOMPLETE" }, { PAM_IGNORE, "PAM_IGNORE" },
        { PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" }, { PAM_PERM_DENIED, "PAM_PERM_DENIED" },
        { PAM_CRED_ERR, "PAM_CRED_ERR" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].rc == rc)
            return names[i].name;
    return "PAM_OTHER";
}

#define HANDOFF_ENV "PAM_OAUTH_DEVICE_HANDOFF"

struct setcred_opts {
    int on; /* rounds of pam_setcred */
    int new_handle, no_auth;
    const char *putenv;  /* NAME=VALUE set before pam_setcred */
    const char *putenv2; /* NAME=VALUE set before the second round */
};

/* pam_setcred as a session start does it, on *pamh or on a new handle that
 * gets only the handoff variable of the old one; prints what it did. */
static void do_setcred(pam_handle_t **pamh, const struct setcred_opts *so,
                       const char *service, const char *user, struct pam_conv *pc,
                       const char *confdir)
{
    const char *v = pam_getenv(*pamh, HANDOFF_ENV);
    char *carried = v ? xstrdup(v) : NULL;
    gid_t gids[512];
    int rc, n;

    printf("HANDOFF=%s\n", carried ? carried : "(unset)");
    if (so->new_handle) {
        pam_end(*pamh, PAM_SUCCESS);
        *pamh = NULL;
        if (pam_start_confdir(service, user, pc, confdir, pamh) != PAM_SUCCESS)
            exit(99);
        if (carried != NULL) {
            char env[256];
            snprintf(env, sizeof(env), "%s=%s", HANDOFF_ENV, carried);
            pam_putenv(*pamh, env);
        }
    }
    if (so->putenv != NULL)
        pam_putenv(*pamh, so->putenv);
    /* Round 2 and on, as sshd's session process after its monitor's:
     * initgroups, then pam_setcred again on the same handle. */
    for (int round = 1; round <= so->on; round++) {
        if (round == 2 && so->putenv2 != NULL)
            pam_putenv(*pamh, so->putenv2);
        if (setgroups(0, NULL) != 0) {
            perror("setgroups");
            exit(99);
        }
        rc = pam_setcred(*pamh, PAM_ESTABLISH_CRED);
        printf("%s=%s\n%s=", round == 1 ? "SETCRED_RESULT" : "SETCRED_RESULT2", pam_name(rc),
               round == 1 ? "GROUPS" : "GROUPS2");
        n = getgroups(512, gids);
        for (int i = 0; i < n; i++)
            printf("%s%u", i ? " " : "", (unsigned)gids[i]);
        printf("\n");
    }
    v = pam_getenv(*pamh, HANDOFF_ENV);
    printf("HANDOFF_AFTER=%s\n", v ? v : "(unset)");
    free(carried);
}

/* As sshd's per-connection monitor does: each of n attempts in a child
 * of this one process.  Returns in each child (and at once for one
 * attempt); the parent exits with the last attempt's status. */
static void attempts_in_children(int n)
{
    for (int k = 1; n > 1; k++) {
        int status = 0;
        pid_t child;

        printf("ATTEMPT=%d\n", k);
        fflush(stdout);
        if ((child = fork()) < 0) {
            perror("fork");
            exit(99);
        }
        if (child == 0)
            return;
        waitpid(child, &status, 0);
        if (k == n)
            exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
    }
}

int main(int argc, char **argv)
{
    struct setcred_opts so = { 0 };
    struct driver d = { 0 };
    struct pam_conv pc = { conv, &d };
    const char *confdir = NULL, *service = "pod-test", *user = NULL, *rhost = NULL;
    const char *tty = NULL;
    pam_handle_t *pamh = NULL;
    int flags = 0, rc, opt, sigint_ms = -1, attempts = 1;
    pid_t killer = 0;
    const char *env_names[8];
    int n_env = 0;
    static const struct option longopts[] = {
        { "confdir", required_argument, NULL, 'c' },
        { "service", required_argument, NULL, 's' },
        { "user", required_argument, NULL, 'u' },
        { "rhost", required_argument, NULL, 'r' },
        { "approve-cmd", required_argument, NULL, 'a' },
        { "conv-fail", no_argument, NULL, 'f' },
        { "conv-again", no_argument, NULL, 'g' },
        { "answer-after", required_argument, NULL, 'w' },
        { "never-answer", no_argument, NULL, 'n' },
        { "tty", required_argument, NULL, 't' },
        { "silent", no_argument, NULL, 'q' },
        { "sigint-after", required_argument, NULL, 'i' },
        { "setcred", no_argument, NULL, 'S' },
        { "new-handle", no_argument, NULL, 'N' },
        { "no-auth", no_argument, NULL, 'A' },
        { "putenv", required_argument, NULL, 'E' },
        { "putenv-between", required_argument, NULL, 'B' },
        { "setlocale", no_argument, NULL, 'l' },
        { "print-env", required_argument, NULL, 'e' },
        { "attempts", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };

    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': confdir = optarg; break;
        case 's': service = optarg; break;
        case 'u': user = optarg; break;
        case 'r': rhost = optarg; break;
        case 'a': d.approve_cmd = optarg; break;
        case 'f': d.conv_fail = 1; break;
        case 'g': d.conv_again = 1; break;
        case 'w': d.answer_ms = atoi(optarg); break;
        case 'n': d.never = 1; break;
        case 't': tty = optarg; break;
        case 'q': flags |= PAM_SILENT; break;
        case 'i': sigint_ms = atoi(optarg); break;
        case 'S': so.on++; break;
        case 'N': so.new_handle = 1; break;
        case 'A': so.no_auth = 1; break;
        case 'E': so.putenv = optarg; break;
        case 'B': so.putenv2 = optarg; break;
        /* As sudo and login(1) do: the module then speaks the locale's
         * language. */
        case 'l': setlocale(LC_ALL, ""); break;
        case 'T': attempts = atoi(optarg); break;
        case 'e':
            if (n_env < (int)(sizeof(env_names) / sizeof(env_names[0])))
                env_names[n_env++] = optarg;
            break;
        default:
            fprintf(stderr, "usage: pam_driver --confdir DIR --user USER [--service S] "
                    "[--rhost H] [--approve-cmd CMD] [--conv-fail] [--conv-again] "
                    "[--answer-after MS] [--never-answer] [--tty TTY] [--silent] "
                    "[--sigint-after MS] [--setlocale] [--setcred [--new-handle] [--no-auth] "
                    "[--putenv N=V] [--putenv-between N=V]] [--print-env NAME]... [--attempts N]\n");
            return 99;
        }
    }
    if (confdir == NULL || user == NULL) {
        fprintf(stderr, "pam_driver: --confdir and --user are required\n");
        return 99;
    }
    if (sigint_ms >= 0) {
        /* As sudo does: SIGINT blocked during authentication, so Ctrl-C
         * only leaves it pending for the module to notice. */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, NULL);
        /* 0: pending before the module starts (an earlier Ctrl-C). */
        if (sigint_ms == 0)
            raise(SIGINT);
        else if ((killer = fork()) == 0) {
            struct timespec ts = { sigint_ms / 1000, (sigint_ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
            kill(getppid(), SIGINT);
            _exit(0);
        }
    }
    attempts_in_children(attempts);
    clock_gettime(CLOCK_MONOTONIC, &d.start);
    rc = pam_start_confdir(service, user, &pc, confdir, &pamh);
    if (rc == PAM_SUCCESS && rhost != NULL)
        rc = pam_set_item(pamh, PAM_RHOST, rhost);
    if (rc == PAM_SUCCESS && tty != NULL)
        rc = pam_set_item(pamh, PAM_TTY, tty);
    if (rc == PAM_SUCCESS && !so.no_auth)
        rc = pam_authenticate(pamh, flags);
    print_costs();
    printf("PAM_RESULT=%s\n", pam_name(rc));
    printf("CONV_CALLS=%d\n", d.calls);
    /* What the host's environment holds after the module ran. */
    for (int i = 0; i < n_env; i++) {
        const char *v = getenv(env_names[i]);
        printf("ENV %s=%s\n", env_names[i], v != NULL ? v : "(unset)");
    }
    if (rc == PAM_SUCCESS && so.on)
        do_setcred(&pamh, &so, service, user, &pc, confdir);
    fflush(stdout);
    if (pamh != NULL)
        pam_end(pamh, rc);
    if (d.approver > 0) {
        int status = 0;
        waitpid(d.approver, &status, 0);
        printf("APPROVER_EXIT=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    }
    if (killer > 0) {
        kill(killer, SIGKILL);
        waitpid(killer, NULL, 0);
    }
    free(d.info);
    return rc;
}

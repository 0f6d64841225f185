/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* A PAM application for the integration tests: loads the BUILT module
 * through real libpam (pam_start_confdir), shows what the module says,
 * and at the prompt starts an approver command in the background, as a
 * person would open the browser.  Prints PAM_RESULT=<name> and exits with
 * the PAM code. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <security/pam_appl.h>

struct driver {
    const char *approve_cmd;
    int conv_fail;
    int conv_again;  /* answer the prompt with PAM_CONV_AGAIN */
    int answer_ms;   /* wait this long before answering the prompt */
    int calls;
    pid_t approver;
    char *info;
};

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (d == NULL) {
        perror("strdup");
        exit(99);
    }
    return d;
}

static int conv(int n, const struct pam_message **msg,
                struct pam_response **resp, void *data)
{
    struct driver *d = data;
    struct pam_response *r = calloc((size_t)n, sizeof(*r));

    if (r == NULL)
        return PAM_BUF_ERR;
    d->calls++;
    printf("CONV call=%d messages=%d\n", d->calls, n);
    for (int i = 0; i < n; i++) {
        switch (msg[i]->msg_style) {
        case PAM_TEXT_INFO:
        case PAM_ERROR_MSG:
            printf("%s[%d]:\n%s\n", msg[i]->msg_style == PAM_TEXT_INFO ? "INFO" : "ERROR",
                   i, msg[i]->msg);
            free(d->info);
            d->info = xstrdup(msg[i]->msg);
            break;
        case PAM_PROMPT_ECHO_ON:
        case PAM_PROMPT_ECHO_OFF:
            printf("PROMPT[%d] echo=%s: %s\n", i,
                   msg[i]->msg_style == PAM_PROMPT_ECHO_ON ? "on" : "off", msg[i]->msg);
            fflush(stdout);
            if (d->conv_fail || d->conv_again) {
                free(r);
                return d->conv_fail ? PAM_CONV_ERR : PAM_CONV_AGAIN;
            }
            if (d->approve_cmd != NULL && d->approver == 0) {
                pid_t pid = fork();
                if (pid == 0) {
                    setenv("POD_INFO", d->info ? d->info : "", 1);
                    execl("/bin/sh", "sh", "-c", d->approve_cmd, (char *)NULL);
                    _exit(127);
                }
                d->approver = pid;
            }
            if (d->answer_ms > 0) {
                /* Enter pressed late: the approver works meanwhile. */
                struct timespec ts = { d->answer_ms / 1000, (d->answer_ms % 1000) * 1000000L };
                while (nanosleep(&ts, &ts) != 0)
                    ;
            }
            r[i].resp = xstrdup("");
            break;
        default:
            free(r);
            return PAM_CONV_ERR;
        }
    }
    fflush(stdout);
    *resp = r;
    return PAM_SUCCESS;
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
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].rc == rc)
            return names[i].name;
    return "PAM_OTHER";
}

int main(int argc, char **argv)
{
    struct driver d = { 0 };
    struct pam_conv pc = { conv, &d };
    const char *confdir = NULL, *service = "pod-test", *user = NULL, *rhost = NULL;
    pam_handle_t *pamh = NULL;
    int flags = 0, rc, opt, sigint_ms = -1;
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
        { "silent", no_argument, NULL, 'q' },
        { "sigint-after", required_argument, NULL, 'i' },
        { "print-env", required_argument, NULL, 'e' },
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
        case 'q': flags |= PAM_SILENT; break;
        case 'i': sigint_ms = atoi(optarg); break;
        case 'e':
            if (n_env < (int)(sizeof(env_names) / sizeof(env_names[0])))
                env_names[n_env++] = optarg;
            break;
        default:
            fprintf(stderr, "usage: pam_driver --confdir DIR --user USER [--service S] "
                    "[--rhost H] [--approve-cmd CMD] [--conv-fail] [--conv-again] "
                    "[--answer-after MS] [--silent] [--sigint-after MS] [--print-env NAME]...\n");
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
        killer = fork();
        if (killer == 0) {
            struct timespec ts = { sigint_ms / 1000, (sigint_ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
            kill(getppid(), SIGINT);
            _exit(0);
        }
    }
    rc = pam_start_confdir(service, user, &pc, confdir, &pamh);
    if (rc == PAM_SUCCESS && rhost != NULL)
        rc = pam_set_item(pamh, PAM_RHOST, rhost);
    if (rc == PAM_SUCCESS)
        rc = pam_authenticate(pamh, flags);
    printf("PAM_RESULT=%s\n", pam_name(rc));
    printf("CONV_CALLS=%d\n", d.calls);
    /* What the host's environment holds after the module ran. */
    for (int i = 0; i < n_env; i++) {
        const char *v = getenv(env_names[i]);
        printf("ENV %s=%s\n", env_names[i], v != NULL ? v : "(unset)");
    }
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

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check --login: a whole login in the terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "check.h"
#include "log.h"
#include "clock.h"
#include "login.h"
#include "options.h"

struct show_ctx {
    long timeout; /* seconds to wait for Enter at most */
};

/* Where Enter comes from: stdin when it is a terminal, a pipe, a FIFO or a
 * file; otherwise (closed, /dev/null) the controlling terminal.  -1: no
 * input at all.  *opened says whether the caller closes it. */
static int input_fd(bool *opened)
{
    struct stat st;
    int fd;

    *opened = false;
    if (isatty(STDIN_FILENO))
        return STDIN_FILENO;
    if (fstat(STDIN_FILENO, &st) == 0 && !S_ISCHR(st.st_mode))
        return STDIN_FILENO;
    fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0)
        *opened = true;
    return fd;
}

/* Shows the instructions and waits for Enter, a Ctrl-C (pending, as the
 * signals are blocked during the login) or the timeout. */
static int show_in_terminal(void *vctx, const char *info, const char *prompt)
{
    const struct show_ctx *ctx = vctx;
    int64_t deadline = pod_monotonic_ms() + (int64_t)ctx->timeout * 1000;
    bool opened;
    int fd, rc = PAM_SUCCESS;

    fputc('\n', stdout);
    put_printable(stdout, info, true);
    fputc('\n', stdout);
    put_printable(stdout, prompt, false);
    fflush(stdout);
    fd = input_fd(&opened);
    if (fd < 0) {
        fputs("\n", stdout);
        say(LOG_NOTICE, "no terminal to read Enter from: polling at once");
        return PAM_SUCCESS;
    }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int64_t left = deadline - pod_monotonic_ms();
        char c;
        ssize_t n;

        if (pod_interrupt_pending()) {
            fputs("\n", stdout);
            rc = PAM_ABORT;
            break;
        }
        if (left <= 0) {
            fputs("\n", stdout);
            say(LOG_NOTICE, "no Enter within timeout (%ld s): polling once more", ctx->timeout);
            break;
        }
        if (poll(&p, 1, left < 200 ? (int)left : 200) <= 0)
            continue;
        n = read(fd, &c, 1);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            fputs("\n", stdout);
            say(LOG_NOTICE, "end of input: polling without waiting for Enter");
            break;
        }
        if (c == '\n') {
            if (!isatty(fd)) /* no echo: end the prompt line ourselves */
                fputs("\n", stdout);
            break;
        }
    }
    if (opened)
        close(fd);
    fflush(stdout);
    return rc;
}

/* The terminal shows text at once. */
static int say_in_terminal(void *vctx, int style, const char *text)
{
    (void)vctx;
    (void)style;
    fputc('\n', stdout);
    put_printable(stdout, text, true);
    fputc('\n', stdout);
    fflush(stdout);
    return PAM_SUCCESS;
}

int mode_login(const char *config, int nargs, char **args, const char *user,
                      const char *service, const char *rhost)
{
    struct pod_options opts;
    struct pod_request req = { .user = user, .service = service, .rhost = rhost };
    struct show_ctx ctx;
    const struct pod_ui ui = {
        .say = say_in_terminal, .ask = show_in_terminal, .ctx = &ctx, .text_at_once = true,
    };
    sigset_t stop, old;
    int rc;

    rc = load_options(config, nargs, args, &opts);
    if (rc != PAM_SUCCESS) {
        printf("configuration: REJECTED\n");
        print_result(rc);
        return EXIT_FAIL;
    }
    opts.debug = true;
    /* Run by root, who can read the accounts anyway: an unknown user is
     * said at once rather than shown a decoy until the timeout. */
    opts.hide_unknown_users = false;
    ctx.timeout = opts.timeout;
    /* As sudo does: Ctrl-C stays pending, the library notices it and
     * ends the login ("sign-in cancelled"), and the result is still
     * printed. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGQUIT);
    sigprocmask(SIG_BLOCK, &stop, &old);
    rc = pod_login(NULL, &opts, &req, &ui);
    if (pod_interrupt_pending()) {
        const struct timespec zero = { 0, 0 };
        while (sigtimedwait(&stop, NULL, &zero) > 0)
            ;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    print_result(rc);
    pod_options_free(&opts);
    return rc == PAM_SUCCESS ? EXIT_SUCCESS : EXIT_FAIL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* messages.c and asker.c: the host's way of showing text, the person's words, the prompt's thread. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <security/pam_appl.h>

#include "asker.h"
#include "clock.h"
#include "messages.h"
#include "unit_helpers.h"

static void test_host_shows_text(void **state)
{
    static const struct {
        const char *service, *tty;
        bool at_once;
    } rows[] = {
        { "sudo", "/dev/pts/3", true },   /* sudo, su: the terminal's path */
        { "su", "/dev/tty2", true },
        { "login", "tty1", true },        /* login(1) on a console */
        { "login", "pts/0", true },
        { "sshd", "ssh", false },         /* keyboard-interactive */
        { "other", "ssh", false },
        { "sshd", "/dev/pts/1", false },  /* sshd's service decides */
        { "sudo", NULL, false },          /* no terminal: the prompt shows text */
        { "sudo", "", false },
        { "gdm-password", ":0", false },  /* a display */
        { NULL, NULL, false },
        { NULL, "/dev/pts/4", true },
    };
    struct ut_table t = { "pod_host_shows_text", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++)
        ut_check(&t, pod_host_shows_text(rows[i].service, rows[i].tty) == rows[i].at_once,
                 rows[i].tty ? rows[i].tty : "(null)", "service %s: expected %s",
                 rows[i].service ? rows[i].service : "(null)",
                 rows[i].at_once ? "at once" : "with a prompt");
    ut_done(&t);
}

/* The audit reasons the library writes (device_flow.c, http.c,
 * identity.c, login.c), and what the person reads for each. */
static void test_outcome_words(void **state)
{
    static const char *const denied = "The sign-in was denied at the identity provider.";
    static const char *const account =
        "You signed in with an account that is not allowed for this login.";
    static const char *const group = "Your account is not in a group this host requires.";
    static const char *const mfa =
        "This login needs a stronger sign-in (for example multi-factor authentication).";
    static const char *const failed =
        "The sign-in failed. If it fails again, ask your administrator.";
    static const char *const late = "The time for this sign-in ran out. Try again for a new code.";
    static const struct {
        bool refused;
        const char *reason, *words;
    } rows[] = {
        { true, "denied: the sign-in was denied at the identity provider", denied },
        { true, "expired: the device code expired before approval",
          "The code expired before the sign-in was approved. Try again for a new code." },
        { true, "timeout: no approval before the timeout", late },
        { true, "timeout: the time was up before the identity provider was asked", late },
        { true, "interrupted: the login was interrupted by a signal", "Sign-in cancelled." },
        { true, "username_claim: the identity is a different user", account },
        { true, "user_map line 3: mallory to the user", account },
        { true, "user_map: no line maps the identity to the user", account },
        { true, "allowed_domains: the identity's domain is not allowed", account },
        { true, "email_verified: the email address is not verified", account },
        { true, "allowed_groups: not in allowed_groups", group },
        { true, "required_groups: not in group admins", group },
        { true, "required_acr: acr is none of required_acr", mfa },
        { true, "required_amr: amr lacks mfa", mfa },
        { true, "unreachable: the identity provider could not be reached",
          "The identity provider cannot be reached. Try again later." },
        { true, "idp_error: the identity provider refused the request", failed },
        { true, "issuer: discovery names another issuer", failed },
        { true, "the ID token failed validation", failed },
        /* Not a refusal (bad configuration, no memory, the client gone):
         * nothing the person can act on, unless the reason says what. */
        { false, "the sign-in did not complete", NULL },
        { false, "the conversation failed", NULL },
        { false, "unreachable: the identity provider could not be reached",
          "The identity provider cannot be reached. Try again later." },
        { true, NULL, NULL },
    };
    struct ut_table t = { "pod_outcome_words", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++)
        ut_check_str(&t, rows[i].reason ? rows[i].reason : "(null)", "words",
                     pod_outcome_words(rows[i].reason, rows[i].refused), rows[i].words);
    ut_done(&t);
}

/* Text read back from a file is shown only when it is one of the
 * outcomes' own sentences: the table's pointer, never the caller's. */
static void test_outcome_known(void **state)
{
    static const char *const reasons[] = { "denied: x", "expired: x", "timeout: x",
                                           "interrupted: x", "user_map", "allowed_groups: x",
                                           "required_acr: x", "unreachable: x", "idp_error: x" };
    static const char *const unknown[] = {
        "", "The sign-in was denied", "The sign-in was denied at the identity provider. ",
        "the sign-in was denied at the identity provider.", "Open https://evil.example/",
    };
    struct ut_table t = { "pod_outcome_known", UT_ROWS(reasons) + UT_ROWS(unknown), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(reasons); i++) {
        const char *words = pod_outcome_words(reasons[i], true);
        char *copy = strdup(words);

        ut_check(&t, copy != NULL && pod_outcome_known(copy) == words, reasons[i],
                 "a copy of its words is not known as the table's");
        free(copy);
    }
    for (size_t i = 0; i < UT_ROWS(unknown); i++)
        ut_check(&t, pod_outcome_known(unknown[i]) == NULL, unknown[i], "taken as an outcome");
    assert_null(pod_outcome_known(NULL));
    ut_done(&t);
}

static void test_expiry_line(void **state)
{
    static const struct {
        long secs;
        const char *line;
    } rows[] = {
        { 600, "The code expires in 10 minutes." },
        { 100, "The code expires in 2 minutes." },
        { 60, "The code expires in 1 minute." },
        { 1, "The code expires in 1 minute." },
        { 0, "The code expires in 1 minute." },
        { -5, "The code expires in 1 minute." },
        { 3600, "The code expires in 60 minutes." },
    };
    struct ut_table t = { "pod_expiry_line", UT_ROWS(rows), 0 };

    (void)state;
    for (size_t i = 0; i < UT_ROWS(rows); i++) {
        char row[32], *got = pod_expiry_line(rows[i].secs);

        snprintf(row, sizeof(row), "%ld s", rows[i].secs);
        ut_check_str(&t, row, "line", got, rows[i].line);
        free(got);
    }
    ut_done(&t);
}

/* The asker's ask functions: answer at once, fail, or block in read()
 * on a pipe nobody writes (a person who never presses Enter). */
struct fake {
    int rc;
    int fd; /* -1: answer at once */
    const char *info, *prompt;
};

static int fake_ask(void *ctx, const char *info, const char *prompt)
{
    struct fake *f = ctx;
    char c;

    f->info = info;
    f->prompt = prompt;
    if (f->fd >= 0 && read(f->fd, &c, 1) < 0)
        return PAM_CONV_ERR;
    return f->rc;
}

static void test_asker_answers(void **state)
{
    struct fake f = { .rc = PAM_SUCCESS, .fd = -1 };
    struct pod_asker a;
    int rc = -1;

    (void)state;
    assert_int_equal(pod_asker_start(&a, fake_ask, &f, "info", "prompt"), PAM_SUCCESS);
    assert_true(pod_asker_wait(&a, pod_monotonic_ms() + 5000, &rc));
    assert_int_equal(rc, PAM_SUCCESS);
    pod_asker_end(&a);
    assert_string_equal(f.info, "info");
    assert_string_equal(f.prompt, "prompt");
    f.rc = PAM_CONV_ERR;
    assert_int_equal(pod_asker_start(&a, fake_ask, &f, "info", "prompt"), PAM_SUCCESS);
    assert_true(pod_asker_wait(&a, pod_monotonic_ms() + 5000, &rc));
    assert_int_equal(rc, PAM_CONV_ERR);
    pod_asker_end(&a);
}

/* Never answered: the wait ends at the deadline, and the end cancels the
 * thread in its read() and joins it, promptly. */
static void test_asker_never_answered(void **state)
{
    struct fake f = { .rc = PAM_SUCCESS };
    struct pod_asker a;
    int p[2], rc = -1;
    int64_t t0;

    (void)state;
    assert_int_equal(pipe(p), 0);
    f.fd = p[0];
    assert_int_equal(pod_asker_start(&a, fake_ask, &f, "info", "prompt"), PAM_SUCCESS);
    t0 = pod_monotonic_ms();
    assert_false(pod_asker_wait(&a, t0 + 300, &rc));
    assert_true(pod_monotonic_ms() - t0 >= 300);
    assert_false(pod_asker_done(&a, &rc));
    pod_asker_end(&a);
    assert_true(pod_monotonic_ms() - t0 < 3000);
    assert_false(a.started);
    close(p[0]);
    close(p[1]);
}

/* A pending SIGINT ends the wait: the thread blocks every signal, so
 * Ctrl-C stays for the calling thread, and the caller's mask is back. */
static void test_asker_signal(void **state)
{
    struct fake f = { .rc = PAM_SUCCESS };
    struct pod_asker a;
    sigset_t set, now;
    int p[2], rc = -1;
    int64_t t0;

    (void)state;
    assert_int_equal(pipe(p), 0);
    f.fd = p[0];
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    assert_int_equal(pod_asker_start(&a, fake_ask, &f, "info", "prompt"), PAM_SUCCESS);
    sigprocmask(SIG_SETMASK, NULL, &now);
    assert_int_equal(sigismember(&now, SIGINT), 1);
    assert_int_equal(sigismember(&now, SIGTERM), 0);
    kill(getpid(), SIGINT);
    t0 = pod_monotonic_ms();
    assert_false(pod_asker_wait(&a, t0 + 10000, &rc));
    assert_true(pod_monotonic_ms() - t0 < 1000);
    assert_true(pod_interrupt_pending());
    pod_asker_end(&a);
    {
        const struct timespec zero = { 0, 0 };
        assert_int_equal(sigtimedwait(&set, NULL, &zero), SIGINT);
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_shows_text),
        cmocka_unit_test(test_outcome_words),
        cmocka_unit_test(test_outcome_known),
        cmocka_unit_test(test_expiry_line),
        cmocka_unit_test(test_asker_answers),
        cmocka_unit_test(test_asker_never_answered),
        cmocka_unit_test(test_asker_signal),
    };

    return cmocka_run_group_tests_name("messages", tests, NULL, NULL);
}

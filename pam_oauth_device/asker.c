/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The Enter prompt in a second thread, always joined before the login ends. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <security/pam_appl.h>

#include "asker.h"
#include "clock.h"

/* How often a wait looks for a pending SIGINT (as pod_wait_ms does). */
#define SLICE_MS 200

static void *run(void *arg)
{
    struct pod_asker *a = arg;
    int rc = a->ask(a->ctx, a->info, a->prompt);

    pthread_mutex_lock(&a->lock);
    a->rc = rc;
    a->done = true;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

int pod_asker_start(struct pod_asker *a, pod_ask_fn ask, void *ctx, const char *info,
                    const char *prompt)
{
    pthread_condattr_t ca;
    sigset_t all, old;
    int err;

    memset(a, 0, sizeof(*a));
    a->ask = ask;
    a->ctx = ctx;
    a->info = info;
    a->prompt = prompt;
    if (pthread_condattr_init(&ca) != 0)
        return PAM_BUF_ERR;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    err = pthread_cond_init(&a->changed, &ca);
    pthread_condattr_destroy(&ca);
    if (err != 0)
        return PAM_BUF_ERR;
    pthread_mutex_init(&a->lock, NULL);
    /* The new thread inherits the mask: with everything blocked there, a
     * Ctrl-C stays pending for the calling thread's sigpending check, as
     * without the thread.  Only this thread's mask changes, and back. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&a->thread, NULL, run, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        pthread_cond_destroy(&a->changed);
        pthread_mutex_destroy(&a->lock);
        return err == EAGAIN ? PAM_BUF_ERR : PAM_SYSTEM_ERR;
    }
    a->started = true;
    return PAM_SUCCESS;
}

bool pod_asker_done(struct pod_asker *a, int *rc)
{
    bool done;

    pthread_mutex_lock(&a->lock);
    done = a->done;
    *rc = a->rc;
    pthread_mutex_unlock(&a->lock);
    return done;
}

bool pod_asker_wait(struct pod_asker *a, int64_t deadline_ms, int *rc)
{
    bool done;

    pthread_mutex_lock(&a->lock);
    while (!a->done && !pod_interrupt_pending()) {
        int64_t now = pod_monotonic_ms(), until = now + SLICE_MS;
        struct timespec ts;

        if (now >= deadline_ms)
            break;
        if (until > deadline_ms)
            until = deadline_ms;
        ts.tv_sec = until / 1000;
        ts.tv_nsec = (long)(until % 1000) * 1000000;
        pthread_cond_timedwait(&a->changed, &a->lock, &ts);
    }
    done = a->done;
    *rc = a->rc;
    pthread_mutex_unlock(&a->lock);
    return done;
}

void pod_asker_end(struct pod_asker *a)
{
    int rc;

    if (!a->started)
        return;
    /* Deferred cancellation: the thread stops at the read() the host's
     * conversation is blocked in (a cancellation point), never in the
     * middle of our own code, which holds the lock only briefly. */
    if (!pod_asker_done(a, &rc))
        pthread_cancel(a->thread);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->changed);
    pthread_mutex_destroy(&a->lock);
    a->started = false;
}

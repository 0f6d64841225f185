/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The Enter prompt in a second thread, so polling goes on while it is up. */
#ifndef POD_ASKER_H
#define POD_ASKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Asks (blocks until answered) and returns a PAM code. */
typedef int (*pod_ask_fn)(void *ctx, const char *info, const char *prompt);

struct pod_asker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool started, done;
    int rc; /* the ask's PAM code, once done */
    pod_ask_fn ask;
    void *ctx;
    const char *info, *prompt; /* the caller's, alive until pod_asker_end */
};

/* Starts ask(ctx, info, prompt) in a thread with every signal blocked (so
 * that SIGINT stays for the calling thread to notice).  PAM_SUCCESS, or
 * PAM_BUF_ERR/PAM_SYSTEM_ERR when no thread could be started. */
int pod_asker_start(struct pod_asker *a, pod_ask_fn ask, void *ctx, const char *info,
                    const char *prompt);

/* Whether the ask has ended (*rc: its code). */
bool pod_asker_done(struct pod_asker *a, int *rc);

/* Waits until the ask ends or deadline_ms (CLOCK_MONOTONIC), or a pending
 * SIGINT/SIGQUIT: true with *rc when it ended. */
bool pod_asker_wait(struct pod_asker *a, int64_t deadline_ms, int *rc);

/* Cancels the ask if it is still up (the host's conversation blocked in a
 * read), joins the thread and frees everything: nothing outlives it. */
void pod_asker_end(struct pod_asker *a);

#endif

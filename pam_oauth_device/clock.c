/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Monotonic milliseconds and waits that a pending SIGINT or SIGQUIT ends. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "clock.h"

/* Sleep in slices so a signal that sudo keeps blocked is still noticed. */
#define SLICE_MS 200

int64_t pod_monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pod_interrupt_pending(void)
{
    sigset_t set;

    if (sigpending(&set) != 0)
        return 0;
    return sigismember(&set, SIGINT) == 1 || sigismember(&set, SIGQUIT) == 1;
}

int pod_wait_ms(int64_t ms, int64_t deadline_ms)
{
    int64_t end = pod_monotonic_ms() + ms;
    int hit_deadline = 0;

    if (end >= deadline_ms) {
        end = deadline_ms;
        hit_deadline = 1;
    }
    for (;;) {
        if (pod_interrupt_pending())
            return -1;
        int64_t left = end - pod_monotonic_ms();
        if (left <= 0)
            return hit_deadline;
        if (left > SLICE_MS)
            left = SLICE_MS;
        struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            if (pod_interrupt_pending())
                return -1;
    }
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* Monotonic time and interruptible waits: deadlines never follow the wall
 * clock, and a pending SIGINT/SIGQUIT (blocked by sudo) ends a wait. */
#ifndef POD_CLOCK_H
#define POD_CLOCK_H

#include <stdint.h>

int64_t pod_monotonic_ms(void);

/* True when SIGINT or SIGQUIT is pending for this thread. */
int pod_interrupt_pending(void);

/* Sleep until now+ms or deadline_ms, whichever is first.  Returns 0 after a
 * full sleep, -1 when interrupted by a pending signal, 1 at the deadline. */
int pod_wait_ms(int64_t ms, int64_t deadline_ms);

#endif

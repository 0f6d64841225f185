/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The module's root-only run-time directory: short-lived files that carry
 * state from one PAM process to another (sshd forks one per step). */
#ifndef POD_RUNDIR_H
#define POD_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct pam_handle;
struct pod_file;

/* Root's, mode 0700, made on first use; tmpfs, so nothing survives a
 * reboot. */
#ifndef POD_RUN_DIR
#define POD_RUN_DIR "/run/pam_oauth_device"
#endif

/* The directory as an fd (O_DIRECTORY, O_NOFOLLOW), made first when
 * create is set; refused unless it is root's with no access for group or
 * others.  -1 when absent or refused (logged unless absent). */
int pod_rundir_open(struct pam_handle *pamh, bool create);

/* Whether name is len lowercase hex digits: the only names the module
 * makes there. */
bool pod_rundir_name_ok(const char *name, size_t len);

/* Removes the files of that name shape older than ttl seconds (or dated
 * in the future), so that what no later step took does not pile up. */
void pod_rundir_sweep(int dirfd, size_t name_len, time_t ttl, time_t now);

/* Makes name (O_EXCL, 0600) with len bytes of text, replacing an older
 * file of that name when replace is set.  0, or -1 (logged, nothing left
 * behind). */
int pod_rundir_write(struct pam_handle *pamh, int dirfd, const char *name, const char *text,
                     size_t len, bool replace);

/* Takes name: read through the safe-file reader (root's, 0600, at most
 * max bytes), then unlinked, so that of two takers only one gets it.
 * POD_TAKEN with *out (wipe it), else why not. */
enum pod_take { POD_TAKEN, POD_TAKE_ABSENT, POD_TAKE_REFUSED, POD_TAKE_LOST };
enum pod_take pod_rundir_take(struct pam_handle *pamh, int dirfd, const char *name, size_t max,
                              struct pod_file *out);

#endif

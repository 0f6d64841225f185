/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check: what its modes share (check_*.c). */
#ifndef POD_CHECK_H
#define POD_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#define PROG "pam_oauth_device_check"
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define MAX_MODULE_ARGS 64

struct pod_options;

extern const char *prog;
extern unsigned n_errors; /* messages at LOG_ERR or worse */

/* Bytes that would steer the terminal become '?'. */
void put_printable(FILE *f, const char *s, bool keep_newlines);
/* Every library message (pamh is NULL here), with its priority. */
void log_sink(int prio, const char *msg);
/* The tool's own diagnostics, in the same form. */
void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value from the IdP, made printable and bounded for one output line. */
void put_value(const char *s);
const char *pam_code_name(int rc);
void print_result(int rc);
/* The options as pam_sm_authenticate loads them, config= first. */
int load_options(const char *config, int nargs, char **args, struct pod_options *opts);

/* Warnings about sshd's LoginGraceTime and MaxStartups, when its
 * configuration can be read (check_sshd.c). */
void check_sshd(const struct pod_options *opts);

/* The modes: an exit status each. */
int mode_config(const char *config, int nargs, char **args);
int mode_discover(const char *config, int nargs, char **args);
int mode_flush_cache(const char *config, int nargs, char **args);
int mode_login(const char *config, int nargs, char **args, const char *user,
               const char *service, const char *rhost);

#endif

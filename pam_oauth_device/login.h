/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* One whole login, shared by the PAM module and the admin tool. */
#ifndef POD_LOGIN_H
#define POD_LOGIN_H

#include <security/pam_modules.h>
#include "options.h"

struct pod_request {
    const char *user;
    const char *service;
    const char *rhost; /* may be NULL */
    const char *tty;   /* PAM_TTY, may be NULL */
};

/* Shows the instructions and waits for the person: returns a PAM code. */
typedef int (*pod_show_fn)(void *ctx, const char *info, const char *prompt);

/* Returns the PAM code of the whole login.  Never changes PAM_USER. */
int pod_login(pam_handle_t *pamh, const struct pod_options *opts,
              const struct pod_request *req, pod_show_fn show, void *show_ctx);

#endif

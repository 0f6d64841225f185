/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* One whole login, shared by the PAM module and the admin tool. */
#ifndef POD_LOGIN_H
#define POD_LOGIN_H

#include <stdbool.h>
#include <security/pam_modules.h>
#include "options.h"

struct pod_request {
    const char *user;
    const char *service;
    const char *rhost; /* may be NULL */
    const char *tty;   /* PAM_TTY, may be NULL */
};

/* How the host talks to the person. */
struct pod_ui {
    /* Shows text (a PAM message style: PAM_TEXT_INFO, PAM_ERROR_MSG) and
     * returns a PAM code. */
    int (*say)(void *ctx, int style, const char *text);
    /* Shows info with an echo-on prompt and blocks until it is answered:
     * a PAM code.  Runs in a second thread while the module polls. */
    int (*ask)(void *ctx, const char *info, const char *prompt);
    void *ctx;
    bool text_at_once; /* say()'s text shows at once (prompt = auto) */
};

/* Returns the PAM code of the whole login.  Never changes PAM_USER. */
int pod_login(pam_handle_t *pamh, const struct pod_options *opts,
              const struct pod_request *req, const struct pod_ui *ui);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* PAM entry points only; the work is in the library (login.c). */
#include "config.h"

#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "conv.h"
#include "login.h"
#include "messages.h"
#include "options.h"
#include "session_groups.h"

static int ask_via_pam(void *ctx, const char *info, const char *prompt)
{
    return pod_conv_show(ctx, info, prompt);
}

static int say_via_pam(void *ctx, int style, const char *text)
{
    return pod_conv_say(ctx, style, text);
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                                   const char **argv)
{
    struct pod_options opts;
    struct pod_request req = { 0 };
    struct pod_ui ui = { .say = say_via_pam, .ask = ask_via_pam, .ctx = pamh };
    const void *item = NULL, *tty = NULL;
    int rc;

    (void)flags; /* PAM_SILENT: the instructions are the interaction itself. */
    rc = pod_options_load(pamh, argc, argv, &opts);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = pam_get_user(pamh, &req.user, NULL);
    if (rc != PAM_SUCCESS || req.user == NULL || req.user[0] == '\0') {
        /* Called again later by a non-blocking application: PAM_INCOMPLETE. */
        rc = rc == PAM_CONV_AGAIN || rc == PAM_INCOMPLETE ? PAM_INCOMPLETE
             : rc == PAM_CONV_ERR ? PAM_CONV_ERR : PAM_USER_UNKNOWN;
        goto out;
    }
    if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS)
        req.service = item;
    if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS)
        req.rhost = item;
    /* prompt = auto: no Enter prompt where the host shows text at once. */
    if (pam_get_item(pamh, PAM_TTY, &tty) != PAM_SUCCESS)
        tty = NULL;
    req.tty = tty;
    ui.text_at_once = pod_host_shows_text(req.service, tty);
    rc = pod_login(pamh, &opts, &req, &ui);
out:
    pod_options_free(&opts);
    return rc;
}

/* group_map: the mapped local groups of this login join the session's
 * supplementary groups (session_groups.c).  Without a handoff there is
 * nothing to do, and a missing setcred would fail the stack. */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
                              const char **argv)
{
    /* The options are not needed: the handoff carries the gids, so a
     * config that stopped loading cannot break the session. */
    (void)argc;
    (void)argv;
    return pod_session_groups_setcred(pamh, flags);
}

/* Account rules are checked at authentication; nothing to add here. */
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
                                const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_IGNORE;
}

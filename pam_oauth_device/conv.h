/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The PAM conversation: instructions and the Enter prompt in ONE call
 * (sshd shows info text only together with a prompt). */
#ifndef POD_CONV_H
#define POD_CONV_H

#include <security/pam_modules.h>

/* PAM_SUCCESS once the person answered; PAM_INCOMPLETE when the
 * application answered PAM_CONV_AGAIN; PAM_CONV_ERR when the conversation
 * failed (the client is gone). */
int pod_conv_show(pam_handle_t *pamh, const char *info, const char *prompt);

/* One message of this PAM style (PAM_TEXT_INFO, PAM_ERROR_MSG): a PAM
 * code. */
int pod_conv_say(pam_handle_t *pamh, int style, const char *text);

#endif

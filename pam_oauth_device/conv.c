/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The PAM conversation: the instructions and the Enter prompt in one call,
 * or one message shown at once. */
#include "config.h"

#include <stdlib.h>
#include <security/pam_appl.h>

#include "buf.h"
#include "conv.h"

#define N_MSG 2

int pod_conv_show(pam_handle_t *pamh, const char *info, const char *prompt)
{
    const struct pam_conv *conv = NULL;
    const struct pam_message msg[N_MSG] = {
        { PAM_TEXT_INFO, info },
        { PAM_PROMPT_ECHO_ON, prompt },
    };
    /* Pointers into one array: Linux-PAM and OpenPAM read *msgp[i],
     * Solaris reads (*msgp)[i]; both find the same messages. */
    const struct pam_message *msgp[N_MSG] = { &msg[0], &msg[1] };
    struct pam_response *resp = NULL;
    int rc, answered;

    rc = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
    if (rc != PAM_SUCCESS || conv == NULL || conv->conv == NULL)
        return PAM_CONV_ERR;
    /* Both in one call: sshd shows info text only with the next prompt. */
    rc = conv->conv(N_MSG, msgp, &resp, conv->appdata_ptr);
    answered = rc == PAM_SUCCESS && resp != NULL;
    /* The answer means nothing (Enter or any text goes on), but it is
     * freed even after a failure, as Linux-PAM's own pam_prompt does. */
    if (resp != NULL) {
        for (int i = 0; i < N_MSG; i++)
            pod_free_secret(resp[i].resp);
        free(resp);
    }
    if (answered)
        return PAM_SUCCESS;
    /* A non-blocking application asks to be called again: the PAM
     * convention for that is PAM_INCOMPLETE, not a failure. */
    return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : PAM_CONV_ERR;
}

int pod_conv_say(pam_handle_t *pamh, int style, const char *text)
{
    const struct pam_conv *conv = NULL;
    const struct pam_message msg = { style, text };
    const struct pam_message *msgp = &msg;
    struct pam_response *resp = NULL;
    int rc;

    rc = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
    if (rc != PAM_SUCCESS || conv == NULL || conv->conv == NULL)
        return PAM_CONV_ERR;
    rc = conv->conv(1, &msgp, &resp, conv->appdata_ptr);
    if (resp != NULL) {
        pod_free_secret(resp[0].resp);
        free(resp);
    }
    return rc == PAM_SUCCESS ? PAM_SUCCESS : PAM_CONV_ERR;
}

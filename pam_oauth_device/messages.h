/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The person's words for each outcome, and how the host shows text (pure). */
#ifndef POD_MESSAGES_H
#define POD_MESSAGES_H

#include <stdbool.h>

/* Whether the host shows PAM_TEXT_INFO at once (sudo, su, login: PAM_TTY
 * names a terminal) rather than only together with a prompt (sshd's
 * keyboard-interactive: PAM_SERVICE sshd or PAM_TTY "ssh"; anything
 * unknown).  Either may be NULL. */
bool pod_host_shows_text(const char *service, const char *tty);

/* The untranslated words (an msgid) the person reads when a login fails
 * with this audit reason; refused: the failure is a refusal or an
 * unusable IdP (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL), which gets general
 * words when the reason has none of its own.  NULL: nothing the person
 * can act on. */
const char *pod_outcome_words(const char *reason, bool refused);

/* The table's own copy of words when they are one of the outcomes'
 * (untranslated), else NULL: text read back from a file is shown only
 * when it is one of them. */
const char *pod_outcome_known(const char *words);

/* "The code expires in N minutes." for secs seconds (rounded up),
 * translated; malloc'd, NULL when memory is short. */
char *pod_expiry_line(long secs);

#endif

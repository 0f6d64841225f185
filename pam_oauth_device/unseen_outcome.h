/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The words of an outcome the person never saw, for their next attempt.
 * sshd shows the module's messages only once its prompt is answered, and
 * forks a new PAM process for every attempt: when the login ended with
 * the prompt still up (the time ran out, Enter never came), what it said
 * is lost with that process.  The next attempt of the same connection
 * shows it before its new code. */
#ifndef POD_UNSEEN_OUTCOME_H
#define POD_UNSEEN_OUTCOME_H

#include <security/pam_modules.h>

/* Seconds the words wait for the next attempt. */
#define POD_UNSEEN_TTL 600

/* Keeps words (one of pod_outcome_words', untranslated) for the next
 * login of this user and service from this host process; a problem is
 * logged, never fatal.  Nothing is kept without a PAM handle. */
void pod_unseen_keep(pam_handle_t *pamh, const char *words);

/* The words an earlier attempt of this user, service and host process
 * kept, taken (used once); the outcome table's own string, or NULL. */
const char *pod_unseen_take(pam_handle_t *pamh);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The person's words for each outcome, and how the host shows text. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "messages.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

bool pod_host_shows_text(const char *service, const char *tty)
{
    /* sshd sets PAM_TTY "ssh" and keeps info text until the next prompt. */
    if (tty == NULL || tty[0] == '\0' || strcmp(tty, "ssh") == 0)
        return false;
    if (service != NULL && strcmp(service, "sshd") == 0)
        return false;
    /* sudo and su set the terminal's path, login(1) also "ttyN" or "pts/N";
     * a display (":0") is a graphical greeter, whose dialogs differ. */
    return strncmp(tty, "/dev/", 5) == 0 || strncmp(tty, "tty", 3) == 0 ||
           strncmp(tty, "pts/", 4) == 0;
}

/* By the audit reason's first word (one per outcome kind, README "How it
 * works"): never the IdP's own text, never which account signed in. */
#define MAX_KINDS 4
static const struct {
    const char *words;
    const char *kinds[MAX_KINDS];
} outcomes[] = {
    { N_("The sign-in was denied at the identity provider."), { "denied:" } },
    { N_("The code expired before the sign-in was approved. Try again for a new code."),
      { "expired:" } },
    { N_("The time for this sign-in ran out. Try again for a new code."), { "timeout:" } },
    { N_("Sign-in cancelled."), { "interrupted:" } },
    { N_("You signed in with an account that is not allowed for this login."),
      { "username_claim:", "user_map", "allowed_domains:", "email_verified:" } },
    { N_("Your account is not in a group this host requires."),
      { "allowed_groups:", "required_groups:" } },
    { N_("This login needs a stronger sign-in (for example multi-factor authentication)."),
      { "required_acr:", "required_amr:" } },
    { N_("The identity provider cannot be reached. Try again later."), { "unreachable:" } },
};

static const char failed[] = N_("The sign-in failed. If it fails again, ask your administrator.");

const char *pod_outcome_words(const char *reason, bool refused)
{
    if (reason == NULL)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
        for (size_t k = 0; k < MAX_KINDS && outcomes[i].kinds[k] != NULL; k++)
            if (strncmp(reason, outcomes[i].kinds[k], strlen(outcomes[i].kinds[k])) == 0)
                return outcomes[i].words;
    /* The IdP's errors, bad answers, a token that fails validation: the
     * person can only retry or tell the administrator, who has the log. */
    if (refused)
        return failed;
    return NULL;
}

const char *pod_outcome_known(const char *words)
{
    if (words == NULL)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
        if (strcmp(words, outcomes[i].words) == 0)
            return outcomes[i].words;
    return strcmp(words, failed) == 0 ? failed : NULL;
}

/* The format comes from the catalogue: msgfmt --check makes sure each
 * translation takes the same arguments (c-format). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
char *pod_expiry_line(long secs)
{
    unsigned long min = secs <= 0 ? 1 : (unsigned long)(secs + 59) / 60;
    const char *fmt = dngettext(POD_TEXT_DOMAIN, "The code expires in %lu minute.",
                                "The code expires in %lu minutes.", min);
    int len = snprintf(NULL, 0, fmt, min);
    char *out;

    if (len < 0 || (out = malloc((size_t)len + 1)) == NULL)
        return NULL;
    snprintf(out, (size_t)len + 1, fmt, min);
    return out;
}
#pragma GCC diagnostic pop

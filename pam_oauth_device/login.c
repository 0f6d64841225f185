/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* One whole login, from discovery to the decision and its audit line. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "asker.h"
#include "cache.h"
#include "clock.h"
#include "decoy.h"
#include "device_flow.h"
#include "discovery.h"
#include "http.h"
#include "i18n.h"
#include "identity.h"
#include "json.h"
#include "jwt.h"
#include "list.h"
#include "log.h"
#include "login.h"
#include "messages.h"
#include "options_rules.h"
#include "prompt.h"
#include "session_groups.h"
#include "signed_in.h"
#include "unseen_outcome.h"

#define KIND_INTERRUPTED "interrupted:" /* device_flow.c's audit reason */
/* What a Ctrl-C returns (README "Return codes"). */
#define POD_RC_CANCELLED PAM_AUTH_ERR

_Static_assert(POD_IDENTITY_OK == PAM_SUCCESS && POD_IDENTITY_DENIED == PAM_AUTH_ERR,
               "pod_identity_check answers with PAM codes");

/* Whether the account is in only_group: 1, 0, or -1 (no such group, or
 * the lookup failed: logged; pam_oauth_device_check reports the same). */
static int in_only_group(pam_handle_t *pamh, const struct passwd *pw, const char *group)
{
    struct group gr;
    char *buf = NULL;
    int found = pod_getgrnam(group, &gr, &buf), in;

    if (found <= 0) {
        if (found == 0)
            pod_log(pamh, LOG_ERR, "only_group %s: no such local group", group);
        else
            pod_log(pamh, LOG_ERR, "only_group %s: cannot look it up: %m", group);
        return -1;
    }
    /* No account (pw NULL) is in no group, but the group must exist as
     * for an account: the same PAM_SERVICE_ERR otherwise. */
    in = pw != NULL ? pod_in_local_group(pw, gr.gr_gid) : 0;
    if (in < 0)
        pod_log(pamh, LOG_ERR, "only_group %s: cannot list the groups of the user", group);
    free(buf);
    return in;
}

/* skip_users, only_users, only_group: whether this login is the module's
 * business at all, from local data only.  PAM_SUCCESS, PAM_IGNORE, or
 * PAM_SERVICE_ERR (only_group names no group). */
static int for_this_user(pam_handle_t *pamh, const struct pod_options *opts,
                         const char *user, const struct passwd *pw)
{
    const char *why = NULL;
    size_t n = strlen(user);

    if (pod_list_has(opts->skip_users, user, n, false)) {
        why = "is in skip_users";
    } else if (!pod_list_empty(opts->only_users) &&
               !pod_list_has(opts->only_users, user, n, false)) {
        why = "is not in only_users";
    } else if (opts->only_group != NULL) {
        int in = in_only_group(pamh, pw, opts->only_group);
        if (in < 0)
            return PAM_SERVICE_ERR;
        if (!in)
            why = "is not in only_group";
    }
    if (why != NULL) {
        char *shown = pod_sanitize(user, 64);
        pod_log(pamh, LOG_INFO, "user %s %s: not for this module (PAM_IGNORE)",
                shown ? shown : "?", why);
        free(shown);
        return PAM_IGNORE;
    }
    return PAM_SUCCESS;
}

/* One line per decision.  Strings from the client and the IdP are made
 * printable so that nobody can forge log lines. */
static void audit(pam_handle_t *pamh, const struct pod_options *opts,
                  const struct pod_request *req, const cJSON *claims,
                  const char *mapped, const char *reason, int rc)
{
    const char *sub = claims ? pod_json_string(claims, "sub") : NULL;
    char *s_sub = pod_sanitize(sub ? sub : "-", 256);
    char *s_rhost = pod_sanitize(req->rhost ? req->rhost : "-", 256);
    char *s_map = pod_sanitize(mapped ? mapped : "-", 256);
    char *s_user = pod_sanitize(req->user, 256);

    pod_log(pamh, rc == PAM_SUCCESS ? LOG_NOTICE : LOG_WARNING,
            "%s: user=%s service=%s rhost=%s issuer=%s sub=%s identity=%s "
            "rule=\"%s\" result=%s",
            rc == PAM_SUCCESS ? "login accepted" : "login refused", s_user ? s_user : "?",
            req->service ? req->service : "-", s_rhost ? s_rhost : "?",
            pod_options_issuer(opts) ? pod_options_issuer(opts) : "-", s_sub ? s_sub : "?",
            s_map ? s_map : "?", reason,
            pam_strerror(pamh, rc));
    free(s_sub);
    free(s_rhost);
    free(s_map);
    free(s_user);
}

/* The instructions for this device code: the prompt text and how long
 * the code is valid (until deadline).  malloc'd, NULL when memory is
 * short. */
static char *instructions(const struct pod_options *opts, const struct pod_request *req,
                          const char *user, const struct pod_device_code *dev,
                          int64_t deadline)
{
    char host[256] = "this host";
    char *text, *expiry, *out = NULL;
    size_t n;

    gethostname(host, sizeof(host) - 1);
    {
        const struct pod_prompt_info pi = {
            .hostname = host,
            .service = req->service ? req->service : "login",
            .rhost = req->rhost,
            .user = user,
            .verification_uri = dev->verification_uri,
            .verification_uri_complete = dev->verification_uri_complete,
            .user_code = dev->user_code,
            .qr_colors = pod_qr_colors(opts->qr_color, req->tty),
        };
        text = pod_prompt_text(&pi, opts->qr);
    }
    expiry = pod_expiry_line((long)((deadline - pod_monotonic_ms()) / 1000));
    if (text != NULL && expiry != NULL) {
        n = strlen(text) + strlen(expiry) + 2;
        if ((out = malloc(n)) != NULL)
            snprintf(out, n, "%s\n%s", text, expiry);
    }
    free(text);
    free(expiry);
    return out;
}

/* What the person reads at the end: one line on approval where the host
 * shows text at once, the outcome's words on a failure they can act on. */
static void tell_outcome(pam_handle_t *pamh, const struct pod_ui *ui, bool at_once, int rc,
                         const char *reason, bool unseen)
{
    const char *words;

    if (rc == PAM_SUCCESS) {
        if (at_once)
            ui->say(ui->ctx, PAM_TEXT_INFO, _("Sign-in approved."));
        return;
    }
    /* No such user, not for this module: nothing to say (sshd asks for
     * invalid users too, and must not tell them apart). */
    if (rc == PAM_USER_UNKNOWN || rc == PAM_IGNORE)
        return;
    words = pod_outcome_words(reason, rc == PAM_AUTH_ERR || rc == PAM_AUTHINFO_UNAVAIL);
    if (words == NULL)
        return;
    ui->say(ui->ctx, PAM_ERROR_MSG, _(words));
    /* sshd drops this with the process when its prompt is still up; a
     * host that shows text at once has shown it. */
    if (unseen && !ui->text_at_once)
        pod_unseen_keep(pamh, words);
}

/* The local account of the PAM user, and whether this login is the
 * module's business at all: from local data only, before any request. */
static int local_account(pam_handle_t *pamh, const struct pod_options *opts,
                         const char *user, struct passwd *pw, char **pwbuf)
{
    int found = pod_getpwnam(user, pw, pwbuf), rc;

    /* sshd runs PAM for invalid users too: never bother the IdP for them. */
    if (found <= 0) {
        char *shown = pod_sanitize(user, 64);
        if (found == 0)
            pod_log(pamh, LOG_NOTICE, "no local user %s: not asking the identity provider",
                    shown ? shown : "?");
        else
            pod_log(pamh, LOG_ERR, "cannot look up the user %s: %m", shown ? shown : "?");
        free(shown);
        /* Hidden, the rules answer as for an account, so that PAM_IGNORE
         * tells nothing either. */
        rc = opts->hide_unknown_users ? for_this_user(pamh, opts, user, NULL) : PAM_SUCCESS;
        return rc != PAM_SUCCESS ? rc : PAM_USER_UNKNOWN;
    }
    /* skip_users, only_users, only_group: PAM_IGNORE before any request. */
    return for_this_user(pamh, opts, pw->pw_name, pw);
}

/* The Enter prompt, after the sign-in's outcome is known: sshd goes on
 * only once it is answered, so the module waits for it until the login's
 * deadline, then ends it (the thread is always joined).  rc, or why the
 * prompt makes the login fail; *unseen when the person never answered,
 * so never read what the login ends with. */
static int finish_prompt(struct pod_asker *asker, int64_t deadline, int rc,
                         const char **reason, bool *unseen)
{
    int asked = PAM_SUCCESS;
    /* Also after a failure: sshd shows the reason only with the answer. */
    bool answered = pod_asker_wait(asker, deadline, &asked);

    pod_asker_end(asker);
    *unseen = !answered && !pod_interrupt_pending();
    if (rc != PAM_SUCCESS)
        return rc;
    if (!answered) {
        *reason = pod_interrupt_pending() ? KIND_INTERRUPTED " a signal came before the answer"
                  : "timeout: approved, but the prompt was not answered in time";
        return PAM_AUTH_ERR;
    }
    if (asked != PAM_SUCCESS)
        *reason = "the conversation failed";
    return asked;
}

/* A conversation that fails at once (no client, PAM_CONV_AGAIN) ends the
 * login before the first poll, which is due at first_poll anyway.  A PAM
 * code: PAM_SUCCESS while the prompt is up or answered. */
static int prompt_failed(struct pod_asker *asker, int64_t first_poll)
{
    int asked = PAM_SUCCESS;

    if (pod_asker_wait(asker, first_poll, &asked) && asked != PAM_SUCCESS)
        return asked;
    return PAM_SUCCESS;
}

/* A Ctrl-C: sudo and login report PAM_AUTH_ERR as a failed attempt, not
 * as the "Critical error - immediate abort" of PAM_ABORT. */
static int cancelled(int rc, const char *reason)
{
    return strncmp(reason, KIND_INTERRUPTED, strlen(KIND_INTERRUPTED)) == 0 ? POD_RC_CANCELLED
                                                                            : rc;
}

/* The first round trips: discovery (or the cache) and the device code,
 * on the login's one HTTP handle (*http, freed by the caller). */
static int get_code(pam_handle_t *pamh, const struct pod_options *opts, int64_t deadline,
                    struct pod_http **http, struct pod_endpoints *ep,
                    struct pod_device_code *dev, const char **reason)
{
    int rc;

    *http = pod_http_new(pamh, opts);
    if (*http == NULL)
        return PAM_AUTHINFO_UNAVAIL;
    pod_http_set_deadline(*http, deadline);
    rc = pod_endpoints_get(pamh, *http, opts, ep);
    if (rc != PAM_SUCCESS)
        return pod_http_step_failed(*http, rc, "discovery: the endpoints could not be found",
                                    false, reason);
    rc = pod_device_request(pamh, *http, opts, ep, dev);
    if (rc != PAM_SUCCESS)
        return pod_http_step_failed(*http, rc, "device: the device authorization failed", false,
                                    reason);
    pod_cache_put_verification_uri(ep->cache, dev->verification_uri);
    return PAM_SUCCESS;
}

/* The instructions shown.  Polling starts as soon as they are: where the
 * host shows text at once, nothing is asked; otherwise (sshd) the Enter
 * prompt is up in a second thread (*asker) meanwhile. */
static int show_code(pam_handle_t *pamh, const struct pod_ui *ui, bool at_once, const char *info,
                     const struct pod_device_code *dev, struct pod_asker *asker,
                     const char **reason)
{
    const char *unseen = pod_unseen_take(pamh);
    int rc = PAM_SUCCESS;

    /* What the last attempt of this connection ended with, first: sshd
     * shows it with the new prompt. */
    if (unseen != NULL)
        rc = ui->say(ui->ctx, PAM_ERROR_MSG, _(unseen));
    if (rc == PAM_SUCCESS)
        rc = at_once ? ui->say(ui->ctx, PAM_TEXT_INFO, info)
                     : pod_asker_start(asker, ui->ask, ui->ctx, info, _(POD_PROMPT_ENTER));

    if (rc != PAM_SUCCESS)
        pod_log(pamh, LOG_ERR, "conversation failed: %s", pam_strerror(pamh, rc));
    else if (!at_once)
        rc = prompt_failed(asker, dev->issued_ms + dev->interval * 1000);
    if (rc != PAM_SUCCESS)
        *reason = "the conversation failed";
    return rc;
}

/* hide_unknown_users: the instructions of a real login with a code never
 * issued (decoy.c), shown the same way, the same wait and the same words
 * at its end, then PAM_USER_UNKNOWN; the identity provider is never
 * asked. */
static int unknown_user(pam_handle_t *pamh, const struct pod_options *opts,
                        const struct pod_request *req, const struct pod_ui *ui, bool at_once)
{
    const char *reason = "unknown_user: no local account; instructions shown, the "
                         "identity provider not asked";
    int64_t deadline = pod_monotonic_ms() + (int64_t)opts->timeout * 1000;
    struct pod_cache *cache = pod_cache_open(pamh, opts);
    struct pod_asker asker = { 0 };
    struct pod_device_code dev;
    char *info = NULL;
    bool unseen = false;
    int rc = pod_decoy_code(pamh, opts, pod_cache_verification_uri(cache), &dev);

    pod_cache_free(cache);
    if (rc == PAM_SUCCESS) {
        rc = PAM_BUF_ERR;
        if ((info = instructions(opts, req, req->user, &dev, deadline)) != NULL)
            rc = show_code(pamh, ui, at_once, info, &dev, &asker, &reason);
    }
    if (rc == PAM_SUCCESS)
        rc = pod_decoy_wait(pamh, deadline);
    if (asker.started)
        rc = finish_prompt(&asker, deadline, rc, &reason, &unseen);
    if (rc == PAM_ABORT)
        reason = KIND_INTERRUPTED " a signal came while the unknown user waited";
    rc = cancelled(rc, reason);
    audit(pamh, opts, req, NULL, NULL, reason, rc);
    /* The words a real login's timeout ends with, as it ends the same way. */
    tell_outcome(pamh, ui, at_once, rc == PAM_USER_UNKNOWN ? PAM_AUTH_ERR : rc,
                 rc == PAM_USER_UNKNOWN ? "timeout: no approval" : reason, unseen);
    free(info);
    pod_device_code_free(&dev);
    return rc;
}

/* What comes before any lookup: the translations bound, the scope
 * checked, and a Ctrl-C at an earlier attempt (sudo asks again) ending the
 * login without a new code. */
static int before_login(pam_handle_t *pamh, const struct pod_options *opts,
                        const struct pod_request *req, const struct pod_ui *ui, bool at_once)
{
    const char *reason = KIND_INTERRUPTED " a signal was pending before the login";

    /* The catalogues are in $(localedir), fixed at build time, never taken
     * from the environment (the caller's must not steer what the person
     * reads); binding only the module's own domain leaves the host's
     * translations alone.  Before the first _(). */
    bindtextdomain(POD_TEXT_DOMAIN, POD_LOCALEDIR);
    if (opts->issuer != NULL && !pod_scope_has_openid(opts->scope)) {
        pod_log(pamh, LOG_ERR, "scope must contain openid");
        return PAM_SERVICE_ERR;
    }
    if (!pod_interrupt_pending())
        return PAM_SUCCESS;
    audit(pamh, opts, req, NULL, NULL, reason, POD_RC_CANCELLED);
    tell_outcome(pamh, ui, at_once, POD_RC_CANCELLED, reason, false);
    return POD_RC_CANCELLED;
}

int pod_login(pam_handle_t *pamh, const struct pod_options *opts,
              const struct pod_request *req, const struct pod_ui *ui)
{
    struct pod_http *http = NULL;
    struct pod_endpoints ep = { 0 };
    struct pod_device_code dev = { 0 };
    struct pod_tokens tokens = { 0 };
    struct pod_jwt jwt = { 0 };
    struct pod_asker asker = { 0 };
    const cJSON *verified = NULL;
    struct pod_identity_result idres;
    cJSON *merged = NULL;
    const char *reason = "the sign-in did not complete", *mapped = NULL;
    const bool at_once = opts->prompt == POD_ASK_NONE ||
                         (opts->prompt == POD_ASK_AUTO && ui->text_at_once);
    struct passwd pw;
    char *pwbuf = NULL, *info = NULL;
    int64_t login_deadline, deadline;
    bool unseen = false;
    int rc = PAM_SERVICE_ERR;

    rc = before_login(pamh, opts, req, ui, at_once);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = local_account(pamh, opts, req->user, &pw, &pwbuf);
    if (rc != PAM_SUCCESS) {
        free(pwbuf);
        return rc == PAM_USER_UNKNOWN && opts->hide_unknown_users ?
               unknown_user(pamh, opts, req, ui, at_once) : rc;
    }
    login_deadline = deadline = pod_monotonic_ms() + (int64_t)opts->timeout * 1000;
    rc = get_code(pamh, opts, deadline, &http, &ep, &dev, &reason);
    if (rc != PAM_SUCCESS)
        goto out;
    if (dev.issued_ms + (int64_t)dev.expires_in * 1000 < deadline)
        deadline = dev.issued_ms + (int64_t)dev.expires_in * 1000;
    rc = PAM_BUF_ERR;
    if ((info = instructions(opts, req, pw.pw_name, &dev, deadline)) == NULL)
        goto out;
    rc = show_code(pamh, ui, at_once, info, &dev, &asker, &reason);
    if (rc != PAM_SUCCESS)
        goto out;
    rc = pod_device_poll(pamh, http, opts, &ep, &dev, deadline, &tokens);
    if (rc != PAM_SUCCESS) {
        rc = pod_http_step_failed(http, rc, "the sign-in did not complete", false, &reason);
        goto out;
    }
    rc = pod_signed_in(pamh, http, opts, &ep, &tokens, &jwt, &merged, &verified, &reason);
    if (rc != PAM_SUCCESS)
        goto out;
    /* The account's own name, not what the caller typed: a case-insensitive
     * NSS source would otherwise let ALICE in as alice. */
    rc = pod_identity_check(merged ? merged : jwt.claims, pw.pw_name, opts, &idres);
    reason = idres.reason;
    mapped = idres.mapped[0] != '\0' ? idres.mapped : NULL;
    if (rc == PAM_SUCCESS)
        pod_session_groups_stage(pamh, opts, req->user, merged ? merged : jwt.claims);
out:
    if (asker.started)
        rc = finish_prompt(&asker, login_deadline, rc, &reason, &unseen);
    rc = cancelled(rc, reason);
    /* Only a verified token (or the user API's answer) may name a subject
     * in the audit trail. */
    audit(pamh, opts, req, verified, mapped, reason, rc);
    tell_outcome(pamh, ui, at_once, rc, reason, unseen);
    free(info);
    cJSON_Delete(merged);
    pod_jwt_free(&jwt);
    pod_tokens_free(&tokens);
    pod_device_code_free(&dev);
    pod_endpoints_free(&ep);
    pod_http_free(http);
    free(pwbuf);
    return rc;
}

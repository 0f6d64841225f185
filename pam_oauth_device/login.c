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
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "asker.h"
#include "claims.h"
#include "clock.h"
#include "decoy.h"
#include "device_flow.h"
#include "cache.h"
#include "discovery.h"
#include "http.h"
#include "i18n.h"
#include "identity.h"
#include "json.h"
#include "jwks.h"
#include "jwt.h"
#include "list.h"
#include "log.h"
#include "login.h"
#include "messages.h"
#include "options_rules.h"
#include "prompt.h"
#include "session_groups.h"

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

/* userinfo = always, or fallback with a claim the rules need missing from
 * the ID token: fetch userinfo with the access token and merge it in
 * (*merged; left NULL when it is not used).  A PAM code; *reason says
 * what went wrong. */
static int add_userinfo(pam_handle_t *pamh, struct pod_http *http,
                        const struct pod_options *opts, const struct pod_endpoints *ep,
                        const struct pod_tokens *tokens, const cJSON *claims,
                        cJSON **merged, const char **reason)
{
    struct pod_http_resp resp = { 0 };
    const char *missing = NULL, *err = NULL;
    cJSON *doc = NULL;
    int rc;

    *merged = NULL;
    if (opts->userinfo == POD_USERINFO_NEVER)
        return PAM_SUCCESS;
    if (opts->userinfo == POD_USERINFO_FALLBACK &&
        (missing = pod_identity_missing_claim(claims, opts)) == NULL)
        return PAM_SUCCESS;
    if (ep->userinfo_endpoint == NULL) {
        if (opts->userinfo == POD_USERINFO_FALLBACK) {
            if (opts->debug)
                pod_log(pamh, LOG_DEBUG, "claim %s is not in the ID token and the IdP "
                        "has no userinfo endpoint", missing);
            return PAM_SUCCESS;
        }
        pod_log(pamh, LOG_ERR, "userinfo = always, but discovery names no userinfo_endpoint");
        *reason = "userinfo: the IdP has no userinfo endpoint";
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (opts->debug)
        pod_log(pamh, LOG_DEBUG, "fetching userinfo%s%s", missing ? ": the ID token lacks " : "",
                missing ? missing : "");
    *reason = "userinfo: the userinfo endpoint failed";
    rc = pod_http_get(http, ep->userinfo_endpoint, tokens->access_token, &resp);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "userinfo %s answered HTTP %ld", ep->userinfo_endpoint,
                resp.status);
    } else if ((doc = pod_json_parse_object(resp.body.data, resp.body.len, &err)) == NULL) {
        pod_log(pamh, LOG_ERR, "userinfo answer rejected: %s", err);
    } else if (pod_claims_merge(claims, doc, merged, &err) != 0) {
        pod_log(pamh, LOG_ERR, "userinfo answer rejected: %s", err);
        *reason = "userinfo: userinfo sub differs from the ID token";
        rc = PAM_AUTH_ERR;
        if (strcmp(err, "out of memory") == 0) {
            *reason = "userinfo: out of memory";
            rc = PAM_BUF_ERR;
        }
    } else {
        rc = PAM_SUCCESS;
    }
    cJSON_Delete(doc);
    pod_http_resp_wipe(&resp);
    return rc;
}

/* A provider without OpenID Connect (GitHub): the claims are the answer of
 * user_api to the access token (a JSON object: login, id, ...), with
 * "sub" set to its id when it has no sub of its own (for the audit line
 * and ISSUER|SUB pins).  A PAM code; *out (cJSON_Delete it). */
static int fetch_user_api(pam_handle_t *pamh, struct pod_http *http,
                          const struct pod_options *opts, const struct pod_tokens *tokens,
                          cJSON **out)
{
    struct pod_http_resp resp = { 0 };
    const char *err = NULL, *id;
    char num[POD_CLAIM_NUM_MAX];
    cJSON *doc = NULL;
    int rc;

    *out = NULL;
    if (opts->debug)
        pod_log(pamh, LOG_DEBUG, "fetching the user API %s", opts->user_api);
    /* Bearer, Accept: application/json and a User-Agent (GitHub refuses
     * API calls without one): http.c sends them. */
    rc = pod_http_get(http, opts->user_api, tokens->access_token, &resp);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = PAM_AUTHINFO_UNAVAIL;
    if (resp.status != 200) {
        pod_log(pamh, LOG_ERR, "user_api %s answered HTTP %ld", opts->user_api, resp.status);
    } else if ((doc = pod_json_parse_object(resp.body.data, resp.body.len, &err)) == NULL) {
        pod_log(pamh, LOG_ERR, "user_api answer rejected: %s", err);
    } else if (pod_json_get(doc, "sub") == NULL &&
               (id = pod_claim_text(pod_json_get(doc, "id"), num)) != NULL &&
               cJSON_AddStringToObject(doc, "sub", id) == NULL) {
        rc = PAM_BUF_ERR;
    } else {
        *out = doc;
        doc = NULL;
        rc = PAM_SUCCESS;
    }
    cJSON_Delete(doc);
    pod_http_resp_wipe(&resp);
    return rc;
}

/* Verify the ID token: signature against the issuer's JWKS (refetched
 * once, within the cache's limit, when the kid is unknown or a cached key
 * fails: keys rotate), then the claims. */
static int verify_id_token(pam_handle_t *pamh, struct pod_http *http,
                           const struct pod_options *opts,
                           const struct pod_endpoints *ep, const char *id_token,
                           struct pod_jwt *jwt)
{
    struct pod_jwks *jwks = NULL;
    struct pod_jwt_expect expect = {
        .issuer = opts->issuer,
        .client_id = opts->client_id,
        .now = (int64_t)time(NULL),
        .leeway = opts->leeway,
    };
    const char *err = NULL;
    enum pod_jwt_sig sig;
    bool cached;
    int rc = PAM_AUTH_ERR;

    if (pod_jwt_parse(id_token, jwt, &err) != 0) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    rc = pod_jwks_fetch(pamh, http, ep->cache, ep->jwks_uri, false, &jwks, &cached);
    if (rc != PAM_SUCCESS)
        goto out;
    sig = pod_jwt_verify(jwt, jwks, &err);
    /* An unknown kid, or a cached key that fails: the keys may have
     * rotated.  One refetch, and few across logins: forged kids must not
     * turn every connection into a JWKS request. */
    if ((sig == POD_JWT_SIG_NO_KEY || (cached && sig != POD_JWT_SIG_OK)) &&
        pod_cache_may_refetch(ep->cache, expect.now)) {
        rc = pod_jwks_fetch(pamh, http, ep->cache, ep->jwks_uri, true, &jwks, &cached);
        if (rc != PAM_SUCCESS)
            goto out;
        sig = pod_jwt_verify(jwt, jwks, &err);
    }
    rc = PAM_AUTH_ERR;
    if (sig != POD_JWT_SIG_OK) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    if (pod_jwt_check_claims(jwt, &expect, &err) != 0) {
        pod_log(pamh, LOG_ERR, "ID token rejected: %s", err);
        goto out;
    }
    rc = PAM_SUCCESS;
out:
    pod_jwks_free(jwks);
    return rc;
}

/* Debug only: the verified claims, printable and bounded (they are no
 * secret, but personal data). */
static void log_claims(pam_handle_t *pamh, const char *what, const cJSON *claims)
{
    char *text = cJSON_PrintUnformatted(claims);
    char *clean = text ? pod_sanitize(text, 900) : NULL;

    pod_log(pamh, LOG_DEBUG, "%s: %s", what, clean ? clean : "?");
    free(clean);
    free(text);
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

/* A step failed with rc: the audit words (*reason) and the PAM code.  The
 * deadline passing before a request is the person's timeout, PAM_AUTH_ERR
 * (an authinfo_unavail=ignore stack must not fall through), never an
 * outage.  Otherwise what the transport or the protocol recorded
 * (unreachable, denied, expired, issuer, ...) comes first, or the step's
 * own words (own_first: the userinfo step names itself). */
static int step_failed(struct pod_http *http, int rc, const char *own, bool own_first,
                       const char **reason)
{
    const char *why = http != NULL ? pod_http_reason(http) : NULL;

    if (why == pod_reason_late) {
        *reason = why;
        return rc == PAM_AUTHINFO_UNAVAIL ? PAM_AUTH_ERR : rc;
    }
    *reason = own_first || why == NULL ? own : why;
    return rc;
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
static void tell_outcome(const struct pod_ui *ui, bool at_once, int rc, const char *reason)
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
    if (words != NULL)
        ui->say(ui->ctx, PAM_ERROR_MSG, _(words));
}

/* Who signed in: without an issuer the user API's answer (*merged); else
 * the verified ID token's claims (in *jwt), with userinfo in *merged when
 * it is used.  *verified: the claims that may name a subject in the audit
 * line; *reason: what failed. */
static int signed_in_claims(pam_handle_t *pamh, struct pod_http *http,
                            const struct pod_options *opts, const struct pod_endpoints *ep,
                            const struct pod_tokens *tokens, struct pod_jwt *jwt,
                            cJSON **merged, const cJSON **verified, const char **reason)
{
    int rc;

    if (opts->issuer == NULL) {
        /* No OpenID Connect, no ID token: the user API says who it is. */
        rc = fetch_user_api(pamh, http, opts, tokens, merged);
        if (rc != PAM_SUCCESS)
            return step_failed(http, rc, "user_api: the user API failed", true, reason);
        *verified = *merged;
        if (opts->debug)
            log_claims(pamh, "user API claims", *merged);
        return PAM_SUCCESS;
    }
    *reason = "the ID token failed validation";
    if (tokens->id_token == NULL) {
        pod_log(pamh, LOG_ERR, "the token answer has no id_token");
        return PAM_AUTH_ERR;
    }
    rc = verify_id_token(pamh, http, opts, ep, tokens->id_token, jwt);
    if (rc != PAM_SUCCESS)
        return step_failed(http, rc, *reason, false, reason);
    *verified = jwt->claims;
    if (opts->debug)
        log_claims(pamh, "ID token claims", jwt->claims);
    rc = add_userinfo(pamh, http, opts, ep, tokens, jwt->claims, merged, reason);
    if (rc != PAM_SUCCESS)
        return step_failed(http, rc, *reason, true, reason);
    if (opts->debug && *merged != NULL)
        log_claims(pamh, "claims with userinfo", *merged);
    return PAM_SUCCESS;
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
 * prompt makes the login fail. */
static int finish_prompt(struct pod_asker *asker, int64_t deadline, int rc,
                         const char **reason)
{
    int asked = PAM_SUCCESS;
    /* Also after a failure: sshd shows the reason only with the answer. */
    bool answered = pod_asker_wait(asker, deadline, &asked);

    pod_asker_end(asker);
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
    int rc = pod_decoy_code(pamh, opts, pod_cache_verification_uri(cache), &dev);

    pod_cache_free(cache);
    if (rc == PAM_SUCCESS) {
        rc = PAM_BUF_ERR;
        if ((info = instructions(opts, req, req->user, &dev, deadline)) != NULL)
            rc = at_once ? ui->say(ui->ctx, PAM_TEXT_INFO, info)
                         : pod_asker_start(&asker, ui->ask, ui->ctx, info, _(POD_PROMPT_ENTER));
    }
    if (rc == PAM_SUCCESS)
        rc = pod_decoy_wait(pamh, deadline);
    if (asker.started)
        rc = finish_prompt(&asker, deadline, rc, &reason);
    if (rc == PAM_ABORT)
        reason = KIND_INTERRUPTED " a signal came while the unknown user waited";
    rc = cancelled(rc, reason);
    audit(pamh, opts, req, NULL, NULL, reason, rc);
    /* The words a real login's timeout ends with, as it ends the same way. */
    tell_outcome(ui, at_once, rc == PAM_USER_UNKNOWN ? PAM_AUTH_ERR : rc,
                 rc == PAM_USER_UNKNOWN ? "timeout: no approval" : reason);
    free(info);
    pod_device_code_free(&dev);
    return rc;
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
    int rc = PAM_SERVICE_ERR;

    /* The catalogues are in $(localedir), fixed at build time, never taken
     * from the environment (the caller's must not steer what the person
     * reads); binding only the module's own domain leaves the host's
     * translations alone.  Before the first _(). */
    bindtextdomain(POD_TEXT_DOMAIN, POD_LOCALEDIR);
    if (opts->issuer != NULL && !pod_scope_has_openid(opts->scope)) {
        pod_log(pamh, LOG_ERR, "scope must contain openid");
        return PAM_SERVICE_ERR;
    }
    if (pod_interrupt_pending()) {
        /* Ctrl-C at an earlier attempt (sudo asks again): no new code. */
        reason = KIND_INTERRUPTED " a signal was pending before the login";
        rc = POD_RC_CANCELLED;
        audit(pamh, opts, req, NULL, NULL, reason, rc);
        tell_outcome(ui, at_once, rc, reason);
        return rc;
    }
    rc = local_account(pamh, opts, req->user, &pw, &pwbuf);
    if (rc != PAM_SUCCESS) {
        free(pwbuf);
        return rc == PAM_USER_UNKNOWN && opts->hide_unknown_users ?
               unknown_user(pamh, opts, req, ui, at_once) : rc;
    }
    login_deadline = deadline = pod_monotonic_ms() + (int64_t)opts->timeout * 1000;
    http = pod_http_new(pamh, opts);
    if (http == NULL) {
        rc = PAM_AUTHINFO_UNAVAIL;
        goto out;
    }
    pod_http_set_deadline(http, deadline);
    rc = pod_endpoints_get(pamh, http, opts, &ep);
    if (rc != PAM_SUCCESS) {
        rc = step_failed(http, rc, "discovery: the endpoints could not be found", false,
                         &reason);
        goto out;
    }
    rc = pod_device_request(pamh, http, opts, &ep, &dev);
    if (rc != PAM_SUCCESS) {
        rc = step_failed(http, rc, "device: the device authorization failed", false, &reason);
        goto out;
    }
    pod_cache_put_verification_uri(ep.cache, dev.verification_uri);
    if (dev.issued_ms + (int64_t)dev.expires_in * 1000 < deadline)
        deadline = dev.issued_ms + (int64_t)dev.expires_in * 1000;
    rc = PAM_BUF_ERR;
    if ((info = instructions(opts, req, pw.pw_name, &dev, deadline)) == NULL)
        goto out;
    /* Polling starts as soon as the code is shown: where the host shows
     * text at once, nothing is asked; otherwise (sshd) the Enter prompt is
     * up in a second thread meanwhile. */
    rc = at_once ? ui->say(ui->ctx, PAM_TEXT_INFO, info)
                 : pod_asker_start(&asker, ui->ask, ui->ctx, info, _(POD_PROMPT_ENTER));
    if (rc != PAM_SUCCESS) {
        pod_log(pamh, LOG_ERR, "conversation failed: %s", pam_strerror(pamh, rc));
        reason = "the conversation failed";
        goto out;
    }
    rc = at_once ? PAM_SUCCESS : prompt_failed(&asker, dev.issued_ms + dev.interval * 1000);
    if (rc != PAM_SUCCESS) {
        reason = "the conversation failed";
        goto out;
    }
    rc = pod_device_poll(pamh, http, opts, &ep, &dev, deadline, &tokens);
    if (rc != PAM_SUCCESS) {
        rc = step_failed(http, rc, "the sign-in did not complete", false, &reason);
        goto out;
    }
    rc = signed_in_claims(pamh, http, opts, &ep, &tokens, &jwt, &merged, &verified, &reason);
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
        rc = finish_prompt(&asker, login_deadline, rc, &reason);
    rc = cancelled(rc, reason);
    /* Only a verified token (or the user API's answer) may name a subject
     * in the audit trail. */
    audit(pamh, opts, req, verified, mapped, reason, rc);
    tell_outcome(ui, at_once, rc, reason);
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

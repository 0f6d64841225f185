/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check: messages, PAM code names and loading the options, for every mode. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

#include "check.h"
#include "log.h"
#include "options.h"
#include "prompt.h"

const char *prog = PROG;

/* ---- messages ---- */

unsigned n_errors; /* messages at LOG_ERR or worse */

static const char *prio_name(int prio)
{
    static const char *const names[] = { "emerg", "alert", "crit", "err",
                                         "warning", "notice", "info", "debug" };
    return prio >= 0 && prio <= LOG_DEBUG ? names[prio] : "?";
}

/* Bytes that would steer the terminal become '?' (a fallback for when
 * pod_sanitize cannot allocate; it also drops C1 controls). */
void put_printable(FILE *f, const char *s, bool keep_newlines)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && !(keep_newlines && (c == '\n' || c == '\t'))) || c == 0x7f)
            c = '?';
        fputc(c, f);
    }
}

/* Every library message (pamh is NULL here), with its priority. */
void log_sink(int prio, const char *msg)
{
    char *clean = pod_sanitize(msg, 4096);

    if (prio <= LOG_ERR)
        n_errors++;
    fflush(stdout);
    fprintf(stderr, "%s: ", prio_name(prio));
    put_printable(stderr, clean != NULL ? clean : msg, false);
    fputc('\n', stderr);
    fflush(stderr);
    free(clean);
}

/* The tool's own diagnostics, in the same form. */
void say(int prio, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_sink(prio, msg);
}

/* A value from the IdP, made printable and bounded for one output line. */
void put_value(const char *s)
{
    char *clean;

    if (s == NULL) {
        fputs("-", stdout);
        return;
    }
    clean = pod_sanitize(s, 256);
    put_printable(stdout, clean != NULL ? clean : "?", false);
    free(clean);
}

/* ---- PAM codes ---- */

const char *pam_code_name(int rc)
{
#define C(x) { x, #x }
    static const struct {
        int code;
        const char *name;
    } codes[] = {
        C(PAM_SUCCESS), C(PAM_OPEN_ERR), C(PAM_SYMBOL_ERR), C(PAM_SERVICE_ERR),
        C(PAM_SYSTEM_ERR), C(PAM_BUF_ERR), C(PAM_PERM_DENIED), C(PAM_AUTH_ERR),
        C(PAM_CRED_INSUFFICIENT), C(PAM_AUTHINFO_UNAVAIL), C(PAM_USER_UNKNOWN),
        C(PAM_MAXTRIES), C(PAM_NEW_AUTHTOK_REQD), C(PAM_ACCT_EXPIRED),
        C(PAM_SESSION_ERR), C(PAM_CRED_UNAVAIL), C(PAM_CRED_EXPIRED), C(PAM_CRED_ERR),
        C(PAM_NO_MODULE_DATA), C(PAM_CONV_ERR), C(PAM_AUTHTOK_ERR),
        C(PAM_AUTHTOK_RECOVERY_ERR), C(PAM_AUTHTOK_LOCK_BUSY),
        C(PAM_AUTHTOK_DISABLE_AGING), C(PAM_TRY_AGAIN), C(PAM_IGNORE), C(PAM_ABORT),
        C(PAM_AUTHTOK_EXPIRED), C(PAM_MODULE_UNKNOWN), C(PAM_BAD_ITEM),
        C(PAM_CONV_AGAIN), C(PAM_INCOMPLETE),
    };
#undef C
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == rc)
            return codes[i].name;
    return "PAM_?";
}

void print_result(int rc)
{
    printf("result: %s (%s)\n", pam_code_name(rc), pam_strerror(NULL, rc));
}

/* Loads the options as pam_sm_authenticate does: config= (when given)
 * comes first, as on the PAM line, then the extra module arguments. */
int load_options(const char *config, int nargs, char **args,
                        struct pod_options *opts)
{
    const char *argv[MAX_MODULE_ARGS + 1];
    char *config_arg = NULL;
    int argc = 0, rc;

    if (config != NULL) {
        size_t n = strlen(config) + sizeof("config=");
        config_arg = malloc(n);
        if (config_arg == NULL) {
            say(LOG_ERR, "out of memory");
            return PAM_BUF_ERR;
        }
        snprintf(config_arg, n, "config=%s", config);
        argv[argc++] = config_arg;
    }
    for (int i = 0; i < nargs; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    rc = pod_options_load(NULL, argc, argv, opts);
    free(config_arg);
    return rc;
}

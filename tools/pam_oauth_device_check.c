/* pam_oauth_device_check: the administrator's view of what the module does.
 *
 *   --config FILE   load the configuration exactly as the module does and
 *                   print every effective setting and every error
 *   --discover      fetch and check the discovery document and the JWKS
 *   --login USER    run a whole login in the terminal, with debug on
 *
 * It links the same library as the module (libpod), so every check, every
 * request and every message is the module's own.  It runs as root to read
 * the configuration: it never prints the client secret or a token, and no
 * path comes from the environment. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>
#include <security/pam_appl.h>

#include "clock.h"
#include "discovery.h"
#include "http.h"
#include "identity.h"
#include "json.h"
#include "jwks.h"
#include "jwt.h"
#include "log.h"
#include "login.h"
#include "options.h"
#include "prompt.h"

#define PROG "pam_oauth_device_check"
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define MAX_MODULE_ARGS 64

static const char *prog = PROG;

/* ---- messages ---- */

static unsigned n_errors; /* messages at LOG_ERR or worse */

static const char *prio_name(int prio)
{
    static const char *const names[] = { "emerg", "alert", "crit", "err",
                                         "warning", "notice", "info", "debug" };
    return prio >= 0 && prio <= LOG_DEBUG ? names[prio] : "?";
}

/* Bytes that would steer the terminal become '?' (a fallback for when
 * pod_sanitize cannot allocate; it also drops C1 controls). */
static void put_printable(FILE *f, const char *s, bool keep_newlines)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && !(keep_newlines && (c == '\n' || c == '\t'))) || c == 0x7f)
            c = '?';
        fputc(c, f);
    }
}

/* Every library message (pamh is NULL here), with its priority. */
static void log_sink(int prio, const char *msg)
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
static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int prio, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_sink(prio, msg);
}

/* A value from the IdP, made printable and bounded for one output line. */
static void put_value(const char *s)
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

static const char *pam_code_name(int rc)
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

static void print_result(int rc)
{
    printf("result: %s (%s)\n", pam_code_name(rc), pam_strerror(NULL, rc));
}

/* ---- configuration ---- */

/* A proxy URL may carry a password ("https://user:pw@proxy"): hide it. */
static void put_url_without_password(const char *url)
{
    const char *host = strstr(url, "://");
    const char *at, *colon;

    host = host != NULL ? host + 3 : url;
    at = strchr(host, '@');
    colon = at != NULL ? memchr(host, ':', (size_t)(at - host)) : NULL;
    if (colon == NULL) {
        put_printable(stdout, url, false);
        return;
    }
    fwrite(url, 1, (size_t)(colon - url), stdout);
    fputs(":(hidden)", stdout);
    put_printable(stdout, at, false);
}

static void print_settings(const struct pod_options *opts)
{
    char value[4096];
    const char *name;

    fputs("config = ", stdout);
    put_printable(stdout, opts->config != NULL ? opts->config : "(none)", false);
    fputc('\n', stdout);
    for (size_t i = 0; (name = pod_option_key(i, NULL)) != NULL; i++) {
        pod_option_format(opts, i, value, sizeof(value));
        printf("%s = ", name);
        if (strcmp(name, "proxy") == 0)
            put_url_without_password(value);
        else
            put_printable(stdout, value, false);
        fputc('\n', stdout);
    }
}

/* Mistakes the module only finds at login time, when it is too late:
 * reported here as the errors the module would log then. */
static void check_at_login_time(const struct pod_options *opts)
{
    if (opts->only_group != NULL) {
        /* The module's own lookup, with its growing buffer. */
        struct group gr;
        char *buf = NULL;
        int found = pod_getgrnam(opts->only_group, &gr, &buf);

        if (found <= 0)
            say(LOG_ERR, "only_group %s: %s (every login the module is for would fail "
                "with PAM_SERVICE_ERR)", opts->only_group,
                found == 0 ? "no such local group" : "cannot look it up");
        free(buf);
    }
    if (opts->ca_file != NULL) {
        X509_STORE *store = X509_STORE_new();
        int loaded = store != NULL && X509_STORE_load_file(store, opts->ca_file) == 1;

        X509_STORE_free(store);
        ERR_clear_error();
        if (!loaded)
            say(LOG_ERR, "ca_file %s: no PEM certificate could be read from it (every "
                "request would fail)", opts->ca_file);
    }
}

/* Loads the options as pam_sm_authenticate does: config= (when given)
 * comes first, as on the PAM line, then the extra module arguments. */
static int load_options(const char *config, int nargs, char **args,
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

static int mode_config(const char *config, int nargs, char **args)
{
    struct pod_options opts;
    const char *path = config != NULL ? config : POD_DEFAULT_CONFIG;
    int rc = load_options(config, nargs, args, &opts);

    if (rc == PAM_SUCCESS) {
        print_settings(&opts);
        check_at_login_time(&opts);
    } else if (config == NULL && access(path, F_OK) != 0 && errno == ENOENT) {
        say(LOG_NOTICE, "%s does not exist: every setting must then come from the "
            "module arguments", path);
    }
    if (geteuid() != 0)
        say(LOG_NOTICE, "not running as root: the module runs as root, so the file "
            "checks may differ");
    if (rc != PAM_SUCCESS || n_errors > 0) {
        printf("%s: REJECTED: the module would fail with %s\n", path,
               pam_code_name(rc != PAM_SUCCESS ? rc : PAM_SERVICE_ERR));
        pod_options_free(&opts);
        return EXIT_FAIL;
    }
    printf("%s: OK\n", opts.config != NULL ? opts.config : "(no config file)");
    pod_options_free(&opts);
    return EXIT_SUCCESS;
}

/* ---- discovery and JWKS ---- */

/* One line per key: kid, kty, alg, curve or bits, usable or why not. */
static int print_keys(const struct pod_jwks *jwks)
{
    static const char *const kty_names[] = { "other", "RSA", "EC", "OKP" };
    int usable = 0;

    for (size_t i = 0; i < jwks->n; i++) {
        const struct pod_jwk *k = &jwks->keys[i];
        const char *why = k->pkey == NULL ? k->unusable
                          : k->alg != NULL ? pod_jwt_alg_problem(k, k->alg) : NULL;

        printf("key %zu: kid=", i + 1);
        put_value(k->kid);
        fputs(" kty=", stdout);
        put_value(kty_names[k->kty]);
        fputs(" alg=", stdout);
        put_value(k->alg);
        if (k->kty == POD_KTY_RSA) {
            int bits = k->pkey != NULL ? EVP_PKEY_get_bits(k->pkey) : 0;
            if (bits > 0)
                printf(" bits=%d", bits);
            else
                fputs(" bits=?", stdout);
        } else if (k->kty == POD_KTY_EC || k->kty == POD_KTY_OKP) {
            fputs(" crv=", stdout);
            put_value(k->crv);
        }
        if (why == NULL) {
            fputs(" usable\n", stdout);
            usable++;
        } else {
            fputs(" not usable: ", stdout);
            put_value(why);
            fputc('\n', stdout);
        }
    }
    return usable;
}

static int mode_discover(const char *config, int nargs, char **args)
{
    struct pod_options opts;
    struct pod_http *http = NULL;
    struct pod_endpoints ep = { 0 };
    struct pod_jwks *jwks = NULL;
    int rc, usable, status = EXIT_FAIL;

    rc = load_options(config, nargs, args, &opts);
    if (rc != PAM_SUCCESS) {
        printf("configuration: REJECTED (%s)\n", pam_code_name(rc));
        return EXIT_FAIL;
    }
    http = pod_http_new(NULL, &opts);
    if (http == NULL)
        goto out;
    pod_http_set_deadline(http, pod_monotonic_ms() + (int64_t)opts.timeout * 1000);
    /* Discovery's endpoints, or those configured in their place. */
    rc = pod_endpoints_get(NULL, http, &opts, &ep);
    if (rc != PAM_SUCCESS) {
        printf("discovery: FAILED (%s)\n", pam_code_name(rc));
        goto out;
    }
    if (opts.issuer == NULL) {
        /* GitHub and the like: nothing to discover, no keys to check. */
        printf("issuer = (none: no OpenID Connect)\n");
        printf("device_authorization_endpoint = %s\n", ep.device_authorization_endpoint);
        printf("token_endpoint = %s\n", ep.token_endpoint);
        printf("user_api = %s\n", opts.user_api);
        printf("discovery and JWKS: none to check (no issuer)\n");
        status = EXIT_SUCCESS;
        goto out;
    }
    printf("issuer = %s\n", ep.issuer);
    printf("device_authorization_endpoint = %s\n", ep.device_authorization_endpoint);
    printf("token_endpoint = %s\n", ep.token_endpoint);
    printf("jwks_uri = %s\n", ep.jwks_uri);
    printf("userinfo_endpoint = %s\n", ep.userinfo_endpoint ? ep.userinfo_endpoint : "(none)");
    rc = pod_jwks_fetch(NULL, http, ep.jwks_uri, &jwks);
    if (rc != PAM_SUCCESS) {
        printf("JWKS: FAILED (%s)\n", pam_code_name(rc));
        goto out;
    }
    usable = print_keys(jwks);
    if (usable == 0) {
        say(LOG_ERR, "JWKS %s has no key the module can verify ID tokens with", ep.jwks_uri);
        printf("JWKS: FAILED (no usable key)\n");
        goto out;
    }
    printf("discovery and JWKS: OK (%d usable key%s)\n", usable, usable == 1 ? "" : "s");
    status = EXIT_SUCCESS;
out:
    pod_jwks_free(jwks);
    pod_endpoints_free(&ep);
    pod_http_free(http);
    pod_options_free(&opts);
    return status;
}

/* ---- login ---- */

struct show_ctx {
    long timeout; /* seconds to wait for Enter at most */
};

/* Where Enter comes from: stdin when it is a terminal, a pipe, a FIFO or a
 * file; otherwise (closed, /dev/null) the controlling terminal.  -1: no
 * input at all.  *opened says whether the caller closes it. */
static int input_fd(bool *opened)
{
    struct stat st;
    int fd;

    *opened = false;
    if (isatty(STDIN_FILENO))
        return STDIN_FILENO;
    if (fstat(STDIN_FILENO, &st) == 0 && !S_ISCHR(st.st_mode))
        return STDIN_FILENO;
    fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0)
        *opened = true;
    return fd;
}

/* Shows the instructions and waits for Enter, a Ctrl-C (pending, as the
 * signals are blocked during the login) or the timeout. */
static int show_in_terminal(void *vctx, const char *info, const char *prompt)
{
    const struct show_ctx *ctx = vctx;
    int64_t deadline = pod_monotonic_ms() + (int64_t)ctx->timeout * 1000;
    bool opened;
    int fd, rc = PAM_SUCCESS;

    fputc('\n', stdout);
    put_printable(stdout, info, true);
    fputc('\n', stdout);
    put_printable(stdout, prompt, false);
    fflush(stdout);
    fd = input_fd(&opened);
    if (fd < 0) {
        fputs("\n", stdout);
        say(LOG_NOTICE, "no terminal to read Enter from: polling at once");
        return PAM_SUCCESS;
    }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int64_t left = deadline - pod_monotonic_ms();
        char c;
        ssize_t n;

        if (pod_interrupt_pending()) {
            fputs("\n", stdout);
            rc = PAM_ABORT;
            break;
        }
        if (left <= 0) {
            fputs("\n", stdout);
            say(LOG_NOTICE, "no Enter within timeout (%ld s): polling once more", ctx->timeout);
            break;
        }
        if (poll(&p, 1, left < 200 ? (int)left : 200) <= 0)
            continue;
        n = read(fd, &c, 1);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            fputs("\n", stdout);
            say(LOG_NOTICE, "end of input: polling without waiting for Enter");
            break;
        }
        if (c == '\n') {
            if (!isatty(fd)) /* no echo: end the prompt line ourselves */
                fputs("\n", stdout);
            break;
        }
    }
    if (opened)
        close(fd);
    fflush(stdout);
    return rc;
}

static int mode_login(const char *config, int nargs, char **args, const char *user,
                      const char *service, const char *rhost)
{
    struct pod_options opts;
    struct pod_request req = { .user = user, .service = service, .rhost = rhost };
    struct show_ctx ctx;
    sigset_t stop, old;
    int rc;

    rc = load_options(config, nargs, args, &opts);
    if (rc != PAM_SUCCESS) {
        printf("configuration: REJECTED\n");
        print_result(rc);
        return EXIT_FAIL;
    }
    opts.debug = true;
    ctx.timeout = opts.timeout;
    /* As sudo does: Ctrl-C stays pending, the library notices it and
     * returns PAM_ABORT, and the result is still printed. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGQUIT);
    sigprocmask(SIG_BLOCK, &stop, &old);
    rc = pod_login(NULL, &opts, &req, show_in_terminal, &ctx);
    if (pod_interrupt_pending()) {
        const struct timespec zero = { 0, 0 };
        while (sigtimedwait(&stop, NULL, &zero) > 0)
            ;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    print_result(rc);
    pod_options_free(&opts);
    return rc == PAM_SUCCESS ? EXIT_SUCCESS : EXIT_FAIL;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [--config FILE] [-- KEY=VALUE...]\n"
            "       %s [--config FILE] --discover [-- KEY=VALUE...]\n"
            "       %s [--config FILE] --login USER [--service NAME] [--rhost HOST]\n"
            "                 [-- KEY=VALUE...]\n"
            "\n"
            "Check a pam_oauth_device configuration, the identity provider, or a whole\n"
            "login, with the module's own code.\n"
            "\n"
            "  -c, --config FILE   the configuration file, as config=FILE on the PAM line;\n"
            "                      default: %s\n"
            "                      (which, like for the module, may be absent)\n"
            "  -d, --discover      fetch and check the discovery document and the JWKS\n"
            "  -l, --login USER    sign USER in through the terminal, with debug output\n"
            "      --service NAME  the PAM service shown in the instructions (default %s)\n"
            "      --rhost HOST    the remote host shown in the instructions\n"
            "  -h, --help          show this help\n"
            "  -V, --version       show the version\n"
            "  -- KEY=VALUE...     module arguments, as on the PAM line\n"
            "\n"
            "Without --discover or --login, print every effective setting and every\n"
            "error the module would log.  Exit status: 0 when all is well, 1 when not,\n"
            "2 for a usage error.\n",
            prog, prog, prog, POD_DEFAULT_CONFIG, PROG);
}

static void version(void)
{
    printf("%s (%s) %s\n", PROG, PACKAGE_NAME, PACKAGE_VERSION);
    printf("libcurl %s, %s\n", curl_version_info(CURLVERSION_NOW)->version,
           OpenSSL_version(OPENSSL_VERSION));
    printf("default configuration: %s\n", POD_DEFAULT_CONFIG);
}

int main(int argc, char **argv)
{
    enum { OPT_SERVICE = 256, OPT_RHOST };
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "discover", no_argument, NULL, 'd' },
        { "login", required_argument, NULL, 'l' },
        { "service", required_argument, NULL, OPT_SERVICE },
        { "rhost", required_argument, NULL, OPT_RHOST },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *user = NULL, *service = PROG, *rhost = NULL;
    bool discover = false, for_login_only = false;
    int c, nargs;

    /* It may hold the client secret: no core dump, no ptrace by others. */
    prctl(PR_SET_DUMPABLE, 0);
    /* The module removes these too (with a warning): a root shell's values
     * must not make the tool's TLS differ from the module's.  Silently,
     * before OpenSSL or libcurl initialise. */
    for (size_t i = 0; pod_hostile_env[i] != NULL; i++)
        unsetenv(pod_hostile_env[i]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    pod_log_set_sink(log_sink);
    opterr = 0;
    /* '+': options end at the first other word, which must follow "--". */
    while ((c = getopt_long(argc, argv, "+c:dl:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'd':
            discover = true;
            break;
        case 'l':
            user = optarg;
            break;
        case OPT_SERVICE:
            service = optarg;
            for_login_only = true;
            break;
        case OPT_RHOST:
            rhost = optarg;
            for_login_only = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        case 'V':
            version();
            return EXIT_SUCCESS;
        default:
            if (optopt != 0 && optopt < 256)
                fprintf(stderr, "%s: bad or incomplete option -%c\n", prog, optopt);
            else
                fprintf(stderr, "%s: bad or incomplete option %s\n", prog,
                        argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    nargs = argc - optind;
    if (nargs > 0 && strcmp(argv[optind - 1], "--") != 0) {
        fprintf(stderr, "%s: unexpected argument %s (module arguments go after --)\n",
                prog, argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (nargs > MAX_MODULE_ARGS) {
        fprintf(stderr, "%s: more than %d module arguments\n", prog, MAX_MODULE_ARGS);
        return EXIT_USAGE;
    }
    if (discover && user != NULL) {
        fprintf(stderr, "%s: --discover and --login go one at a time\n", prog);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (for_login_only && user == NULL) {
        fprintf(stderr, "%s: --service and --rhost go with --login\n", prog);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (user != NULL && user[0] == '\0') {
        fprintf(stderr, "%s: --login needs a user name\n", prog);
        return EXIT_USAGE;
    }
    if (discover)
        return mode_discover(config, nargs, argv + optind);
    if (user != NULL)
        return mode_login(config, nargs, argv + optind, user, service, rhost);
    return mode_config(config, nargs, argv + optind);
}

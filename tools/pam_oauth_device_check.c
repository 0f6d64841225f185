/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* pam_oauth_device_check: the administrator's view of what the module does.
 *
 *   --config FILE   load the configuration exactly as the module does and
 *                   print every effective setting and every error
 *   --discover      fetch and check the discovery document and the JWKS,
 *                   and say what the cache holds
 *   --flush-cache   empty the cache
 *   --login USER    run a whole login in the terminal, with debug on
 *
 * It links the same library as the module (libpod), so every check, every
 * request and every message is the module's own.  It runs as root to read
 * the configuration: it never prints the client secret or a token, and no
 * path comes from the environment. */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "check.h"
#include "http.h"
#include "log.h"
#include "options.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [--config FILE] [-- KEY=VALUE...]\n"
            "       %s [--config FILE] --discover|--flush-cache [-- KEY=VALUE...]\n"
            "       %s [--config FILE] --login USER [--service NAME] [--rhost HOST]\n"
            "                 [-- KEY=VALUE...]\n"
            "\n"
            "Check a pam_oauth_device configuration, the identity provider, or a whole\n"
            "login, with the module's own code.\n"
            "\n"
            "  -c, --config FILE   the configuration file, as config=FILE on the PAM line;\n"
            "                      default: %s\n"
            "                      (which, like for the module, may be absent)\n"
            "  -d, --discover      fetch and check the discovery document and the JWKS,\n"
            "                      and say what the cache holds\n"
            "      --flush-cache   empty the cache (cache_dir)\n"
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

/* What the command line asks for. */
struct cli {
    const char *config, *user, *service, *rhost;
    bool discover, flush, for_login_only;
};

/* The options before "--": -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct cli *cli)
{
    enum { OPT_SERVICE = 256, OPT_RHOST, OPT_FLUSH };
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "discover", no_argument, NULL, 'd' },
        { "flush-cache", no_argument, NULL, OPT_FLUSH },
        { "login", required_argument, NULL, 'l' },
        { "service", required_argument, NULL, OPT_SERVICE },
        { "rhost", required_argument, NULL, OPT_RHOST },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    /* '+': options end at the first other word, which must follow "--". */
    while ((c = getopt_long(argc, argv, "+c:dl:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cli->config = optarg;
            break;
        case 'd':
            cli->discover = true;
            break;
        case 'l':
            cli->user = optarg;
            break;
        case OPT_FLUSH:
            cli->flush = true;
            break;
        case OPT_SERVICE:
            cli->service = optarg;
            cli->for_login_only = true;
            break;
        case OPT_RHOST:
            cli->rhost = optarg;
            cli->for_login_only = true;
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
    return -1;
}

int main(int argc, char **argv)
{
    struct cli cli = { .service = PROG };
    int rc, nargs;

    /* It may hold the client secret: no core dump, no ptrace by others. */
    prctl(PR_SET_DUMPABLE, 0);
    /* The module removes these too (with a warning): a root shell's values
     * must not make the tool's TLS differ from the module's.  Silently,
     * before OpenSSL or libcurl initialise. */
    for (size_t i = 0; pod_hostile_env[i] != NULL; i++)
        unsetenv(pod_hostile_env[i]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    pod_log_set_sink(log_sink);
    if ((rc = parse_options(argc, argv, &cli)) >= 0)
        return rc;
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
    if (cli.discover + cli.flush + (cli.user != NULL) > 1) {
        fprintf(stderr, "%s: --discover, --flush-cache and --login go one at a time\n", prog);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli.for_login_only && cli.user == NULL) {
        fprintf(stderr, "%s: --service and --rhost go with --login\n", prog);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli.user != NULL && cli.user[0] == '\0') {
        fprintf(stderr, "%s: --login needs a user name\n", prog);
        return EXIT_USAGE;
    }
    if (cli.discover)
        return mode_discover(cli.config, nargs, argv + optind);
    if (cli.flush)
        return mode_flush_cache(cli.config, nargs, argv + optind);
    if (cli.user != NULL)
        return mode_login(cli.config, nargs, argv + optind, cli.user, cli.service, cli.rhost);
    return mode_config(cli.config, nargs, argv + optind);
}

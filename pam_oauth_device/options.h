/* Module options: one typed table (options.c), filled from the config
 * file and then from the module arguments, which override it. */
#ifndef POD_OPTIONS_H
#define POD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The PAM handle, opaque here: pure code uses this struct without PAM
 * headers; only the loader, in the I/O layer, logs through it. */
struct pam_handle;

#ifndef POD_DEFAULT_CONFIG
#define POD_DEFAULT_CONFIG "/etc/security/pam_oauth_device.conf"
#endif

#define POD_MAX_FILE (64 * 1024) /* config and secret files */
#define POD_MAX_LINE 4096        /* config file lines, without the newline */

enum pod_qr_mode { POD_QR_UTF8 = 0, POD_QR_ASCII, POD_QR_OFF };
enum pod_userinfo_mode { POD_USERINFO_FALLBACK = 0, POD_USERINFO_ALWAYS, POD_USERINFO_NEVER };
enum pod_provider { POD_PROVIDER_NONE = 0, POD_PROVIDER_GITHUB };

/* provider = github: what it fills in, for the keys not given. */
#define POD_GITHUB_DEVICE_ENDPOINT "https://github.com/login/device/code"
#define POD_GITHUB_TOKEN_ENDPOINT "https://github.com/login/oauth/access_token"
#define POD_GITHUB_USER_API "https://api.github.com/user"
#define POD_GITHUB_USERNAME_CLAIM "login"

struct pod_user_map; /* user_map.h */

struct pod_options {
    char *config;             /* the file that was read, or NULL */
    char *issuer;             /* https URL; NULL: no OpenID Connect (user_api) */
    /* Providers without OpenID Connect (GitHub), or overrides of discovery. */
    enum pod_provider provider; /* fills in the next three and username_claim */
    char *device_authorization_endpoint; /* https; with issuer: replaces discovery's */
    char *token_endpoint;     /* https; with issuer: replaces discovery's */
    char *user_api;           /* https; without issuer: its JSON answer is the claims */
    char *client_id;          /* required */
    char *client_secret;      /* secret: wiped on free; NULL: public client */
    char *client_secret_file; /* read into client_secret */
    char *scope;
    char *username_claim;
    char *groups_claim;
    char *allowed_groups;     /* comma list; NULL: no group rule */
    char *ca_file;            /* NULL: system store */
    char *proxy;              /* NULL: no proxy, environment ignored */
    long timeout;             /* seconds for the whole login */
    long leeway;              /* seconds of clock skew allowed */
    enum pod_qr_mode qr;
    bool debug;
    /* Mapping and authorization (identity.c); comma lists, NULL: unset. */
    char *username_transform; /* lowercase, strip_domain, in order */
    char *allowed_domains;    /* domains after the identity's last '@' */
    char *user_map;           /* path of the "IDENTITY LOCALUSER" file */
    struct pod_user_map *map; /* user_map, read and parsed at load time */
    bool user_map_only;       /* no plain claim == user match */
    char *skip_users;         /* PAM_IGNORE for these users */
    char *only_users;         /* PAM_IGNORE for all others */
    char *only_group;         /* PAM_IGNORE outside this local group */
    char *required_groups;    /* all of them, from groups_claim */
    char *required_acr;       /* one of them; also sent as acr_values */
    char *required_amr;       /* all of them, in the amr array */
    enum pod_userinfo_mode userinfo;
    uint64_t given;           /* bit i: table key i came from the file or the PAM line */
};

/* Defaults, then the config file (config= from argv, else the default path
 * which may be absent), then argv.  Returns PAM_SUCCESS, PAM_SERVICE_ERR
 * (bad option, bad file; logged at LOG_ERR) or PAM_BUF_ERR.  On failure
 * *opts is left zeroed; pod_options_free is safe either way. */
int pod_options_load(struct pam_handle *pamh, int argc, const char **argv,
                     struct pod_options *opts);
/* The same with another default path (the tests). */
int pod_options_load_at(struct pam_handle *pamh, const char *default_config,
                        int argc, const char **argv, struct pod_options *opts);
/* The issuer the identity comes from, for the audit line and user_map's
 * ISSUER|SUB pins: issuer; without one, "github" for GitHub's user API
 * (https://api.github.com/user), else the user_api URL; NULL when neither
 * is set. */
const char *pod_options_issuer(const struct pod_options *opts);

/* Wipes client_secret, frees everything and zeroes *opts. */
void pod_options_free(struct pod_options *opts);

/* The config file parser, on a buffer (the file loader reads the file and
 * calls it; so does the fuzzer): the "key = value" lines of text, len
 * bytes (no NUL byte; no terminating NUL needed), applied to *opts as
 * config-file values.  name says where, in messages ("NAME:LINE"); NULL
 * reads "config".  Defaults, module arguments, the required keys and
 * client_secret_file are pod_options_load_at's business, not this one's.
 * *opts must be zeroed or hold earlier values; on failure it keeps what
 * was set so far (pod_options_free releases it).  PAM_SUCCESS,
 * PAM_SERVICE_ERR (logged) or PAM_BUF_ERR. */
int pod_options_parse_text(struct pam_handle *pamh, const char *text, size_t len,
                           const char *name, struct pod_options *opts);

/* Open a root-owned regular file that is not group/world writable (and,
 * when secret, gives others no access at all), refusing symlinks and files
 * over POD_MAX_FILE.  Returns an fd or -1 with the reason logged. */
int pod_open_checked(struct pam_handle *pamh, const char *path, bool secret);

/* The config file keys in table order, for documentation checks and the
 * admin tool: the name of key i with *def its default as written in the
 * file (NULL: none), or NULL past the last. */
const char *pod_option_key(size_t i, const char **def);

/* The value of key i (as pod_option_key numbers them) as text for a
 * person: a secret only as "(set)" or "(unset)".  0, or -1 past the end. */
int pod_option_format(const struct pod_options *opts, size_t i, char *buf, size_t len);

#endif

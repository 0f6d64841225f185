/* Mapping the IdP identity to the local user, authorization rules, and
 * the local account lookups.  The rules are pure: no network, files or
 * PAM (the user_map file is read by options.c and handed in, parsed,
 * through the options). */
#ifndef POD_IDENTITY_H
#define POD_IDENTITY_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include "options.h"

#define POD_MAX_USERNAME 256
#define POD_MAX_MAP_PATTERN 1024 /* IDENTITY in a user_map line */

/* One "IDENTITY LOCALUSER" line of the user_map file. */
struct pod_map_line {
    char *pattern; /* IDENTITY; '*' globs; "ISSUER|SUB" when it has a '|' */
    char *user;    /* LOCALUSER, a valid user name */
    unsigned line; /* its line number in the file */
};

struct pod_user_map {
    struct pod_map_line *lines;
    size_t n;
};

/* Parse the user_map text (len bytes, no NUL needed): "IDENTITY
 * LOCALUSER" lines separated by blanks, '#' comment lines and blank lines.
 * issuer, when not NULL, is the configured issuer that an "ISSUER|SUB"
 * line must name.  Refused lines: not two fields; an IDENTITY with a
 * character no identity can have, or that matches everyone ("*", "*@*",
 * "ISSUER|*"); a LOCALUSER that is not a valid user name; root reached
 * through a '*' pattern.  0 with *out (pod_user_map_free it), or -1 with
 * *line (0: not about a line) and *why (a static reason). */
int pod_user_map_parse(const char *text, size_t len, const char *issuer,
                       struct pod_user_map **out, unsigned *line, const char **why);
void pod_user_map_free(struct pod_user_map *map);

/* Whether pattern matches s as a whole: '*' matches any run of characters
 * (none too) except '@' and '|', so that it never crosses from the local
 * part of an address into its domain, nor from the issuer of a pin into
 * its subject; every other character matches itself. */
int pod_map_glob(const char *pattern, const char *s);

/* The outcome of pod_identity_check, for the audit line. */
struct pod_identity_result {
    const char *rule;              /* the deciding rule: "username_claim", "user_map", ... */
    char reason[256];              /* "RULE: why" ("user_map line 3: ..."); never IdP text */
    char mapped[POD_MAX_USERNAME]; /* the identity after transforms; "" when none */
};

/* The rules, in order; the first that fails refuses: username_claim (the
 * claim is there, a portable name with at most one '@', transformed by
 * username_transform), allowed_domains, email_verified, the mapping
 * (user_map lines, then unless user_map_only the identity equal to
 * user), allowed_groups, required_groups, required_acr, required_amr.
 * PAM_SUCCESS or PAM_AUTH_ERR; *res is filled either way. */
int pod_identity_check(const cJSON *claims, const char *user,
                       const struct pod_options *opts, struct pod_identity_result *res);

/* The first claim the rules need that claims lack (for userinfo =
 * fallback), or NULL.  acr and amr are never taken from userinfo. */
const char *pod_identity_missing_claim(const cJSON *claims, const struct pod_options *opts);

/* A user name we are willing to compare: 1..POD_MAX_USERNAME-1 characters
 * from the POSIX portable set [A-Za-z0-9._-], not starting with '-'. */
int pod_valid_username(const char *s);

/* An identity the mapping may use: 1..POD_MAX_USERNAME-1 characters of
 * [A-Za-z0-9._-] and at most one '@', not starting with '-' (digits only
 * are fine: GitHub's numeric id, matched through user_map). */
int pod_valid_identity(const char *s);

/* The local account or group of that name, from NSS with a buffer that
 * grows until the entry fits (a group of thousands of members too): 1 with
 * *pw or *gr filled, pointing into *buf (free it); 0 when there is none;
 * -1 (errno set) when the lookup itself failed.  The module and
 * pam_oauth_device_check both use these, so they agree. */
int pod_getpwnam(const char *name, struct passwd *pw, char **buf);
int pod_getgrnam(const char *name, struct group *gr, char **buf);

/* Whether the account is in the group gid, as its primary group or a
 * supplementary one: 1, 0, or -1 when that cannot be told. */
int pod_in_local_group(const struct passwd *pw, gid_t gid);

#endif

/* Mapping the IdP identity to the local user, and authorization rules.
 * Pure functions: no network, files or PAM. */
#ifndef POD_IDENTITY_H
#define POD_IDENTITY_H

#include <cjson/cJSON.h>
#include "options.h"

#define POD_MAX_USERNAME 256

/* PAM_SUCCESS when the claims name `user` and pass every rule; otherwise
 * PAM_AUTH_ERR with *reason set (a static string).  *mapped receives the
 * mapped claim value (points into claims) when there is one. */
int pod_identity_check(const cJSON *claims, const char *user,
                       const struct pod_options *opts, const char **reason,
                       const char **mapped);

/* A user name we are willing to compare: 1..POD_MAX_USERNAME-1 characters
 * from the POSIX portable set [A-Za-z0-9._-], not starting with '-'. */
int pod_valid_username(const char *s);

#endif

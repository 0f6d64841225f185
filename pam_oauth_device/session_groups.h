/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* group_map at work: the mapped local groups of a login, handed from
 * authentication to pam_setcred through a root-only, use-once file. */
#ifndef POD_SESSION_GROUPS_H
#define POD_SESSION_GROUPS_H

#include <stddef.h>
#include <sys/types.h>
#include <cjson/cJSON.h>
#include <security/pam_modules.h>

#include "options.h"

/* The PAM environment variable that carries the handoff's name to a
 * pam_setcred in another process (sshd): a pointer only, never trusted. */
#define POD_HANDOFF_ENV "PAM_OAUTH_DEVICE_HANDOFF"
/* Seconds a handoff may wait for pam_setcred. */
#define POD_HANDOFF_TTL 60

/* The gids of the group_map lines whose IdP group the claims hold, each
 * once, in map order; a local group that does not exist is logged
 * (LOG_WARNING) and skipped.  0 with *gids (free it; NULL when *n is 0),
 * or -1 (out of memory, or a lookup failed: logged). */
int pod_session_groups_resolve(pam_handle_t *pamh, const struct pod_options *opts,
                               const cJSON *claims, gid_t **gids, size_t *n);

/* After a successful authentication of user: stage the mapped gids for
 * pam_setcred.  Nothing to stage (no group_map, no mapped group) is
 * fine; a failure is logged and only means no groups are granted.
 * Without pamh (the admin tool) the groups are only logged. */
void pod_session_groups_stage(pam_handle_t *pamh, const struct pod_options *opts,
                              const char *user, const cJSON *claims);

/* pam_sm_setcred: with PAM_ESTABLISH_CRED or PAM_REINITIALIZE_CRED, take
 * this login's handoff (once) and add its gids to the supplementary
 * groups; anything else does nothing.  A forged, replayed, expired or
 * foreign handoff grants nothing and is logged.  A PAM code. */
int pod_session_groups_setcred(pam_handle_t *pamh, int flags);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* struct pod_options: the typed option values every layer reads (data
 * only; options.c fills and frees it). */
#ifndef POD_OPTS_H
#define POD_OPTS_H

#include <stdbool.h>
#include <stdint.h>

enum pod_qr_mode { POD_QR_UTF8 = 0, POD_QR_ASCII, POD_QR_OFF };
enum pod_qr_color { POD_QR_COLOR_AUTO = 0, POD_QR_COLOR_YES, POD_QR_COLOR_NO };
enum pod_userinfo_mode { POD_USERINFO_FALLBACK = 0, POD_USERINFO_ALWAYS, POD_USERINFO_NEVER };
enum pod_prompt_mode { POD_ASK_AUTO = 0, POD_ASK_ENTER, POD_ASK_NONE };
enum pod_provider { POD_PROVIDER_NONE = 0, POD_PROVIDER_GITHUB };

/* provider = github: what it fills in, for the keys not given. */
#define POD_GITHUB_DEVICE_ENDPOINT "https://github.com/login/device/code"
#define POD_GITHUB_TOKEN_ENDPOINT "https://github.com/login/oauth/access_token"
#define POD_GITHUB_USER_API "https://api.github.com/user"
#define POD_GITHUB_USERNAME_CLAIM "login"

struct pod_user_map; /* user_map.h */
struct pod_group_map; /* group_map.h */

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
    char *ca_pem;             /* ca_file's or the system bundle's bytes, checked at
                               * load time; NULL: the system has no bundle file */
    size_t ca_pem_len;
    char *proxy;              /* NULL: no proxy, environment ignored */
    bool cache;               /* keep discovery and the JWKS in cache_dir (cache.h) */
    char *cache_dir;          /* absolute; created 0700 when missing */
    long timeout;             /* seconds for the whole login */
    long leeway;              /* seconds of clock skew allowed */
    enum pod_qr_mode qr;
    enum pod_qr_color qr_color; /* black on white; auto: not over sshd */
    enum pod_prompt_mode prompt; /* Enter prompt or not; auto: from the host */
    bool debug;
    /* Mapping and authorization (identity.c); comma lists, NULL: unset. */
    char *username_transform; /* lowercase, strip_domain, in order */
    char *allowed_domains;    /* domains after the identity's last '@' */
    char *user_map;           /* path of the "IDENTITY LOCALUSER" file */
    struct pod_user_map *map; /* user_map, read and parsed at load time */
    bool user_map_only;       /* no plain claim == user match */
    char *group_map;          /* path of the "IDP_GROUP LOCAL_GROUP" file */
    struct pod_group_map *gmap; /* group_map, read, parsed and checked at load time */
    char *skip_users;         /* PAM_IGNORE for these users */
    char *only_users;         /* PAM_IGNORE for all others */
    char *only_group;         /* PAM_IGNORE outside this local group */
    char *required_groups;    /* all of them, from groups_claim */
    char *required_acr;       /* one of them; also sent as acr_values */
    char *required_amr;       /* all of them, in the amr array */
    enum pod_userinfo_mode userinfo;
    bool hide_unknown_users;  /* decoy instructions for a user without an account */
    uint64_t given;           /* bit i: table key i came from the file or the PAM line */
};

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The user_map file ("IDENTITY LOCALUSER" lines) and the names it compares:
 * pure, no network, files or PAM. */
#ifndef POD_USER_MAP_H
#define POD_USER_MAP_H

#include <stddef.h>

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
    char *issuer; /* what "ISSUER|SUB" lines name (the parse's issuer), or NULL */
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

/* The walk both map parsers share: fn on each line of text (len bytes,
 * '\n'-separated, without its '\n'; no NUL needed), numbered from 1, until
 * fn fails.  A NUL byte anywhere refuses the whole text.  0, or -1 with
 * *line (0: not about a line) and *why (fn's reason). */
typedef int (*pod_map_line_fn)(void *ctx, const char *s, size_t n, unsigned lineno,
                               const char **why);
int pod_map_lines(const char *text, size_t len, pod_map_line_fn fn, void *ctx,
                  unsigned *line, const char **why);

/* Whether pattern matches s as a whole: '*' matches any run of characters
 * (none too) except '@' and '|', so that it never crosses from the local
 * part of an address into its domain, nor from the issuer of a pin into
 * its subject; every other character matches itself. */
int pod_map_glob(const char *pattern, const char *s);

/* A user name we are willing to compare: 1..POD_MAX_USERNAME-1 characters
 * from the POSIX portable set [A-Za-z0-9._-], not starting with '-'. */
int pod_valid_username(const char *s);

/* An identity the mapping may use: 1..POD_MAX_USERNAME-1 characters of
 * [A-Za-z0-9._-] and at most one '@', not starting with '-' (digits only
 * are fine: GitHub's numeric id, matched through user_map). */
int pod_valid_identity(const char *s);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* URL rules: the one https URL check that options, discovery and the device flow apply. */
#include "config.h"

#include <string.h>

#include "url.h"

int pod_is_https_url(const char *url)
{
    const char *host, *p;

    if (url == NULL || strncmp(url, "https://", 8) != 0 || strlen(url) > POD_MAX_URL)
        return 0;
    host = url + 8;
    if (*host == '\0' || *host == '/' || *host == ':' || *host == '?')
        return 0;
    for (p = url; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#' ||
            *p == '\\') /* browsers read '\' as '/': a misleading host */
            return 0;
    /* No userinfo: "https://evil@host" reads as another host to a person. */
    for (p = host; *p != '\0' && *p != '/' && *p != '?'; p++)
        if (*p == '@')
            return 0;
    return 1;
}

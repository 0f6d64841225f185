/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* The root-only run-time directory and its use-once files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rundir.h"
#include "safefile.h"

int pod_rundir_open(struct pam_handle *pamh, bool create)
{
    struct stat st;
    int fd;

    if (create && mkdir(POD_RUN_DIR, 0700) != 0 && errno != EEXIST) {
        pod_log(pamh, LOG_ERR, "cannot create %s: %m", POD_RUN_DIR);
        return -1;
    }
    fd = open(POD_RUN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            pod_log(pamh, LOG_ERR, "cannot open %s: %m", POD_RUN_DIR);
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_uid != 0 || (st.st_mode & 077) != 0) {
        pod_log(pamh, LOG_ERR, "%s: refused: not root's with mode 0700", POD_RUN_DIR);
        close(fd);
        return -1;
    }
    return fd;
}

bool pod_rundir_name_ok(const char *name, size_t len)
{
    return name != NULL && strlen(name) == len && strspn(name, "0123456789abcdef") == len;
}

void pod_rundir_sweep(int dirfd, size_t name_len, time_t ttl, time_t now)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat st;

        if (pod_rundir_name_ok(e->d_name, name_len) &&
            fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (now - st.st_mtime > ttl || st.st_mtime > now + ttl))
            unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d);
}

int pod_rundir_write(struct pam_handle *pamh, int dirfd, const char *name, const char *text,
                     size_t len, bool replace)
{
    int fd, ok;

    if (replace)
        unlinkat(dirfd, name, 0);
    fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        pod_log(pamh, LOG_ERR, "cannot create a file in %s: %m", POD_RUN_DIR);
        return -1;
    }
    ok = write(fd, text, len) == (ssize_t)len;
    if (close(fd) != 0 || !ok) {
        pod_log(pamh, LOG_ERR, "cannot write a file in %s", POD_RUN_DIR);
        unlinkat(dirfd, name, 0);
        return -1;
    }
    return 0;
}

enum pod_take pod_rundir_take(struct pam_handle *pamh, int dirfd, const char *name, size_t max,
                              struct pod_file *out)
{
    const struct pod_safefile_rules rules = { .owner = 0, .secret = true, .max = max,
                                              .text = true };
    char path[sizeof(POD_RUN_DIR) + 256];
    bool absent = false;

    memset(out, 0, sizeof(*out));
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", POD_RUN_DIR, name) >= sizeof(path))
        return POD_TAKE_REFUSED;
    if (pod_safefile_read(pamh, path, &rules, &absent, out) != 0)
        return absent ? POD_TAKE_ABSENT : POD_TAKE_REFUSED;
    if (unlinkat(dirfd, name, 0) != 0) {
        pod_safefile_wipe(out);
        return POD_TAKE_LOST;
    }
    return POD_TAKEN;
}

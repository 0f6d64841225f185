/* SPDX-License-Identifier: BSD-3-Clause */
/* Copyright (c) 2026 The pam_oauth_device authors */
/* safefile.c: each rule of the one file reader, with the test's own uid as
 * the owner, so that it runs without root too. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safefile.h"
#include "unit_helpers.h"

static char logged[2048];
static char dir[64];

static void sink(int prio, const char *msg)
{
    (void)prio;
    snprintf(logged, sizeof(logged), "%s", msg);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "%s/pod-safefile.XXXXXX", P_tmpdir);
    if (mkdtemp(dir) == NULL)
        return -1;
    pod_log_set_sink(sink);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    pod_log_set_sink(NULL);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* dir/name holding len bytes of data, with exactly that mode. */
static const char *put(const char *name, const char *data, size_t len, mode_t mode)
{
    static char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
    return path;
}

static struct pod_safefile_rules mine(bool secret, size_t max)
{
    return (struct pod_safefile_rules){ .owner = getuid(), .secret = secret, .max = max,
                                        .text = true };
}

/* Refused with why in the log, and nothing left in *f. */
static void assert_refused(const char *path, const struct pod_safefile_rules *r,
                           const char *why)
{
    struct pod_file f = { (char *)"x", 1, 0 };

    logged[0] = '\0';
    assert_int_equal(pod_safefile_read(NULL, path, r, NULL, &f), -1);
    assert_null(f.data);
    assert_int_equal(f.len, 0);
    if (strstr(logged, why) == NULL)
        fail_msg("%s: expected \"%s\" in the log, got \"%s\"", path, why, logged);
}

static void test_reads_whole_file(void **state)
{
    const struct pod_safefile_rules r = mine(false, 1024);
    struct pod_file f;

    (void)state;
    assert_int_equal(pod_safefile_read(NULL, put("ok", "a = b\n", 6, 0644), &r, NULL, &f), 0);
    assert_int_equal(f.len, 6);
    assert_string_equal(f.data, "a = b\n");
    assert_int_equal(f.mode & 07777, 0644);
    pod_safefile_wipe(&f);
    assert_null(f.data);
    pod_safefile_wipe(&f); /* twice is fine */
}

static void test_modes(void **state)
{
    const struct pod_safefile_rules plain = mine(false, 1024), secret = mine(true, 1024);
    struct pod_file f;

    (void)state;
    assert_refused(put("g", "x", 1, 0664), &plain, "writable by its group");
    assert_refused(put("o", "x", 1, 0646), &plain, "writable by others");
    assert_refused(put("s", "x", 1, 0604), &secret, "holds a secret but others have access");
    assert_refused(put("s", "x", 1, 0601), &secret, "holds a secret but others have access");
    assert_int_equal(pod_safefile_read(NULL, put("s", "x", 1, 0640), &secret, NULL, &f), 0);
    pod_safefile_wipe(&f);
}

static void test_owner(void **state)
{
    struct pod_safefile_rules r = mine(false, 1024);
    char why[64];

    (void)state;
    r.owner = getuid() + 1;
    snprintf(why, sizeof(why), "not owned by uid %u", (unsigned)r.owner);
    assert_refused(put("f", "x", 1, 0644), &r, r.owner == 0 ? "not owned by root" : why);
    if (getuid() != 0) {
        r.owner = 0;
        assert_refused(put("f", "x", 1, 0644), &r, "not owned by root");
    }
}

static void test_not_regular(void **state)
{
    const struct pod_safefile_rules r = mine(false, 1024);
    char fifo[PATH_MAX], link[PATH_MAX];

    (void)state;
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_refused(fifo, &r, "not a regular file"); /* and no hang: O_NONBLOCK */
    assert_refused(dir, &r, "not a regular file");
    snprintf(link, sizeof(link), "%s/link", dir);
    assert_int_equal(symlink(put("target", "x", 1, 0644), link), 0);
    assert_refused(link, &r, "a symbolic link");
}

static void test_size_cap(void **state)
{
    const struct pod_safefile_rules r = mine(false, 1024);
    char *big = ut_repeat('a', 1025);
    struct pod_file f;

    (void)state;
    assert_int_equal(pod_safefile_read(NULL, put("k", big, 1024, 0644), &r, NULL, &f), 0);
    assert_int_equal(f.len, 1024);
    pod_safefile_wipe(&f);
    assert_refused(put("k", big, 1025, 0644), &r, "larger than 1 KiB");
    free(big);
}

static void test_nul_byte(void **state)
{
    struct pod_safefile_rules r = mine(false, 1024);
    struct pod_file f;

    (void)state;
    assert_refused(put("n", "a\0b", 3, 0644), &r, "it contains a NUL byte");
    r.text = false;
    assert_int_equal(pod_safefile_read(NULL, put("n", "a\0b", 3, 0644), &r, NULL, &f), 0);
    assert_int_equal(f.len, 3);
    pod_safefile_wipe(&f);
}

static void test_absent(void **state)
{
    const struct pod_safefile_rules r = mine(false, 1024);
    char path[PATH_MAX];
    bool absent = false;
    struct pod_file f;

    (void)state;
    snprintf(path, sizeof(path), "%s/none", dir);
    logged[0] = '\0';
    assert_int_equal(pod_safefile_read(NULL, path, &r, &absent, &f), -1);
    assert_true(absent);
    assert_string_equal(logged, ""); /* the caller decides */
    assert_refused(path, &r, "cannot open");
}

static void test_root_rules(void **state)
{
    const struct pod_safefile_rules r = POD_SAFEFILE_ROOT(true);

    (void)state;
    assert_int_equal(r.owner, 0);
    assert_true(r.secret);
    assert_int_equal(r.max, 64 * 1024);
    assert_true(r.text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_reads_whole_file), T(test_modes), T(test_owner), T(test_not_regular),
        T(test_size_cap), T(test_nul_byte), T(test_absent), T(test_root_rules),
    };

    return cmocka_run_group_tests_name("safefile", tests, NULL, NULL);
}

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <security/pam_appl.h>

#include "conv.h"
#include "prompt.h"

#define SERVICE "pod-test"

/* What the application's conversation function saw, and how it answers. */
struct recorder {
    int calls;
    int num_msg;
    int style[2];
    char *text[2];
    int resp_was_null;
    int one_array; /* Linux-PAM and Solaris layouts agree */
    int rc;
    const char *answer; /* NULL: no response array */
    int answer_info;    /* answer the info message too */
};

struct fixture {
    char dir[sizeof("/tmp/pod-conv-XXXXXX")];
    char file[sizeof("/tmp/pod-conv-XXXXXX/" SERVICE)];
    pam_handle_t *pamh;
    struct recorder rec;
};

static int record_conv(int num_msg, const struct pam_message **msg,
                       struct pam_response **resp, void *appdata)
{
    struct recorder *rec = appdata;

    rec->calls++;
    rec->num_msg = num_msg;
    rec->resp_was_null = *resp == NULL;
    for (int i = 0; i < num_msg && i < 2; i++) {
        rec->style[i] = msg[i]->msg_style;
        free(rec->text[i]);
        rec->text[i] = strdup(msg[i]->msg);
        if (&(*msg)[i] != msg[i])
            rec->one_array = 0;
    }
    if (rec->answer != NULL) {
        *resp = calloc((size_t)num_msg, sizeof(**resp));
        assert_non_null(*resp);
        for (int i = rec->answer_info ? 0 : num_msg - 1; i < num_msg; i++)
            (*resp)[i].resp = strdup(rec->answer);
    }
    return rec->rc;
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct pam_conv conv = { record_conv, NULL };
    FILE *f;

    assert_non_null(fx);
    strcpy(fx->dir, "/tmp/pod-conv-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->file, sizeof(fx->file), "%s/%s", fx->dir, SERVICE);
    f = fopen(fx->file, "w");
    assert_non_null(f);
    /* Never run: only pam_start needs a service. */
    fputs("auth required pam_deny.so\n", f);
    assert_int_equal(fclose(f), 0);
    fx->rec.one_array = 1;
    fx->rec.answer = "";
    conv.appdata_ptr = &fx->rec;
    assert_int_equal(pam_start_confdir(SERVICE, "alice", &conv, fx->dir, &fx->pamh),
                     PAM_SUCCESS);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    pam_end(fx->pamh, PAM_SUCCESS);
    free(fx->rec.text[0]);
    free(fx->rec.text[1]);
    unlink(fx->file);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static void assert_shown_once(const struct recorder *rec, const char *info)
{
    assert_int_equal(rec->calls, 1);
    assert_int_equal(rec->num_msg, 2);
    assert_true(rec->resp_was_null);
    assert_true(rec->one_array);
    assert_int_equal(rec->style[0], PAM_TEXT_INFO);
    assert_string_equal(rec->text[0], info);
    assert_int_equal(rec->style[1], PAM_PROMPT_ECHO_ON);
    assert_string_equal(rec->text[1], POD_PROMPT_ENTER);
}

static void test_one_call_two_messages(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(pod_conv_show(fx->pamh, "line 1\nline 2\n", POD_PROMPT_ENTER),
                     PAM_SUCCESS);
    assert_shown_once(&fx->rec, "line 1\nline 2\n");
}

static void test_whole_prompt_is_one_message(void **state)
{
    struct fixture *fx = *state;
    const struct pod_prompt_info info = {
        .hostname = "host1",
        .service = SERVICE,
        .rhost = "192.0.2.7",
        .user = "alice",
        .verification_uri = "https://idp.example/device",
        .verification_uri_complete = "https://idp.example/device?user_code=WDJB-MJHT",
        .user_code = "WDJB-MJHT",
    };
    char *text = pod_prompt_text(&info, POD_QR_UTF8);

    assert_non_null(text);
    assert_int_equal(pod_conv_show(fx->pamh, text, POD_PROMPT_ENTER), PAM_SUCCESS);
    assert_shown_once(&fx->rec, text);
    free(text);
}

static void test_any_answer_goes_on(void **state)
{
    struct fixture *fx = *state;

    fx->rec.answer = "anything typed";
    fx->rec.answer_info = 1;
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_SUCCESS);
    assert_int_equal(fx->rec.calls, 1);
}

static void test_conv_error(void **state)
{
    struct fixture *fx = *state;

    fx->rec.rc = PAM_CONV_ERR;
    fx->rec.answer = NULL;
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_CONV_ERR);
    assert_int_equal(fx->rec.calls, 1);
}

/* PAM_CONV_AGAIN (a non-blocking application) is PAM_INCOMPLETE. */
static void test_conv_again(void **state)
{
    struct fixture *fx = *state;

    fx->rec.rc = PAM_CONV_AGAIN;
    fx->rec.answer = NULL;
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_INCOMPLETE);
    assert_int_equal(fx->rec.calls, 1);
}

/* Any other failure is PAM_CONV_ERR, and a response left behind is freed. */
static void test_other_error_with_response(void **state)
{
    struct fixture *fx = *state;

    fx->rec.rc = PAM_BUF_ERR;
    fx->rec.answer = "left behind";
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_CONV_ERR);
    assert_int_equal(fx->rec.calls, 1);
}

static void test_success_without_response(void **state)
{
    struct fixture *fx = *state;

    fx->rec.answer = NULL;
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_CONV_ERR);
    assert_int_equal(fx->rec.calls, 1);
}

static void test_no_conv_function(void **state)
{
    struct fixture *fx = *state;
    const struct pam_conv none = { NULL, NULL };

    assert_int_equal(pam_set_item(fx->pamh, PAM_CONV, &none), PAM_SUCCESS);
    assert_int_equal(pod_conv_show(fx->pamh, "info", POD_PROMPT_ENTER), PAM_CONV_ERR);
    assert_int_equal(fx->rec.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_call_two_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_prompt_is_one_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_answer_goes_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conv_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conv_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_error_with_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_without_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_conv_function, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

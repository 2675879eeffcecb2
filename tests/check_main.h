/* check_main.h - the main() every Check suite shares: run the suite with
 * the environment's settings (TAP on stdout under meson) and fail the
 * process when any test failed. */
#ifndef DYS_CHECK_MAIN_H
#define DYS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define DYS_CHECK_MAIN(suite_fn)                      \
    int main(void)                                    \
    {                                                 \
        SRunner *sr = srunner_create(suite_fn());     \
        srunner_run_all(sr, CK_ENV);                  \
        int failed = srunner_ntests_failed(sr);       \
        srunner_free(sr);                             \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;  \
    }

#endif

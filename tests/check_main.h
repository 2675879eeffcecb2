/* check_main.h - the main() every Check suite shares: run the suite with
 * the environment's settings (TAP on stdout under meson) and fail the
 * process when any test failed. */
#ifndef DYS_CHECK_MAIN_H
#define DYS_CHECK_MAIN_H

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DYS_CHECK_MAIN(suite_fn)                      \
    int main(void)                                    \
    {                                                 \
        SRunner *sr = srunner_create(suite_fn());     \
        srunner_run_all(sr, CK_ENV);                  \
        int failed = srunner_ntests_failed(sr);       \
        srunner_free(sr);                             \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;  \
    }

/* An nftw callback that removes what a suite wrote, an unreadable file
 * (made so by a test) included. */
static inline int dys_check_rm_entry(const char *path, const struct stat *sb, int flag,
                                     struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

/* The same for a suite whose tests write files: the run's directory is
 * made from template (ending in XXXXXX) into root (a char array the
 * tests read), and removed with everything in it at the end. */
#define DYS_CHECK_MAIN_IN_TMPDIR(suite_fn, root, template)                   \
    int main(void)                                                           \
    {                                                                        \
        snprintf(root, sizeof root, "%s", template);                         \
        if (!mkdtemp(root)) {                                                \
            fprintf(stderr, "mkdtemp %s: %s\n", root, strerror(errno));      \
            return EXIT_FAILURE;                                             \
        }                                                                    \
        SRunner *sr = srunner_create(suite_fn());                            \
        srunner_run_all(sr, CK_ENV);                                         \
        int failed = srunner_ntests_failed(sr);                              \
        srunner_free(sr);                                                    \
        nftw(root, dys_check_rm_entry, 16, FTW_DEPTH | FTW_PHYS);            \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                         \
    }

#endif

/* Minimal test harness: TEST(name) { ... CHECK(cond); ... } registers itself; the runner in
 * main.c runs every test and ends with the line "N passed, N failed". */
#ifndef PB_CHECK_H
#define PB_CHECK_H

#include <stdio.h>
#include <string.h>

struct pb_test {
    const char *name;
    void (*fn)(int *failed);
    struct pb_test *next;
};

void pb_test_register(struct pb_test *t);

#define TEST(name)                                                              \
    static void test_##name(int *pb_failed_);                                   \
    static struct pb_test pb_test_##name = {#name, test_##name, NULL};          \
    __attribute__((constructor)) static void pb_register_##name(void) {         \
        pb_test_register(&pb_test_##name);                                      \
    }                                                                           \
    static void test_##name(int *pb_failed_)

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            *pb_failed_ = 1;                                                    \
        }                                                                       \
    } while (0)

#define CHECK_INT(a, b)                                                         \
    do {                                                                        \
        long long pb_a_ = (long long)(a), pb_b_ = (long long)(b);               \
        if (pb_a_ != pb_b_) {                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
                    #a, pb_a_, #b, pb_b_);                                      \
            *pb_failed_ = 1;                                                    \
        }                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                         \
    do {                                                                        \
        const char *pb_a_ = (a), *pb_b_ = (b);                                  \
        if (pb_a_ == NULL || pb_b_ == NULL || strcmp(pb_a_, pb_b_) != 0) {      \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #a, pb_a_ ? pb_a_ : "(null)", pb_b_ ? pb_b_ : "(null)");    \
            *pb_failed_ = 1;                                                    \
        }                                                                       \
    } while (0)

#endif

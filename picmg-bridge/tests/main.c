#include "check.h"

#include <stdlib.h>

static struct pb_test *tests;

void pb_test_register(struct pb_test *t) {
    t->next = tests;
    tests = t;
}

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    const char *only = argc > 1 ? argv[1] : NULL;
    for (struct pb_test *t = tests; t; t = t->next) {
        if (only && strcmp(only, t->name) != 0) continue;
        int f = 0;
        t->fn(&f);
        if (f) {
            failed++;
            fprintf(stderr, "FAIL %s\n", t->name);
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

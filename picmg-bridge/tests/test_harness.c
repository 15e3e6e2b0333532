#include "check.h"

/* Proves the harness itself counts: a runner that passes everything would hide real failures. */
TEST(harness_counts_checks) {
    int inner = 0;
    int *pb_failed_save = pb_failed_;
    pb_failed_ = &inner;
    CHECK(1 == 2);
    pb_failed_ = pb_failed_save;
    CHECK_INT(inner, 1);
}

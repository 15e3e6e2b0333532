/* libFuzzer target: the parser of the kernel's AER counter files (aer_dev_correctable, ...). The
 * buffer is given without a terminating NUL, as read_small() hands it over only after checks the
 * fuzzer does not need: the parser must never read past len. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const keys[] = {"TOTAL_ERR_COR", "TOTAL_ERR_NONFATAL", "TOTAL_ERR_FATAL"};
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        uint64_t v = 0;
        int rc = pb_attrib_parse_aer_total(buf, size, keys[k], &v);
        if (rc != 0 && rc != -EINVAL) abort();
        /* A value is a plain decimal of at most 19 digits: always below 10^19. */
        if (rc == 0 && v > 9999999999999999999u) abort();
    }
    free(buf);
    return 0;
}

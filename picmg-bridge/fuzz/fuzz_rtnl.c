/* libFuzzer target: walk arbitrary buffers with pb_rtnl_next. Checks that every call makes
 * progress (no endless loop on a hostile buffer) and that names stay bounded. */
#include "rtnl.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* A private copy of exactly `size` bytes: ASan sees any read past the end. */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    size_t off = 0;
    struct pb_rtnl_link l;
    for (;;) {
        size_t before = off;
        int r = pb_rtnl_next(buf, size, &off, &l);
        if (off > size) abort();
        if (r == 0) {
            if (off != size) abort();
            break;
        }
        if (off <= before) abort(); /* no progress */
        if (r == 1) {
            if (strnlen(l.ifname, sizeof l.ifname) >= sizeof l.ifname) abort();
            if (l.ifindex <= 0 || l.carrier < 0 || l.carrier > 1 || l.master < 0) abort();
        }
    }
    pb_rtnl_parse_link(buf, size, &l);
    free(buf);
    return 0;
}

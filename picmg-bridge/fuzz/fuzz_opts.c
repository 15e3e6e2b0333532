/* libFuzzer target: the options string parser ("key=value;key=value"). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct pb_opts o;
    char err[128];
    int rc = pb_opts_parse(s, &o, err, sizeof err);
    if (rc == 0) {
        if (o.n < 0 || o.n > PB_OPT_MAX) abort();
        for (int i = 0; i < o.n; i++) {
            if (!o.opt[i].key[0] || strchr(o.opt[i].key, '=') || strchr(o.opt[i].value, ';')) abort();
            if (pb_opts_get(&o, o.opt[i].key) != o.opt[i].value) abort(); /* no duplicates */
        }
    } else if (rc != -EINVAL || memchr(err, '\0', sizeof err) == NULL) {
        abort();
    }
    free(s);
    return 0;
}

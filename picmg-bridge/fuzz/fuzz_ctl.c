/* libFuzzer target: the control-line parser. Any bytes must parse to a command whose fields
 * are in range, or to -EINVAL with a terminated one-line reason; never a crash or UB. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_parse.h"
#include "picmg_bridge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Exact-size heap copy so ASan sees any read past the line. */
    char *line = malloc(size ? size : 1);
    if (!line) return 0;
    memcpy(line, data, size);
    struct pb_ctl_cmd c;
    char err[64];
    memset(err, 'X', sizeof err);
    int rc = pb_ctl_parse(line, size, &c, err, sizeof err);
    if (rc == 0) {
        if (c.op < PB_CTL_INSERT || c.op > PB_CTL_AER) abort();
        if ((c.op == PB_CTL_INSERT || c.op == PB_CTL_HANDLE || c.op == PB_CTL_REMOVE || c.op == PB_CTL_LINK ||
             c.op == PB_CTL_LEDS || c.op == PB_CTL_PATH || c.op == PB_CTL_AER) && (c.slot < 1 || c.slot > 255))
            abort();
        if (c.op == PB_CTL_AER && (c.port < 0 || c.port >= PB_CTL_MAX_PORTS || c.count < 1 || c.count > PB_CTL_MAX_AER ||
                                   (c.aer_kind != PB_AER_CORRECTABLE && c.aer_kind != PB_AER_NONFATAL &&
                                    c.aer_kind != PB_AER_FATAL)))
            abort();
        if (c.op == PB_CTL_INSERT && (c.ports < 1 || c.ports > PB_CTL_MAX_PORTS || c.vendor < 0 || c.vendor > 0xffff ||
                                      c.device < 0 || c.device > 0xffff || c.subvendor < -1 || c.subvendor > 0xffff))
            abort();
        if ((c.op == PB_CTL_LINK || c.op == PB_CTL_PATH) && (c.port < 0 || c.port >= PB_CTL_MAX_PORTS || (c.on != 0 && c.on != 1)))
            abort();
        if (size > PB_CTL_MAX_LINE + 1) abort();
    } else {
        if (rc != -EINVAL) abort();
        if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0') abort();
        if (strchr(err, '\n')) abort();
    }
    free(line);
    return 0;
}

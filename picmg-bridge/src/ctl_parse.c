/* Parser of the sim control protocol (see README.md). Tokens are separated by spaces or tabs;
 * every byte is checked; numbers are strict (no signs, no leading '+', bounded digits). */
#include "ctl_parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pb_internal.h"

#define MAX_TOKENS 6

struct tok {
    const char *s;
    size_t len;
};

static int tok_is(const struct tok *t, const char *word) {
    size_t n = strlen(word);
    return t->len == n && memcmp(t->s, word, n) == 0;
}

static int fail(char *err, size_t errlen, const char *msg) {
    if (errlen) snprintf(err, errlen, "%s", msg);
    return -EINVAL;
}

static int parse_slot(const struct tok *t, int *out, char *err, size_t errlen) {
    unsigned long v;
    if (pb_parse_uint(t->s, t->len, 255, &v) < 0 || v == 0) return fail(err, errlen, "bad slot (1..255)");
    *out = (int)v;
    return 0;
}

static int expect_args(int ntok, int want, const char *usage, char *err, size_t errlen) {
    if (ntok == want) return 0;
    if (errlen) snprintf(err, errlen, "usage: %s", usage);
    return -EINVAL;
}

static int parse_id(const struct tok *t, struct pb_ctl_cmd *cmd, char *err, size_t errlen) {
    /* VVVV:DDDD or VVVV:DDDD:SVVV:SDDD */
    if (t->len != 9 && t->len != 19) return fail(err, errlen, "bad PCI id (VVVV:DDDD[:SVVV:SDDD])");
    int *dst[4] = {&cmd->vendor, &cmd->device, &cmd->subvendor, &cmd->subdevice};
    int parts = t->len == 9 ? 2 : 4;
    for (int i = 0; i < parts; i++) {
        const char *p = t->s + i * 5;
        if (i > 0 && p[-1] != ':') return fail(err, errlen, "bad PCI id (VVVV:DDDD[:SVVV:SDDD])");
        if (pb_parse_hex16(p, 4, dst[i]) < 0) return fail(err, errlen, "bad PCI id (VVVV:DDDD[:SVVV:SDDD])");
    }
    return 0;
}

/* "VERB SLOT PORT up|down" (link, path). */
static int parse_port_state(const struct tok *toks, int ntok, const char *verb, struct pb_ctl_cmd *cmd, char *err,
                            size_t errlen) {
    char usage[40];
    snprintf(usage, sizeof usage, "%s SLOT PORT up|down", verb);
    if (expect_args(ntok, 4, usage, err, errlen) < 0) return -EINVAL;
    if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
    unsigned long port;
    if (pb_parse_uint(toks[2].s, toks[2].len, PB_CTL_MAX_PORTS - 1, &port) < 0)
        return fail(err, errlen, "bad port (0..7)");
    cmd->port = (int)port;
    if (tok_is(&toks[3], "up")) cmd->on = 1;
    else if (tok_is(&toks[3], "down")) cmd->on = 0;
    else {
        if (errlen) snprintf(err, errlen, "%s: up or down", verb);
        return -EINVAL;
    }
    return 0;
}

int pb_ctl_parse(const char *line, size_t len, struct pb_ctl_cmd *cmd, char *err, size_t errlen) {
    if (errlen) err[0] = '\0';
    memset(cmd, 0, sizeof *cmd);
    cmd->subvendor = cmd->subdevice = PB_ID_UNKNOWN;
    if (line == NULL) return fail(err, errlen, "no line");
    if (len > 0 && line[len - 1] == '\r') len--;
    if (len > PB_CTL_MAX_LINE) return fail(err, errlen, "line too long");
    struct tok toks[MAX_TOKENS];
    int ntok = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)line[i];
        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }
        if (c < 0x21 || c > 0x7e) return fail(err, errlen, "unexpected byte (printable ASCII only)");
        size_t start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t') {
            c = (unsigned char)line[i];
            if (c < 0x21 || c > 0x7e) return fail(err, errlen, "unexpected byte (printable ASCII only)");
            i++;
        }
        if (ntok == MAX_TOKENS) return fail(err, errlen, "too many words");
        toks[ntok].s = line + start;
        toks[ntok].len = i - start;
        ntok++;
    }
    if (ntok == 0) return fail(err, errlen, "empty command (try help)");
    const struct tok *verb = &toks[0];
    if (tok_is(verb, "insert")) {
        if (expect_args(ntok, 4, "insert SLOT VVVV:DDDD[:SVVV:SDDD] PORTS", err, errlen) < 0) return -EINVAL;
        if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
        if (parse_id(&toks[2], cmd, err, errlen) < 0) return -EINVAL;
        unsigned long ports;
        if (pb_parse_uint(toks[3].s, toks[3].len, PB_CTL_MAX_PORTS, &ports) < 0 || ports == 0)
            return fail(err, errlen, "bad port count (1..8)");
        cmd->ports = (int)ports;
        cmd->op = PB_CTL_INSERT;
    } else if (tok_is(verb, "handle")) {
        if (expect_args(ntok, 3, "handle SLOT open|close", err, errlen) < 0) return -EINVAL;
        if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
        if (tok_is(&toks[2], "open")) cmd->on = 1;
        else if (tok_is(&toks[2], "close")) cmd->on = 0;
        else return fail(err, errlen, "handle: open or close");
        cmd->op = PB_CTL_HANDLE;
    } else if (tok_is(verb, "remove")) {
        if (expect_args(ntok, 2, "remove SLOT", err, errlen) < 0) return -EINVAL;
        if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_REMOVE;
    } else if (tok_is(verb, "link")) {
        if (parse_port_state(toks, ntok, "link", cmd, err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_LINK;
    } else if (tok_is(verb, "path")) {
        if (parse_port_state(toks, ntok, "path", cmd, err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_PATH;
    } else if (tok_is(verb, "aer")) {
        if (expect_args(ntok, 5, "aer SLOT PORT correctable|nonfatal|fatal COUNT", err, errlen) < 0) return -EINVAL;
        if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
        unsigned long port, count;
        if (pb_parse_uint(toks[2].s, toks[2].len, PB_CTL_MAX_PORTS - 1, &port) < 0)
            return fail(err, errlen, "bad port (0..7)");
        cmd->port = (int)port;
        if (tok_is(&toks[3], "correctable")) cmd->aer_kind = PB_AER_CORRECTABLE;
        else if (tok_is(&toks[3], "nonfatal")) cmd->aer_kind = PB_AER_NONFATAL;
        else if (tok_is(&toks[3], "fatal")) cmd->aer_kind = PB_AER_FATAL;
        else return fail(err, errlen, "aer: correctable, nonfatal or fatal");
        if (pb_parse_uint(toks[4].s, toks[4].len, PB_CTL_MAX_AER, &count) < 0 || count == 0)
            return fail(err, errlen, "bad error count (1..1000000)");
        cmd->count = (int)count;
        cmd->op = PB_CTL_AER;
    } else if (tok_is(verb, "leds")) {
        if (expect_args(ntok, 2, "leds SLOT", err, errlen) < 0) return -EINVAL;
        if (parse_slot(&toks[1], &cmd->slot, err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_LEDS;
    } else if (tok_is(verb, "slots")) {
        if (expect_args(ntok, 1, "slots", err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_SLOTS;
    } else if (tok_is(verb, "help")) {
        if (expect_args(ntok, 1, "help", err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_HELP;
    } else if (tok_is(verb, "quit")) {
        if (expect_args(ntok, 1, "quit", err, errlen) < 0) return -EINVAL;
        cmd->op = PB_CTL_QUIT;
    } else {
        return fail(err, errlen, "unknown command (try help)");
    }
    return 0;
}

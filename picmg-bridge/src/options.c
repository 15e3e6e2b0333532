/* Options string parser: "key=value;key=value". Defensive: bounded lengths, strict keys,
 * no duplicates, empty segments allowed (";;" or a trailing ';'). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pb_internal.h"

static int is_space(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **b, const char **e) {
    while (*b < *e && is_space(**b)) (*b)++;
    while (*e > *b && is_space((*e)[-1])) (*e)--;
}

int pb_opts_parse(const char *s, struct pb_opts *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (s == NULL) return 0;
    size_t len = strnlen(s, PB_OPTIONS_MAX_LEN + 1);
    if (len > PB_OPTIONS_MAX_LEN) {
        snprintf(err, errlen, "options longer than %d bytes", PB_OPTIONS_MAX_LEN);
        return -EINVAL;
    }
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *seg_end = memchr(p, ';', (size_t)(end - p));
        if (!seg_end) seg_end = end;
        const char *kb = p, *ke = seg_end;
        trim(&kb, &ke);
        p = seg_end < end ? seg_end + 1 : end;
        if (kb == ke) continue;
        const char *eq = memchr(kb, '=', (size_t)(ke - kb));
        if (!eq) {
            snprintf(err, errlen, "option '%.*s' has no '='", (int)(ke - kb > 40 ? 40 : ke - kb), kb);
            return -EINVAL;
        }
        const char *vb = eq + 1, *ve = ke;
        ke = eq;
        trim(&kb, &ke);
        trim(&vb, &ve);
        if (kb == ke) {
            snprintf(err, errlen, "option with an empty key");
            return -EINVAL;
        }
        if ((size_t)(ke - kb) >= PB_OPT_KEY_LEN) {
            snprintf(err, errlen, "option key longer than %d bytes", PB_OPT_KEY_LEN - 1);
            return -EINVAL;
        }
        for (const char *c = kb; c < ke; c++) {
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) {
                snprintf(err, errlen, "option key '%.*s': only a-z, 0-9 and _ allowed", (int)(ke - kb), kb);
                return -EINVAL;
            }
        }
        if ((size_t)(ve - vb) >= PB_OPT_VALUE_LEN) {
            snprintf(err, errlen, "option '%.*s': value longer than %d bytes", (int)(ke - kb), kb,
                     PB_OPT_VALUE_LEN - 1);
            return -EINVAL;
        }
        for (const char *c = vb; c < ve; c++) {
            if ((unsigned char)*c < 0x20 || *c == 0x7f) {
                snprintf(err, errlen, "option '%.*s': control character in value", (int)(ke - kb), kb);
                return -EINVAL;
            }
        }
        for (int i = 0; i < out->n; i++) {
            if (strlen(out->opt[i].key) == (size_t)(ke - kb) && memcmp(out->opt[i].key, kb, (size_t)(ke - kb)) == 0) {
                snprintf(err, errlen, "option '%.*s' given twice", (int)(ke - kb), kb);
                return -EINVAL;
            }
        }
        if (out->n >= PB_OPT_MAX) {
            snprintf(err, errlen, "more than %d options", PB_OPT_MAX);
            return -EINVAL;
        }
        struct pb_opt *o = &out->opt[out->n++];
        memcpy(o->key, kb, (size_t)(ke - kb));
        o->key[ke - kb] = '\0';
        memcpy(o->value, vb, (size_t)(ve - vb));
        o->value[ve - vb] = '\0';
    }
    return 0;
}

const char *pb_opts_get(struct pb_opts *o, const char *key) {
    for (int i = 0; i < o->n; i++) {
        if (strcmp(o->opt[i].key, key) == 0) {
            o->opt[i].used = 1;
            return o->opt[i].value;
        }
    }
    return NULL;
}

int pb_opts_check_unused(const struct pb_opts *o, char *err, size_t errlen) {
    for (int i = 0; i < o->n; i++) {
        if (!o->opt[i].used) {
            snprintf(err, errlen, "unknown option '%s'", o->opt[i].key);
            return -EINVAL;
        }
    }
    return 0;
}

int pb_parse_uint(const char *s, size_t len, unsigned long max, unsigned long *out) {
    if (len == 0 || len > 10) return -EINVAL;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -EINVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > max) return -EINVAL;
    }
    *out = v;
    return 0;
}

int pb_parse_hex16(const char *s, size_t len, int *out) {
    if (len != 4) return -EINVAL;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -EINVAL;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

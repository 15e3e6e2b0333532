/* uevent: defensive parser for NETLINK_KOBJECT_UEVENT datagrams. See uevent.h. */
#include "uevent.h"

#include <errno.h>
#include <string.h>

static const struct {
    const char *name;
    enum pb_uevent_action action;
} actions[] = {
    {"add", PB_UEVENT_ADD},       {"remove", PB_UEVENT_REMOVE}, {"change", PB_UEVENT_CHANGE},
    {"move", PB_UEVENT_MOVE},     {"online", PB_UEVENT_ONLINE}, {"offline", PB_UEVENT_OFFLINE},
    {"bind", PB_UEVENT_BIND},     {"unbind", PB_UEVENT_UNBIND},
};

const char *pb_uevent_action_name(enum pb_uevent_action a) {
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (actions[i].action == a) return actions[i].name;
    return "unknown";
}

enum pb_uevent_action pb_uevent_action_from(const char *s, size_t n) {
    if (!s) return PB_UEVENT_UNKNOWN;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strlen(actions[i].name) == n && memcmp(actions[i].name, s, n) == 0)
            return actions[i].action;
    return PB_UEVENT_UNKNOWN;
}

/* A value copied into a field must be printable: no control characters (the kernel never sends
 * them in the keys this parser keeps, and they would corrupt logs downstream). */
static int printable(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) return 0;
    }
    return 1;
}

static int copy_field(char *dst, size_t cap, const char *src, size_t n) {
    if (n >= cap) return -ENAMETOOLONG;
    if (!printable(src, n)) return -EBADMSG;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 1..maxdigits hex digits, nothing else. */
static int parse_hex(const char *s, size_t n, size_t maxdigits, uint32_t *out) {
    if (n == 0 || n > maxdigits) return -EBADMSG;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0) return -EBADMSG;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* "VVVV:DDDD" as PCI_ID and PCI_SUBSYS_ID carry it. */
static int parse_id_pair(const char *s, size_t n, uint16_t *a, uint16_t *b) {
    const char *colon = memchr(s, ':', n);
    if (!colon) return -EBADMSG;
    size_t l = (size_t)(colon - s);
    uint32_t x, y;
    if (parse_hex(s, l, 4, &x) < 0 || parse_hex(colon + 1, n - l - 1, 4, &y) < 0) return -EBADMSG;
    *a = (uint16_t)x;
    *b = (uint16_t)y;
    return 0;
}

/* Decimal without sign, leading zeros allowed, no overflow past `max`. */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out) {
    if (n == 0 || n > 20) return -EBADMSG;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -EBADMSG;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (max - d) / 10) return -EBADMSG;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int key_is(const char *k, size_t kn, const char *name) {
    return strlen(name) == kn && memcmp(k, name, kn) == 0;
}

/* Marks `bit` as seen; a known key given twice makes the datagram ambiguous. */
static int once(struct pb_uevent *ev, unsigned bit) {
    if (ev->have & bit) return -EBADMSG;
    ev->have |= bit;
    return 0;
}

static int parse_pair(struct pb_uevent *ev, const char *s, size_t n, unsigned *seen_action,
                      unsigned *seen_devpath) {
    const char *eq = memchr(s, '=', n);
    if (!eq || eq == s) return -EBADMSG;
    size_t kn = (size_t)(eq - s);
    const char *v = eq + 1;
    size_t vn = n - kn - 1;
    int r;
    uint32_t x;
    uint64_t u;

    if (key_is(s, kn, "ACTION")) {
        if ((*seen_action)++) return -EBADMSG;
        if (pb_uevent_action_from(v, vn) != ev->action) return -EBADMSG;
        return 0;
    }
    if (key_is(s, kn, "DEVPATH")) {
        if ((*seen_devpath)++) return -EBADMSG;
        if (vn != strlen(ev->devpath) || memcmp(v, ev->devpath, vn) != 0) return -EBADMSG;
        return 0;
    }
    if (key_is(s, kn, "DEVPATH_OLD")) {
        if ((r = once(ev, PB_UEV_HAVE_DEVPATH_OLD)) < 0) return r;
        return copy_field(ev->devpath_old, sizeof ev->devpath_old, v, vn);
    }
    if (key_is(s, kn, "SUBSYSTEM")) {
        if ((r = once(ev, PB_UEV_HAVE_SUBSYSTEM)) < 0) return r;
        return copy_field(ev->subsystem, sizeof ev->subsystem, v, vn);
    }
    if (key_is(s, kn, "DEVTYPE")) {
        if ((r = once(ev, PB_UEV_HAVE_DEVTYPE)) < 0) return r;
        return copy_field(ev->devtype, sizeof ev->devtype, v, vn);
    }
    if (key_is(s, kn, "PCI_SLOT_NAME")) {
        if ((r = once(ev, PB_UEV_HAVE_PCI_SLOT_NAME)) < 0) return r;
        return copy_field(ev->pci_slot_name, sizeof ev->pci_slot_name, v, vn);
    }
    if (key_is(s, kn, "PCI_ID")) {
        if ((r = once(ev, PB_UEV_HAVE_PCI_ID)) < 0) return r;
        return parse_id_pair(v, vn, &ev->pci_vendor, &ev->pci_device);
    }
    if (key_is(s, kn, "PCI_SUBSYS_ID")) {
        if ((r = once(ev, PB_UEV_HAVE_PCI_SUBSYS_ID)) < 0) return r;
        return parse_id_pair(v, vn, &ev->pci_subsys_vendor, &ev->pci_subsys_device);
    }
    if (key_is(s, kn, "PCI_CLASS")) {
        if ((r = once(ev, PB_UEV_HAVE_PCI_CLASS)) < 0) return r;
        if ((r = parse_hex(v, vn, 6, &x)) < 0) return r;
        ev->pci_class = x;
        return 0;
    }
    if (key_is(s, kn, "INTERFACE")) {
        if ((r = once(ev, PB_UEV_HAVE_INTERFACE)) < 0) return r;
        if (vn == 0) return -EBADMSG;
        return copy_field(ev->interface, sizeof ev->interface, v, vn);
    }
    if (key_is(s, kn, "IFINDEX")) {
        if ((r = once(ev, PB_UEV_HAVE_IFINDEX)) < 0) return r;
        if ((r = parse_dec(v, vn, 0x7fffffff, &u)) < 0) return r;
        if (u == 0) return -EBADMSG;
        ev->ifindex = (int)u;
        return 0;
    }
    if (key_is(s, kn, "DRIVER")) {
        if ((r = once(ev, PB_UEV_HAVE_DRIVER)) < 0) return r;
        return copy_field(ev->driver, sizeof ev->driver, v, vn);
    }
    if (key_is(s, kn, "SEQNUM")) {
        if ((r = once(ev, PB_UEV_HAVE_SEQNUM)) < 0) return r;
        if ((r = parse_dec(v, vn, UINT64_MAX, &u)) < 0) return r;
        ev->seqnum = u;
        return 0;
    }
    ev->unknown_keys++;
    return 0;
}

static int parse(const char *p, size_t len, struct pb_uevent *ev);

int pb_uevent_parse(const void *buf, size_t len, struct pb_uevent *ev) {
    if (!buf || !ev) return -EINVAL;
    memset(ev, 0, sizeof *ev);
    int r = parse(buf, len, ev);
    if (r < 0) memset(ev, 0, sizeof *ev); /* never hand out half an event */
    return r;
}

static int parse(const char *p, size_t len, struct pb_uevent *ev) {
    if (len >= 7 && memcmp(p, "libudev", 7) == 0) return -ENOMSG;
    if (len == 0 || len > PB_UEVENT_MSG_MAX) return -EMSGSIZE;
    /* Every string, the last included, must end in a NUL inside the datagram: a missing final
     * NUL means the datagram was cut (MSG_TRUNC) or forged. */
    if (p[len - 1] != '\0') return -EBADMSG;

    /* Header "ACTION@DEVPATH". */
    size_t hn = strlen(p); /* bounded: p[len-1] is NUL */
    const char *at = memchr(p, '@', hn);
    if (!at) return -EBADMSG;
    size_t an = (size_t)(at - p);
    ev->action = pb_uevent_action_from(p, an);
    if (ev->action == PB_UEVENT_UNKNOWN) return -EBADMSG;
    const char *dp = at + 1;
    size_t dn = hn - an - 1;
    if (dn == 0 || dp[0] != '/') return -EBADMSG;
    int r = copy_field(ev->devpath, sizeof ev->devpath, dp, dn);
    if (r < 0) return r;

    unsigned seen_action = 0, seen_devpath = 0;
    size_t off = hn + 1;
    while (off < len) {
        const char *s = p + off;
        size_t n = strlen(s); /* bounded by the final NUL */
        off += n + 1;
        if (n == 0) continue; /* tolerate padding NULs */
        if ((r = parse_pair(ev, s, n, &seen_action, &seen_devpath)) < 0) return r;
    }
    return 0;
}

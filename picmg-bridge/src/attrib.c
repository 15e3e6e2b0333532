/* attrib: slot attribution over a sysfs tree. See attrib.h. */
#include "attrib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUNCS_MAX 4096 /* PCI functions considered in one scan: far beyond any chassis */

/* ---- small helpers ------------------------------------------------------------------------- */

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Exactly n (min..max) hex digits at s. */
static int hex_field(const char *s, size_t n, size_t min, size_t max, uint32_t *out) {
    if (n < min || n > max) return -EINVAL;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0) return -EINVAL;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

static size_t trim_len(const char *s, size_t n) {
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return n;
}

/* buf = root + formatted path; root "" and "/" both mean the live system. */
static int mkpath(char *buf, size_t cap, const char *root, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int mkpath(char *buf, size_t cap, const char *root, const char *fmt, ...) {
    size_t rl = strlen(root);
    while (rl > 0 && root[rl - 1] == '/') rl--;
    if (rl >= cap) return -ENAMETOOLONG;
    memcpy(buf, root, rl);
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + rl, cap - rl, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - rl) return -ENAMETOOLONG;
    return 0;
}

/* Reads a small attribute file into buf (NUL-terminated, trailing whitespace removed). A file
 * longer than cap-1 bytes or holding a NUL is refused: -EOVERFLOW / -EINVAL. */
static int read_small(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return -errno;
    size_t got = 0;
    int r = 0;
    for (;;) {
        char extra;
        char *dst = got < cap - 1 ? buf + got : &extra;
        size_t want = got < cap - 1 ? cap - 1 - got : 1;
        ssize_t k = read(fd, dst, want);
        if (k < 0) {
            if (errno == EINTR) continue;
            r = -errno;
            break;
        }
        if (k == 0) break;
        if (dst == &extra) {
            r = -EOVERFLOW;
            break;
        }
        got += (size_t)k;
    }
    close(fd);
    if (r < 0) return r;
    if (memchr(buf, '\0', got)) return -EINVAL;
    got = trim_len(buf, got);
    buf[got] = '\0';
    return (int)got;
}

int pb_attrib_read_int(const char *path, int *out) {
    char buf[32];
    int n = read_small(path, buf, sizeof buf);
    if (n < 0) return n;
    if (n == 0 || n > 9) return -EINVAL;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9') return -EINVAL;
        v = v * 10 + (buf[i] - '0');
    }
    *out = v;
    return 0;
}

/* "0x8086" (the 0x optional), at most maxdigits hex digits. */
static int read_hex_attr(const char *path, size_t maxdigits, uint32_t *out) {
    char buf[32];
    int n = read_small(path, buf, sizeof buf);
    if (n < 0) return n;
    const char *s = buf;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    return hex_field(s, (size_t)n, 1, maxdigits, out);
}

static int plain_name(const char *s) {
    size_t n = strnlen(s, PB_SLOT_NAME_MAX);
    if (n == 0 || n >= PB_SLOT_NAME_MAX) return 0;
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return 0;
    return strchr(s, '/') == NULL;
}

/* ---- addresses ------------------------------------------------------------------------------ */

int pb_pci_addr_parse(const char *s, size_t n, struct pb_pci_addr *a) {
    if (!s || !a) return -EINVAL;
    /* domain ':' bus(2) ':' dev(2) '.' fn(1): the tail is exactly 8 characters. */
    if (n < 4 + 8 || n > 8 + 8) return -EINVAL;
    size_t dl = n - 8;
    const char *t = s + dl;
    if (t[0] != ':' || t[3] != ':' || t[6] != '.') return -EINVAL;
    uint32_t dom, bus, dev, fn;
    if (hex_field(s, dl, 4, 8, &dom) < 0 || hex_field(t + 1, 2, 2, 2, &bus) < 0 ||
        hex_field(t + 4, 2, 2, 2, &dev) < 0 || hex_field(t + 7, 1, 1, 1, &fn) < 0)
        return -EINVAL;
    if (dev > 31 || fn > 7) return -EINVAL;
    a->domain = dom;
    a->bus = (uint8_t)bus;
    a->dev = (uint8_t)dev;
    a->fn = (uint8_t)fn;
    return 0;
}

int pb_slot_addr_parse(const char *s, size_t n, struct pb_slot *slot) {
    if (!s || !slot) return -EINVAL;
    n = trim_len(s, n);
    const char *c1 = memchr(s, ':', n);
    if (!c1) return -EINVAL;
    size_t dl = (size_t)(c1 - s);
    uint32_t dom, bus, dev = 0;
    if (hex_field(s, dl, 4, 8, &dom) < 0) return -EINVAL;
    size_t rest = n - dl - 1;
    const char *b = c1 + 1;
    int whole;
    if (rest == 2) {
        whole = 1;
    } else if (rest == 5 && b[2] == ':') {
        whole = 0;
        if (hex_field(b + 3, 2, 2, 2, &dev) < 0 || dev > 31) return -EINVAL;
    } else {
        return -EINVAL;
    }
    if (hex_field(b, 2, 2, 2, &bus) < 0) return -EINVAL;
    slot->addr.domain = dom;
    slot->addr.bus = (uint8_t)bus;
    slot->addr.dev = (uint8_t)dev;
    slot->addr.fn = 0;
    slot->whole_bus = whole;
    return 0;
}

/* ---- slots ---------------------------------------------------------------------------------- */

static int all_digits(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static int slot_cmp(const void *x, const void *y) {
    const struct pb_slot *a = x, *b = y;
    if (all_digits(a->name) && all_digits(b->name)) {
        size_t la = strlen(a->name), lb = strlen(b->name);
        if (la != lb) return la < lb ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

int pb_attrib_scan_slots(const char *root, struct pb_slot_table *t) {
    if (!root || !t) return -EINVAL;
    memset(t, 0, sizeof *t);
    char path[4096];
    int r = mkpath(path, sizeof path, root, "/sys/bus/pci/slots");
    if (r < 0) return r;
    DIR *d = opendir(path);
    if (!d) return -errno;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (!plain_name(e->d_name) || t->n >= PB_SLOTS_MAX) {
            t->skipped++;
            continue;
        }
        char buf[64];
        struct pb_slot s;
        memset(&s, 0, sizeof s);
        if (mkpath(path, sizeof path, root, "/sys/bus/pci/slots/%s/address", e->d_name) < 0 ||
            (r = read_small(path, buf, sizeof buf)) < 0 || pb_slot_addr_parse(buf, (size_t)r, &s) < 0) {
            t->skipped++;
            continue;
        }
        memcpy(s.name, e->d_name, strlen(e->d_name) + 1); /* plain_name(): < PB_SLOT_NAME_MAX */
        t->slot[t->n++] = s;
    }
    closedir(d);
    qsort(t->slot, t->n, sizeof t->slot[0], slot_cmp);
    return 0;
}

static int slot_matches(const struct pb_slot *s, const struct pb_pci_addr *a) {
    if (s->addr.domain != a->domain || s->addr.bus != a->bus) return 0;
    return s->whole_bus || s->addr.dev == a->dev;
}

int pb_attrib_slot_of_addr(const struct pb_slot_table *t, const struct pb_pci_addr *a) {
    if (!t || !a) return -EINVAL;
    for (unsigned i = 0; i < t->n && i < PB_SLOTS_MAX; i++)
        if (slot_matches(&t->slot[i], a)) return (int)i;
    return -ENOENT;
}

int pb_attrib_slot_of_devpath(const struct pb_slot_table *t, const char *devpath,
                              struct pb_pci_addr *fn, struct pb_pci_addr *in_slot) {
    if (!t || !devpath) return -EINVAL;
    size_t len = strnlen(devpath, 4096);
    if (len >= 4096) return -EINVAL;
    /* Walk the components from the end. */
    int have_fn = 0;
    size_t end = len;
    while (end > 0) {
        while (end > 0 && devpath[end - 1] == '/') end--;
        size_t start = end;
        while (start > 0 && devpath[start - 1] != '/') start--;
        if (start == end) break;
        struct pb_pci_addr a;
        if (pb_pci_addr_parse(devpath + start, end - start, &a) == 0) {
            if (!have_fn) {
                have_fn = 1;
                if (fn) *fn = a;
            }
            int s = pb_attrib_slot_of_addr(t, &a);
            if (s >= 0) {
                if (in_slot) *in_slot = a;
                return s;
            }
        }
        end = start;
    }
    return have_fn ? -ENOENT : -EINVAL;
}

int pb_attrib_read_slot(const char *root, const char *slot, struct pb_slot_attrs *a) {
    if (!root || !slot || !a) return -EINVAL;
    a->adapter = a->power = a->attention = a->latch = -1;
    if (!plain_name(slot)) return -EINVAL;
    char path[4096];
    int r = mkpath(path, sizeof path, root, "/sys/bus/pci/slots/%s", slot);
    if (r < 0) return r;
    if (access(path, F_OK) < 0) return -errno;
    static const char *const names[] = {"adapter", "power", "attention", "latch"};
    int *dst[] = {&a->adapter, &a->power, &a->attention, &a->latch};
    for (size_t i = 0; i < 4; i++) {
        int v;
        if (mkpath(path, sizeof path, root, "/sys/bus/pci/slots/%s/%s", slot, names[i]) < 0) continue;
        if (pb_attrib_read_int(path, &v) == 0) *dst[i] = v;
    }
    return 0;
}

int pb_attrib_parse_aer_total(const char *buf, size_t len, const char *key, uint64_t *out) {
    size_t klen = strlen(key);
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && buf[end] != '\n') end++;
        if (end - i > klen && memcmp(buf + i, key, klen) == 0 && buf[i + klen] == ' ') {
            size_t d = i + klen + 1;
            if (d == end || end - d > 19) return -EINVAL;
            uint64_t v = 0;
            for (; d < end; d++) {
                if (buf[d] < '0' || buf[d] > '9') return -EINVAL;
                v = v * 10 + (uint64_t)(buf[d] - '0');
            }
            *out = v;
            return 0;
        }
        i = end + 1;
    }
    return -EINVAL;
}

int pb_attrib_read_aer(const char *root, const char *pci_name, uint64_t out[PB_AER_KINDS]) {
    static const char *const files[PB_AER_KINDS] = {"aer_dev_correctable", "aer_dev_nonfatal", "aer_dev_fatal"};
    static const char *const keys[PB_AER_KINDS] = {"TOTAL_ERR_COR", "TOTAL_ERR_NONFATAL", "TOTAL_ERR_FATAL"};
    if (!root || !pci_name || !plain_name(pci_name)) return -EINVAL;
    for (int k = 0; k < PB_AER_KINDS; k++) {
        char path[4096], buf[1024];
        int r = mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s/%s", pci_name, files[k]);
        if (r < 0) return r;
        int n = read_small(path, buf, sizeof buf);
        if (n < 0) return n == -ENOENT ? -ENOENT : -EINVAL;
        if (pb_attrib_parse_aer_total(buf, (size_t)n, keys[k], &out[k]) < 0) return -EINVAL;
    }
    return 0;
}

/* ---- functions ------------------------------------------------------------------------------ */

struct name_ent {
    struct pb_pci_addr addr;
    char name[PB_PCI_NAME_MAX];
};

static int addr_cmp(const struct pb_pci_addr *a, const struct pb_pci_addr *b) {
    if (a->domain != b->domain) return a->domain < b->domain ? -1 : 1;
    if (a->bus != b->bus) return a->bus < b->bus ? -1 : 1;
    if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
    if (a->fn != b->fn) return a->fn < b->fn ? -1 : 1;
    return 0;
}

static int name_ent_cmp(const void *x, const void *y) {
    return addr_cmp(&((const struct name_ent *)x)->addr, &((const struct name_ent *)y)->addr);
}

static int ifname_cmp(const void *x, const void *y) {
    return strcmp((const char *)x, (const char *)y);
}

/* Fills *f for the function named `name`; -errno when its ids cannot be read. */
static int read_function(const char *root, const struct pb_slot_table *t, const struct name_ent *ne,
                         struct pb_pci_func *f) {
    char path[4096], link[4096];
    uint32_t v;
    int r;
    memset(f, 0, sizeof *f);
    memcpy(f->name, ne->name, sizeof f->name);
    f->addr = ne->addr;

    static const char *const ids[] = {"vendor", "device", "subsystem_vendor", "subsystem_device"};
    uint16_t *dst[] = {&f->vendor, &f->device, &f->subsys_vendor, &f->subsys_device};
    for (size_t i = 0; i < 4; i++) {
        if ((r = mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s/%s", ne->name, ids[i])) < 0)
            return r;
        if ((r = read_hex_attr(path, 4, &v)) < 0) return r;
        *dst[i] = (uint16_t)v;
    }
    if ((r = mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s/class", ne->name)) < 0) return r;
    if ((r = read_hex_attr(path, 6, &v)) < 0) return r;
    f->class_code = v;

    /* Slot: through the device link's target, which is the function's devpath. */
    f->slot = -1;
    f->in_slot = f->addr;
    if ((r = mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s", ne->name)) < 0) return r;
    ssize_t ln = readlink(path, link, sizeof link - 1);
    if (ln > 0) {
        link[ln] = '\0';
        int s = pb_attrib_slot_of_devpath(t, link, NULL, &f->in_slot);
        f->slot = s >= 0 ? s : -1;
    } else {
        int s = pb_attrib_slot_of_addr(t, &f->addr);
        f->slot = s >= 0 ? s : -1;
    }

    /* Driver: basename of the driver link. */
    if (mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s/driver", ne->name) == 0 &&
        (ln = readlink(path, link, sizeof link - 1)) > 0) {
        link[ln] = '\0';
        const char *base = strrchr(link, '/');
        base = base ? base + 1 : link;
        if (strlen(base) < sizeof f->driver) memcpy(f->driver, base, strlen(base) + 1);
    }

    /* Netdevs: entries of <dev>/net/. */
    if (mkpath(path, sizeof path, root, "/sys/bus/pci/devices/%s/net", ne->name) == 0) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL && f->n_netdev < PB_FUNC_NETDEVS) {
                size_t l = strlen(e->d_name);
                if (e->d_name[0] == '.' || l >= PB_IFNAME_MAX) continue;
                memcpy(f->netdev[f->n_netdev++], e->d_name, l + 1);
            }
            closedir(d);
            qsort(f->netdev, f->n_netdev, sizeof f->netdev[0], ifname_cmp);
        }
    }
    return 0;
}

static int scan(const char *root, const struct pb_slot_table *t, int only_slot, struct pb_pci_func *out,
                size_t max, size_t *n) {
    if (!root || !t || !n || (max > 0 && !out)) return -EINVAL;
    *n = 0;
    char path[4096];
    int r = mkpath(path, sizeof path, root, "/sys/bus/pci/devices");
    if (r < 0) return r;
    DIR *d = opendir(path);
    if (!d) return -errno;
    struct name_ent *names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    r = 0;
    while ((e = readdir(d)) != NULL) {
        struct pb_pci_addr a;
        size_t l = strlen(e->d_name);
        if (l >= PB_PCI_NAME_MAX || pb_pci_addr_parse(e->d_name, l, &a) < 0) continue;
        if (nn >= FUNCS_MAX) break;
        if (nn == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct name_ent *p = realloc(names, nc * sizeof *names);
            if (!p) {
                r = -ENOMEM;
                break;
            }
            names = p;
            cap = nc;
        }
        names[nn].addr = a;
        memcpy(names[nn].name, e->d_name, l + 1);
        nn++;
    }
    closedir(d);
    if (r < 0) {
        free(names);
        return r;
    }
    if (nn) qsort(names, nn, sizeof *names, name_ent_cmp);
    for (size_t i = 0; i < nn; i++) {
        struct pb_pci_func f;
        if (read_function(root, t, &names[i], &f) < 0) continue;
        if (only_slot >= 0 && f.slot != only_slot) continue;
        if (*n >= max) {
            r = -ENOSPC;
            break;
        }
        out[(*n)++] = f;
    }
    free(names);
    return r;
}

int pb_attrib_scan_functions(const char *root, const struct pb_slot_table *t, struct pb_pci_func *out,
                             size_t max, size_t *n) {
    return scan(root, t, -1, out, max, n);
}

int pb_attrib_slot_functions(const char *root, const struct pb_slot_table *t, int slot,
                             struct pb_pci_func *out, size_t max, size_t *n) {
    if (slot < 0 || !t || (unsigned)slot >= t->n) return -EINVAL;
    return scan(root, t, slot, out, max, n);
}

/* ---- uevents seen as backplane events ------------------------------------------------------- */

const char *pb_kev_kind_name(enum pb_kev_kind k) {
    switch (k) {
    case PB_KEV_IGNORE: return "ignore";
    case PB_KEV_FUNC_ADD: return "func-add";
    case PB_KEV_FUNC_REMOVE: return "func-remove";
    case PB_KEV_DRIVER_BIND: return "driver-bind";
    case PB_KEV_DRIVER_UNBIND: return "driver-unbind";
    case PB_KEV_FUNC_CHANGE: return "func-change";
    case PB_KEV_NETDEV_ADD: return "netdev-add";
    case PB_KEV_NETDEV_REMOVE: return "netdev-remove";
    case PB_KEV_NETDEV_MOVE: return "netdev-move";
    }
    return "unknown";
}

int pb_attrib_classify(const struct pb_slot_table *t, const struct pb_uevent *ev, struct pb_kev *out) {
    if (!t || !ev || !out) return -EINVAL;
    memset(out, 0, sizeof *out);
    out->slot = -1;
    out->seqnum = ev->seqnum;
    enum pb_kev_kind k = PB_KEV_IGNORE;
    if (strcmp(ev->subsystem, "pci") == 0) {
        switch (ev->action) {
        case PB_UEVENT_ADD: k = PB_KEV_FUNC_ADD; break;
        case PB_UEVENT_REMOVE: k = PB_KEV_FUNC_REMOVE; break;
        case PB_UEVENT_BIND: k = PB_KEV_DRIVER_BIND; break;
        case PB_UEVENT_UNBIND: k = PB_KEV_DRIVER_UNBIND; break;
        case PB_UEVENT_CHANGE: k = PB_KEV_FUNC_CHANGE; break;
        default: break;
        }
    } else if (strcmp(ev->subsystem, "net") == 0 && (ev->have & PB_UEV_HAVE_INTERFACE)) {
        switch (ev->action) {
        case PB_UEVENT_ADD: k = PB_KEV_NETDEV_ADD; break;
        case PB_UEVENT_REMOVE: k = PB_KEV_NETDEV_REMOVE; break;
        case PB_UEVENT_MOVE: k = PB_KEV_NETDEV_MOVE; break;
        default: break;
        }
    }
    if (k == PB_KEV_IGNORE) return 0;
    int s = pb_attrib_slot_of_devpath(t, ev->devpath, &out->fn, &out->in_slot);
    if (s == -EINVAL) return 0; /* no PCI function in the path: not a card's */
    /* A pci event is about the deepest function of its path and nothing below it. */
    if (k <= PB_KEV_DRIVER_UNBIND) {
        const char *last = strrchr(ev->devpath, '/');
        struct pb_pci_addr self;
        if (!last || pb_pci_addr_parse(last + 1, strlen(last + 1), &self) < 0) return 0;
    }
    out->kind = k;
    out->slot = s >= 0 ? s : -1;
    if (s < 0) out->in_slot = out->fn;
    out->vendor = ev->pci_vendor;
    out->device = ev->pci_device;
    out->subsys_vendor = ev->pci_subsys_vendor;
    out->subsys_device = ev->pci_subsys_device;
    out->class_code = ev->pci_class;
    _Static_assert(sizeof out->driver == sizeof ev->driver, "driver field sizes");
    _Static_assert(sizeof out->ifname == sizeof ev->interface, "ifname field sizes");
    memcpy(out->driver, ev->driver, sizeof out->driver); /* NUL-terminated by the parser */
    memcpy(out->ifname, ev->interface, sizeof out->ifname);
    out->ifindex = ev->ifindex;
    return 0;
}

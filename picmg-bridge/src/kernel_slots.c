/* The kernel backend's model of the chassis: what uevents, rtnetlink link messages and the slot
 * attributes mean for cards and ports, and the inventory read back from sysfs.
 *
 * Rules (README.md, "The kernel backend"):
 *  - A card is announced (CARD_INSERTED) settle_ms after the last PCI function of its slot was
 *    added: the kernel enumerates a card's functions one after another, the timer lets them all
 *    arrive. A netdev registered by one of those functions ends the wait at once (the kernel adds
 *    all of a card's functions before it binds a driver to any); its card is announced, then it.
 *  - A card is gone (CARD_REMOVED, after NETDEV_REMOVED for ports still announced) when its last
 *    function is removed, or when polling sees the slot's adapter go from 1 to 0. When the last
 *    function went with the power and the slot's adapter still reads 1, the card is off instead
 *    (CARD_OFF), and CARD_REMOVED follows when the adapter goes to 0.
 *  - An inventory gives CARD_OFF for a card in an unpowered slot and, after a powered card and its
 *    ports, EXTRACT_REQUEST when its latch is open.
 *  - Polling every poll_ms: latch 1 -> 0 (opened) on a powered card: EXTRACT_REQUEST; back to 1
 *    while still powered and a request is pending: EXTRACT_CANCEL.
 *  - LINK on carrier changes only: a card's port after its NETDEV_ADDED (which is followed by one
 *    LINK with the carrier then), any other interface (bond, onboard) with slot 0.
 * Every function here runs with ctx->lock held. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "kernel.h"

/* ---------- small helpers ---------- */

int k_path(const struct kernel *k, char *buf, size_t cap, const char *fmt, ...) {
    size_t rl = strlen(k->root);
    while (rl > 0 && k->root[rl - 1] == '/') rl--;
    if (rl >= cap) return -ENAMETOOLONG;
    memcpy(buf, k->root, rl);
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + rl, cap - rl, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - rl) return -ENAMETOOLONG;
    return 0;
}

int k_read_int(const char *path, int *out) {
    return pb_attrib_read_int(path, out);
}

/* An interface name safe to put in a path: 1..15 bytes, no '/', not "." or "..". */
static int valid_ifname(const char *s) {
    size_t n = strnlen(s, PB_IFNAME_LEN);
    if (n == 0 || n >= PB_IFNAME_LEN || strchr(s, '/')) return 0;
    return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static void fmt_addr(const struct pb_pci_addr *a, char out[PB_ADDR_LEN]) {
    char buf[32];
    snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", (unsigned)a->domain, a->bus, a->dev, a->fn);
    pb_strlcpy(out, buf, PB_ADDR_LEN);
}

static int addr_cmp(const struct pb_pci_addr *a, const struct pb_pci_addr *b) {
    if (a->domain != b->domain) return a->domain < b->domain ? -1 : 1;
    if (a->bus != b->bus) return a->bus < b->bus ? -1 : 1;
    if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
    if (a->fn != b->fn) return a->fn < b->fn ? -1 : 1;
    return 0;
}

void k_fn_from_pci(const struct pb_pci_func *pf, struct pb_function *out) {
    memset(out, 0, sizeof *out);
    pb_strlcpy(out->address, pf->name, sizeof out->address);
    out->function = pf->addr.fn;
    out->vendor = pf->vendor;
    out->device = pf->device;
    out->subvendor = pf->subsys_vendor;
    out->subdevice = pf->subsys_device;
    out->pci_class = (int32_t)pf->class_code;
}

int k_slot_index(const struct kernel *k, int number) {
    for (unsigned i = 0; i < k->table.n; i++)
        if (k->slots[i].number == number) return (int)i;
    return -1;
}

/* Every PCI function from sysfs into k->scan; the count (functions beyond the buffer are lost). */
static size_t scan_all(struct kernel *k) {
    size_t n = 0;
    int r = pb_attrib_scan_functions(k->root, &k->table, k->scan, K_SCAN_MAX, &n);
    return (r == 0 || r == -ENOSPC) ? n : 0;
}

/* The function at addr as sysfs describes it. 0 or -ENOENT. */
static int sysfs_function(struct kernel *k, const struct pb_pci_addr *addr, struct pb_function *out) {
    size_t n = scan_all(k);
    for (size_t i = 0; i < n; i++) {
        if (addr_cmp(&k->scan[i].addr, addr) == 0) {
            k_fn_from_pci(&k->scan[i], out);
            return 0;
        }
    }
    return -ENOENT;
}

/* ---------- events ---------- */

static void ev_init(struct pb_event *ev, int type, int slot_number, uint64_t now) {
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->slot = slot_number;
    ev->monotonic_ns = now;
}

static void emit_slot(pb_ctx *ctx, int type, const struct kslot *s, uint64_t now) {
    struct pb_event ev;
    ev_init(&ev, type, s->number, now);
    pb_emit(ctx, &ev);
}

/* CARD_INSERTED or CARD_OFF: the slot's card with the functions known of it. */
static void emit_card(pb_ctx *ctx, int type, const struct kslot *s, uint64_t now) {
    struct pb_event ev;
    ev_init(&ev, type, s->number, now);
    ev.nfunctions = s->nfuncs;
    for (int f = 0; f < s->nfuncs; f++) ev.functions[f] = s->funcs[f].fn;
    pb_emit(ctx, &ev);
}

/* The PCI function of a port: from the card's functions, else from sysfs, else its address. */
static void net_function(struct kernel *k, const struct knet *n, struct pb_function *out) {
    const struct kslot *s = &k->slots[n->slot];
    for (int f = 0; f < s->nfuncs; f++) {
        if (addr_cmp(&s->funcs[f].addr, &n->fn) == 0) {
            *out = s->funcs[f].fn;
            return;
        }
    }
    if (sysfs_function(k, &n->fn, out) == 0) return;
    memset(out, 0, sizeof *out);
    fmt_addr(&n->fn, out->address);
    out->function = n->fn.fn;
    out->subvendor = out->subdevice = PB_ID_UNKNOWN;
}

static struct knet *net_by_name(struct kernel *k, const char *name);
static int read_carrier(const struct kernel *k, const struct knet *n);

void k_port_of(pb_ctx *ctx, const char *ifname, struct pb_event *ev) {
    struct kernel *k = kernel_of(ctx);
    const struct knet *n = net_by_name(k, ifname);
    if (n == NULL || n->slot < 0) return;
    ev->slot = k->slots[n->slot].number;
    if (n->has_fn) {
        ev->nfunctions = 1;
        net_function(k, n, &ev->functions[0]);
    }
}

int k_carrier_of(pb_ctx *ctx, const char *ifname) {
    struct kernel *k = kernel_of(ctx);
    const struct knet *n = net_by_name(k, ifname);
    if (n == NULL) return -1;
    return n->carrier >= 0 ? n->carrier : read_carrier(k, n);
}

static void emit_net(pb_ctx *ctx, int type, const struct knet *n, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct pb_event ev;
    ev_init(&ev, type, n->slot >= 0 ? k->slots[n->slot].number : 0, now);
    pb_strlcpy(ev.ifname, n->ifname, sizeof ev.ifname);
    ev.carrier = n->carrier > 0;
    if (n->slot >= 0 && n->has_fn) {
        ev.nfunctions = 1;
        net_function(k, n, &ev.functions[0]);
    }
    pb_emit(ctx, &ev);
}

/* ---------- interfaces ---------- */

static struct knet *net_by_index(struct kernel *k, int ifindex) {
    if (ifindex <= 0) return NULL;
    for (int i = 0; i < k->nnets; i++)
        if (k->nets[i].ifindex == ifindex) return &k->nets[i];
    return NULL;
}

static struct knet *net_by_name(struct kernel *k, const char *name) {
    for (int i = 0; i < k->nnets; i++)
        if (strcmp(k->nets[i].ifname, name) == 0) return &k->nets[i];
    return NULL;
}

/* By ifindex; by name only when one side does not know the ifindex. */
static struct knet *net_find(struct kernel *k, int ifindex, const char *name) {
    struct knet *n = net_by_index(k, ifindex);
    if (n) return n;
    n = net_by_name(k, name);
    if (n && (n->ifindex <= 0 || ifindex <= 0)) return n;
    return NULL;
}

static struct knet *net_new(struct kernel *k, const char *name, int ifindex) {
    if (k->nnets == K_MAX_NETS) return NULL;
    struct knet *n = &k->nets[k->nnets++];
    memset(n, 0, sizeof *n);
    pb_strlcpy(n->ifname, name, sizeof n->ifname);
    n->ifindex = ifindex;
    n->slot = -1;
    n->carrier = -1;
    n->order = ++k->order;
    return n;
}

static void net_del(struct kernel *k, struct knet *n) {
    *n = k->nets[--k->nnets];
}

/* Carrier from sysfs (a down interface has none to read: 0). */
static int read_carrier(const struct kernel *k, const struct knet *n) {
    char path[4096];
    int v;
    if (k_path(k, path, sizeof path, "/sys/class/net/%s/carrier", n->ifname) == 0 && k_read_int(path, &v) == 0)
        return v != 0;
    if (n->has_fn) {
        char a[PB_ADDR_LEN];
        fmt_addr(&n->fn, a);
        if (k_path(k, path, sizeof path, "/sys/bus/pci/devices/%s/net/%s/carrier", a, n->ifname) == 0 &&
            k_read_int(path, &v) == 0)
            return v != 0;
    }
    return 0;
}

static int read_ifindex(const struct kernel *k, const char *fn_name, const char *ifname) {
    char path[4096];
    int v;
    int r = fn_name ? k_path(k, path, sizeof path, "/sys/bus/pci/devices/%s/net/%s/ifindex", fn_name, ifname)
                    : k_path(k, path, sizeof path, "/sys/class/net/%s/ifindex", ifname);
    if (r == 0 && k_read_int(path, &v) == 0 && v > 0) return v;
    return 0;
}

static void announce_net(pb_ctx *ctx, struct knet *n, uint64_t now) {
    n->announced = 1;
    if (n->carrier < 0) n->carrier = read_carrier(kernel_of(ctx), n);
    emit_net(ctx, PB_EV_NETDEV_ADDED, n, now);
    emit_net(ctx, PB_EV_LINK, n, now);
}

/* ---------- cards ---------- */

static void drop_held_nets(struct kernel *k, int slot) {
    for (int i = k->nnets - 1; i >= 0; i--)
        if (k->nets[i].slot == slot && !k->nets[i].announced) net_del(k, &k->nets[i]);
}

/* The card in slot i is gone: its announced ports (highest function first, as the kernel removes
 * them), then the card itself. */
/* ---------- AER ---------- */

/* Reads the function's AER totals; a rise since the last reading is a PB_EV_AER. The first
 * reading of a function only sets where counting starts: errors from before had looked are not
 * news. A function without AER counters is read again each time (cheap: one failed open). */
static void aer_check(pb_ctx *ctx, struct kslot *s, struct kfunc *f, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    uint64_t t[PB_AER_KINDS];
    char name[PB_ADDR_LEN];
    fmt_addr(&f->addr, name);
    if (pb_attrib_read_aer(k->root, name, t) < 0) return;
    struct pb_event ev;
    ev_init(&ev, PB_EV_AER, s->number, now);
    int rose = 0;
    for (int i = 0; i < PB_AER_KINDS; i++) {
        /* A total below the last one: the device was reset under the same name; count from 0. */
        ev.aer_new[i] = !f->aer_known ? 0 : t[i] >= f->aer[i] ? t[i] - f->aer[i] : t[i];
        ev.aer_total[i] = t[i];
        rose |= ev.aer_new[i] != 0;
        f->aer[i] = t[i];
    }
    f->aer_known = 1;
    if (!rose) return;
    ev.nfunctions = 1;
    ev.functions[0] = f->fn;
    pb_emit(ctx, &ev);
}

static void aer_check_all(pb_ctx *ctx, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    for (unsigned i = 0; i < k->table.n; i++) {
        struct kslot *s = &k->slots[i];
        if (!s->announced) continue;
        for (int f = 0; f < s->nfuncs; f++) aer_check(ctx, s, &s->funcs[f], now);
    }
}

/* The slot still holds a card, unpowered: its functions went with the power, not with the card (a
 * cPCI board stays seated after a power-off; QEMU's pciehp slots drop the card instead). */
static int holds_unpowered_card(const struct kernel *k, int i) {
    struct pb_slot_attrs a;
    return pb_attrib_read_slot(k->root, k->table.slot[i].name, &a) == 0 && a.adapter == 1 && a.power == 0;
}

static void card_gone(pb_ctx *ctx, int i, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct kslot *s = &k->slots[i];
    int off = s->announced && holds_unpowered_card(k, i);
    for (;;) {
        struct knet *last = NULL;
        for (int j = 0; j < k->nnets; j++) {
            struct knet *n = &k->nets[j];
            if (n->slot != i || !n->announced) continue;
            if (!last || addr_cmp(&n->fn, &last->fn) > 0) last = n;
        }
        if (!last) break;
        emit_net(ctx, PB_EV_NETDEV_REMOVED, last, now);
        net_del(k, last);
    }
    drop_held_nets(k, i);
    if (s->announced) emit_card(ctx, off ? PB_EV_CARD_OFF : PB_EV_CARD_REMOVED, s, now);
    s->announced = 0;
    s->off = off;
    s->nfuncs = 0;
    s->settle_at = 0;
    s->extract_pending = 0;
}

static void start_settle(struct kernel *k, struct kslot *s, uint64_t now) {
    s->settle_at = now + k->settle_ns;
    if (s->settle_at == 0) s->settle_at = 1;
}

/* Settle time over: the card and the ports it already has. */
static void settle_done(pb_ctx *ctx, int i, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct kslot *s = &k->slots[i];
    s->settle_at = 0;
    if (s->announced) return;
    if (s->nfuncs == 0) {
        /* Only ports were seen (their functions' events were lost): ask sysfs. */
        size_t n = scan_all(k);
        for (size_t j = 0; j < n && s->nfuncs < PB_MAX_FUNCTIONS; j++) {
            if (k->scan[j].slot != i) continue;
            s->funcs[s->nfuncs].addr = k->scan[j].addr;
            k_fn_from_pci(&k->scan[j], &s->funcs[s->nfuncs].fn);
            s->nfuncs++;
        }
        if (s->nfuncs == 0) return;
    }
    s->announced = 1;
    s->off = 0;
    s->extract_pending = 0;
    emit_card(ctx, PB_EV_CARD_INSERTED, s, now);
    for (int f = 0; f < s->nfuncs; f++) aer_check(ctx, s, &s->funcs[f], now); /* where counting starts */
    for (;;) {
        struct knet *first = NULL;
        for (int j = 0; j < k->nnets; j++) {
            struct knet *n = &k->nets[j];
            if (n->slot == i && !n->announced && (!first || n->order < first->order)) first = n;
        }
        if (!first) break;
        announce_net(ctx, first, now);
    }
}

static int func_index(const struct kslot *s, const struct pb_pci_addr *a) {
    for (int f = 0; f < s->nfuncs; f++)
        if (addr_cmp(&s->funcs[f].addr, a) == 0) return f;
    return -1;
}

static void func_add(pb_ctx *ctx, const struct pb_kev *kv, const struct pb_uevent *ev, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct kslot *s = &k->slots[kv->slot];
    struct pb_function fn;
    if (ev->have & PB_UEV_HAVE_PCI_ID) {
        memset(&fn, 0, sizeof fn);
        fmt_addr(&kv->fn, fn.address);
        fn.function = kv->fn.fn;
        fn.vendor = kv->vendor;
        fn.device = kv->device;
        int sub = (ev->have & PB_UEV_HAVE_PCI_SUBSYS_ID) != 0;
        fn.subvendor = sub ? kv->subsys_vendor : PB_ID_UNKNOWN;
        fn.subdevice = sub ? kv->subsys_device : PB_ID_UNKNOWN;
        fn.pci_class = (int32_t)kv->class_code;
    } else if (sysfs_function(k, &kv->fn, &fn) < 0) {
        return; /* no ids anywhere: it is going away already */
    }
    int f = func_index(s, &kv->fn);
    if (f < 0) {
        if (s->nfuncs == PB_MAX_FUNCTIONS) return; /* more than a pb_event can carry */
        f = s->nfuncs;
        while (f > 0 && addr_cmp(&s->funcs[f - 1].addr, &kv->fn) > 0) {
            s->funcs[f] = s->funcs[f - 1];
            f--;
        }
        s->nfuncs++;
        s->funcs[f].aer_known = 0;
    }
    s->funcs[f].addr = kv->fn;
    s->funcs[f].fn = fn;
    /* A function added to a card already announced (a late function, a VF) only joins it. */
    if (!s->announced) start_settle(k, s, now);
}

static void func_remove(pb_ctx *ctx, const struct pb_kev *kv, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct kslot *s = &k->slots[kv->slot];
    int f = func_index(s, &kv->fn);
    if (f < 0) return;
    memmove(&s->funcs[f], &s->funcs[f + 1], (size_t)(s->nfuncs - f - 1) * sizeof s->funcs[0]);
    s->nfuncs--;
    if (s->nfuncs > 0) return;
    if (s->announced) {
        card_gone(ctx, kv->slot, now);
    } else {
        /* In and out within the settle time: nothing to tell. */
        s->settle_at = 0;
        drop_held_nets(k, kv->slot);
    }
}

/* ---------- ports ---------- */

static void netdev_add(pb_ctx *ctx, const struct pb_kev *kv, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    if (!valid_ifname(kv->ifname)) return;
    struct knet *n = net_find(k, kv->ifindex, kv->ifname);
    if (n && n->announced) {
        if (n->slot == kv->slot && addr_cmp(&n->fn, &kv->fn) == 0 && strcmp(n->ifname, kv->ifname) == 0) return;
        /* The ifindex now names another device: the old one went without our knowing. */
        emit_net(ctx, PB_EV_NETDEV_REMOVED, n, now);
        net_del(k, n);
        n = NULL;
    }
    if (!n && !(n = net_new(k, kv->ifname, kv->ifindex))) return;
    pb_strlcpy(n->ifname, kv->ifname, sizeof n->ifname);
    if (kv->ifindex > 0) n->ifindex = kv->ifindex;
    n->slot = kv->slot;
    n->has_fn = 1;
    n->fn = kv->fn;
    n->announced = 0;
    if (n->slot < 0) return; /* a PCI port in no slot: only its carrier is followed (slot 0) */
    struct kslot *s = &k->slots[n->slot];
    if (s->announced) announce_net(ctx, n, now);
    /* A hot-plug driver adds every function of a card (pci_scan_slot) before it binds a driver
     * to any (pci_bus_add_devices): a port registered by a function seen here ends the wait. */
    else if (func_index(s, &n->fn) >= 0) settle_done(ctx, n->slot, now);
    else if (!s->settle_at) start_settle(k, s, now); /* held until its card is announced */
}

static void netdev_remove(pb_ctx *ctx, const struct pb_kev *kv, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct knet *n = net_find(k, kv->ifindex, kv->ifname);
    if (!n) return;
    if (n->announced) emit_net(ctx, PB_EV_NETDEV_REMOVED, n, now);
    net_del(k, n);
}

/* A rename: consumers know ports by name too, so an announced port is reported gone under its
 * old name and added under the new one (same PCI function), followed by its LINK. */
static void netdev_move(pb_ctx *ctx, const struct pb_kev *kv, const struct pb_uevent *ev, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    if (!valid_ifname(kv->ifname)) return;
    struct knet *n = net_by_index(k, kv->ifindex);
    if (!n && (ev->have & PB_UEV_HAVE_DEVPATH_OLD)) {
        const char *old = strrchr(ev->devpath_old, '/');
        n = net_by_name(k, old ? old + 1 : ev->devpath_old);
    }
    if (!n) {
        netdev_add(ctx, kv, now);
        return;
    }
    if (strcmp(n->ifname, kv->ifname) == 0) return;
    if (n->announced) emit_net(ctx, PB_EV_NETDEV_REMOVED, n, now);
    pb_strlcpy(n->ifname, kv->ifname, sizeof n->ifname);
    if (kv->ifindex > 0) n->ifindex = kv->ifindex;
    if (n->announced) {
        emit_net(ctx, PB_EV_NETDEV_ADDED, n, now);
        emit_net(ctx, PB_EV_LINK, n, now);
    }
}

void k_on_uevent(pb_ctx *ctx, const struct pb_uevent *ev, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct pb_kev kv;
    if (pb_attrib_classify(&k->table, ev, &kv) < 0) return;
    switch (kv.kind) {
    case PB_KEV_FUNC_ADD:
        if (kv.slot >= 0) func_add(ctx, &kv, ev, now);
        break;
    case PB_KEV_FUNC_REMOVE:
        if (kv.slot >= 0) func_remove(ctx, &kv, now);
        break;
    case PB_KEV_FUNC_CHANGE: /* the AER driver tells of a recovery: read the counters now, not at the next round */
        if (kv.slot >= 0 && k->slots[kv.slot].announced) {
            struct kslot *s = &k->slots[kv.slot];
            int f = func_index(s, &kv.fn);
            if (f >= 0) aer_check(ctx, s, &s->funcs[f], now);
        }
        break;
    case PB_KEV_NETDEV_ADD: netdev_add(ctx, &kv, now); break;
    case PB_KEV_NETDEV_REMOVE: netdev_remove(ctx, &kv, now); break;
    case PB_KEV_NETDEV_MOVE: netdev_move(ctx, &kv, ev, now); break;
    default: break; /* driver bind/unbind: list_slots reads drivers from sysfs */
    }
}

/* The carrier a link message tells: IFF_LOWER_UP, i.e. running and carrier (what the interface's
 * sysfs carrier file says, and 0 where that file cannot be read because the interface is down).
 * Not IFLA_CARRIER alone: a driver registers its netdev with the carrier on and turns it off just
 * after, so the registration's message would report a link that never was. */
static int link_carrier(const struct pb_rtnl_link *l) { return (l->flags & IFF_LOWER_UP) != 0; }

void k_on_link(pb_ctx *ctx, const struct pb_rtnl_link *l, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    if (l->family != AF_UNSPEC || l->ifindex <= 0) return; /* AF_BRIDGE: a bridge port's duplicate */
    int carrier = link_carrier(l);
    struct knet *n = net_by_index(k, l->ifindex);
    if (l->type == RTM_DELLINK) {
        /* A card's port goes with its uevent; anything else is forgotten here. */
        if (n && n->slot < 0) net_del(k, n);
        return;
    }
    if (l->type != RTM_NEWLINK) return;
    if (!n) {
        /* Not known yet: a new interface, or a port whose uevent is still on its way. An
         * interface sysfs no longer has is gone already: its message is stale. */
        if (!valid_ifname(l->ifname)) return;
        char path[4096], target[4096];
        if (k_path(k, path, sizeof path, "/sys/class/net/%s", l->ifname) < 0 || access(path, F_OK) < 0) return;
        if (!(n = net_new(k, l->ifname, l->ifindex))) return;
        n->carrier = carrier;
        ssize_t tl = readlink(path, target, sizeof target - 1);
        if (tl > 0) {
            target[tl] = '\0';
            struct pb_pci_addr fn;
            int s = pb_attrib_slot_of_devpath(&k->table, target, &fn, NULL);
            if (s >= 0) {
                n->slot = s;
                n->has_fn = 1;
                n->fn = fn;
                return; /* held: NETDEV_ADDED (from its uevent) reports this carrier */
            }
        }
        emit_net(ctx, PB_EV_LINK, n, now);
        return;
    }
    if (n->slot < 0 && l->ifname[0]) pb_strlcpy(n->ifname, l->ifname, sizeof n->ifname);
    if (n->carrier == carrier) return;
    n->carrier = carrier;
    if (n->slot < 0 || n->announced) emit_net(ctx, PB_EV_LINK, n, now);
}

/* ---------- slot attributes ---------- */

static void poll_slot(pb_ctx *ctx, int i, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    struct kslot *s = &k->slots[i];
    struct pb_slot_attrs a;
    if (pb_attrib_read_slot(k->root, k->table.slot[i].name, &a) < 0) return;
    struct pb_slot_attrs old = s->attrs;
    s->attrs = a;
    if (old.adapter == 1 && a.adapter == 0) {
        if (s->announced) {
            card_gone(ctx, i, now);
        } else if (s->off) {
            s->off = 0;
            emit_slot(ctx, PB_EV_CARD_REMOVED, s, now);
        } else {
            s->settle_at = 0;
            s->nfuncs = 0;
            drop_held_nets(k, i);
        }
    }
    if (old.power == 1 && a.power == 0) s->extract_pending = 0;
    if (old.latch >= 0 && a.latch >= 0 && old.latch != a.latch && s->announced && a.power != 0) {
        if (a.latch == 0) {
            s->extract_pending = 1;
            emit_slot(ctx, PB_EV_EXTRACT_REQUEST, s, now);
        } else if (s->extract_pending) {
            s->extract_pending = 0;
            emit_slot(ctx, PB_EV_EXTRACT_CANCEL, s, now);
        }
    }
}

void k_timers(pb_ctx *ctx, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    for (unsigned i = 0; i < k->table.n; i++)
        if (k->slots[i].settle_at && k->slots[i].settle_at <= now) settle_done(ctx, (int)i, now);
    if (k->poll_ns && now >= k->next_poll) {
        for (unsigned i = 0; i < k->table.n; i++) poll_slot(ctx, (int)i, now);
        k->next_poll = now + k->poll_ns;
    }
    if (k->aer_ns && now >= k->next_aer) {
        aer_check_all(ctx, now);
        k->next_aer = now + k->aer_ns;
    }
}

uint64_t k_next_timer(const struct kernel *k) {
    uint64_t t = k->poll_ns ? k->next_poll : UINT64_MAX;
    if (k->aer_ns && k->next_aer < t) t = k->next_aer;
    for (unsigned i = 0; i < k->table.n; i++)
        if (k->slots[i].settle_at && k->slots[i].settle_at < t) t = k->slots[i].settle_at;
    return t;
}

/* ---------- inventory ---------- */

void k_rebuild(pb_ctx *ctx, int emit, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    size_t nall = scan_all(k);
    k->nnets = 0;
    for (unsigned i = 0; i < k->table.n; i++) {
        struct kslot *s = &k->slots[i];
        struct pb_slot_attrs a;
        if (pb_attrib_read_slot(k->root, k->table.slot[i].name, &a) == 0) s->attrs = a;
        s->nfuncs = 0;
        s->settle_at = 0;
        for (size_t j = 0; j < nall && s->nfuncs < PB_MAX_FUNCTIONS; j++) {
            if (k->scan[j].slot != (int)i) continue;
            s->funcs[s->nfuncs].addr = k->scan[j].addr;
            k_fn_from_pci(&k->scan[j], &s->funcs[s->nfuncs].fn);
            s->nfuncs++;
        }
        int present = s->attrs.adapter == 1 || (s->attrs.adapter < 0 && s->nfuncs > 0);
        int powered = s->attrs.power == 1 || (s->attrs.power < 0 && s->nfuncs > 0);
        s->announced = present && powered && s->nfuncs > 0;
        s->off = present && !powered;
        if (!s->announced) s->extract_pending = 0;
        for (int f = 0; f < s->nfuncs; f++) {
            s->funcs[f].aer_known = 0;
            if (s->announced) aer_check(ctx, s, &s->funcs[f], now); /* where counting starts */
        }
    }
    /* The cards' ports, in function order. */
    for (size_t j = 0; j < nall; j++) {
        const struct pb_pci_func *pf = &k->scan[j];
        if (pf->slot < 0) continue;
        for (unsigned d = 0; d < pf->n_netdev; d++) {
            if (!valid_ifname(pf->netdev[d])) continue;
            struct knet *n = net_new(k, pf->netdev[d], read_ifindex(k, pf->name, pf->netdev[d]));
            if (!n) break;
            n->slot = pf->slot;
            n->has_fn = 1;
            n->fn = pf->addr;
            n->announced = k->slots[pf->slot].announced;
            n->carrier = read_carrier(k, n);
        }
    }
    /* Every other interface: the carrier a later change is compared with. */
    char path[4096];
    DIR *d = k_path(k, path, sizeof path, "/sys/class/net") == 0 ? opendir(path) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!valid_ifname(e->d_name) || net_by_name(k, e->d_name)) continue;
            struct knet *n = net_new(k, e->d_name, read_ifindex(k, NULL, e->d_name));
            if (!n) break;
            n->carrier = read_carrier(k, n);
        }
        closedir(d);
    }
    if (!emit) return;
    for (unsigned i = 0; i < k->table.n; i++) {
        struct kslot *s = &k->slots[i];
        if (s->off) emit_card(ctx, PB_EV_CARD_OFF, s, now);
        if (!s->announced) continue;
        emit_card(ctx, PB_EV_CARD_INSERTED, s, now);
        for (int j = 0; j < k->nnets; j++)
            if (k->nets[j].slot == (int)i && k->nets[j].announced) emit_net(ctx, PB_EV_NETDEV_ADDED, &k->nets[j], now);
        for (int j = 0; j < k->nnets; j++)
            if (k->nets[j].slot == (int)i && k->nets[j].announced) emit_net(ctx, PB_EV_LINK, &k->nets[j], now);
        /* A handle opened while nobody listened is still a request (PICMG 2.1: the open handle is it). */
        if (s->attrs.latch == 0) {
            s->extract_pending = 1;
            emit_slot(ctx, PB_EV_EXTRACT_REQUEST, s, now);
        }
    }
}

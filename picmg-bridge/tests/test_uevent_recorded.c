/* Real uevents recorded from Debian's 6.1 kernel in a QEMU chassis (tests/data/uevents-6.1, see its
 * README): a dual-port e1000e in slot 2, a single port in slot 16, netdevs, a software power-off
 * of slot 2 and a handle pull of slot 16. Every datagram goes through the parser; every PCI and
 * net event through slot attribution over a sysfs tree rebuilt from the guest's own snapshot. */
#include "attrib.h"
#include "check.h"
#include "fakesys.h"
#include "uevent.h"

#include <errno.h>
#include <stdlib.h>

#define DATA "data/uevents-6.1"

/* Reads DATA/raw/NNNN.bin; returns its length or -1 when there is no such file. */
static long read_datagram(unsigned n, char *buf, size_t cap) {
    char path[256];
    snprintf(path, sizeof path, DATA "/raw/%04u.bin", n);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t got = fread(buf, 1, cap, f);
    fclose(f);
    return (long)got;
}

/* Rebuilds slots and PCI functions of a snapshot (slots.txt, devices.txt) under root. */
static int rebuild(const char *root, const char *snap) {
    char path[256], line[1024];
    snprintf(path, sizeof path, DATA "/%s/slots.txt", snap);
    int r = fakesys_recorded_slots(root, path);
    if (r < 0) return r;
    snprintf(path, sizeof path, DATA "/%s/devices.txt", snap);
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    while (fgets(line, sizeof line, f)) {
        char *save, *name = strtok_r(line, " \n", &save), *target = strtok_r(NULL, " \n", &save);
        if (!name || !target || strncmp(target, "../../..", 8) != 0) continue;
        const char *v[5] = {"", "", "", "", ""}, *driver = NULL;
        static const char *const keys[5] = {"vendor", "device", "subsystem_vendor", "subsystem_device", "class"};
        const char *net[PB_FUNC_NETDEVS + 1] = {NULL};
        size_t nn = 0;
        for (char *kv; (kv = strtok_r(NULL, " \n", &save));) {
            char *eq = strchr(kv, '=');
            if (!eq) continue;
            *eq++ = '\0';
            for (int i = 0; i < 5; i++)
                if (strcmp(kv, keys[i]) == 0) v[i] = eq;
            if (strcmp(kv, "driver") == 0) driver = eq;
            if (strcmp(kv, "net") == 0 && nn < PB_FUNC_NETDEVS) net[nn++] = eq;
        }
        r |= fakesys_func(root, target + 8, v[0], v[1], v[2], v[3], v[4], driver, net);
    }
    fclose(f);
    return r;
}

static int slot_named(const struct pb_slot_table *t, const char *name) {
    for (unsigned i = 0; i < t->n; i++)
        if (strcmp(t->slot[i].name, name) == 0) return (int)i;
    return -1;
}

TEST(recorded_uevents_parse_and_attribute) {
    char root[256];
    CHECK_INT(fakesys_create(root, sizeof root), 0);
    CHECK_INT(rebuild(root, "sysfs-1-cards"), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    CHECK_INT(t.n, 2);
    int s2 = slot_named(&t, "2"), s16 = slot_named(&t, "16");
    CHECK(s2 >= 0 && s16 >= 0);

    static char buf[PB_UEVENT_MSG_MAX + 1];
    struct pb_uevent ev;
    unsigned n, pci_events[2] = {0}, net_events[2] = {0}, other = 0;
    unsigned fn_added[2] = {0}; /* bitmask of function numbers added per slot */
    unsigned pci_by_action[PB_UEVENT_UNBIND + 1] = {0};
    uint64_t last_seq = 0;
    for (n = 1;; n++) {
        long len = read_datagram(n, buf, sizeof buf);
        if (len < 0) break;
        int r = pb_uevent_parse(buf, (size_t)len, &ev);
        CHECK_INT(r, 0);
        if (r < 0) {
            fprintf(stderr, "datagram %04u rejected\n", n);
            continue;
        }
        CHECK(ev.have & PB_UEV_HAVE_SEQNUM);
        CHECK(ev.seqnum > last_seq);
        last_seq = ev.seqnum;

        int is_pci = strcmp(ev.subsystem, "pci") == 0, is_net = strcmp(ev.subsystem, "net") == 0;
        struct pb_pci_addr fn, in;
        int s = pb_attrib_slot_of_devpath(&t, ev.devpath, &fn, &in);
        if (!is_pci && !is_net) {
            other++;
            /* Driver and module objects have no PCI component; ptp clocks and queues do. */
            if (strncmp(ev.devpath, "/devices/", 9) != 0) CHECK_INT(s, -EINVAL);
            continue;
        }
        /* Expected slot from the bus number: 01 is behind slot 2's port, 02 behind slot 16's. */
        int want = fn.bus == 1 ? s2 : fn.bus == 2 ? s16 : -1;
        CHECK(want >= 0);
        CHECK_INT(s, want);
        if (s != want) fprintf(stderr, "datagram %04u %s attributed to %d\n", n, ev.devpath, s);
        int k = s == s2 ? 0 : 1;
        if (is_pci) {
            pci_events[k]++;
            pci_by_action[ev.action]++;
            /* The kernel's own PCI_SLOT_NAME names the same function. */
            struct pb_pci_addr named;
            CHECK_INT(pb_pci_addr_parse(ev.pci_slot_name, strlen(ev.pci_slot_name), &named), 0);
            CHECK(named.bus == fn.bus && named.dev == fn.dev && named.fn == fn.fn);
            CHECK_INT(ev.pci_vendor, 0x8086);
            CHECK_INT(ev.pci_device, 0x10d3);
            CHECK_INT(ev.pci_class, 0x020000);
            CHECK(ev.have & PB_UEV_HAVE_PCI_SUBSYS_ID);
            if (ev.action == PB_UEVENT_ADD) fn_added[k] |= 1u << in.fn;
            if (ev.action == PB_UEVENT_BIND) CHECK_STR(ev.driver, "e1000e");
        } else {
            net_events[k]++;
            CHECK(ev.have & PB_UEV_HAVE_INTERFACE);
            CHECK(ev.have & PB_UEV_HAVE_IFINDEX);
            /* eth0 = 01:00.0 (ifindex 2), eth1 = 01:00.1 (3), eth2 = 02:00.0 (4). */
            const char *want_if = k == 1 ? "eth2" : fn.fn == 0 ? "eth0" : "eth1";
            CHECK_STR(ev.interface, want_if);
            CHECK_INT(ev.ifindex, k == 1 ? 4 : 2 + fn.fn);
        }
    }
    CHECK_INT(n - 1, 38);
    /* Slot 2: add, bind, unbind, remove for each of two functions; slot 16 for one. */
    CHECK_INT(pci_events[0], 8);
    CHECK_INT(pci_events[1], 4);
    CHECK_INT(pci_by_action[PB_UEVENT_ADD], 3);
    CHECK_INT(pci_by_action[PB_UEVENT_BIND], 3);
    CHECK_INT(pci_by_action[PB_UEVENT_UNBIND], 3);
    CHECK_INT(pci_by_action[PB_UEVENT_REMOVE], 3);
    CHECK_INT(net_events[0], 4);
    CHECK_INT(net_events[1], 2);
    CHECK_INT(other, 38 - 12 - 6);
    CHECK_INT(fn_added[0], 0x3); /* functions 0 and 1 in slot 2 */
    CHECK_INT(fn_added[1], 0x1); /* function 0 in slot 16 */

    /* The rescan view of the same moment: what is in each slot. */
    struct pb_pci_func f[8];
    size_t nf;
    CHECK_INT(pb_attrib_slot_functions(root, &t, s2, f, 8, &nf), 0);
    CHECK_INT(nf, 2);
    if (nf == 2) {
        CHECK_INT(f[0].addr.fn, 0);
        CHECK_INT(f[1].addr.fn, 1);
        CHECK_STR(f[0].netdev[0], "eth0");
        CHECK_STR(f[1].netdev[0], "eth1");
        CHECK_STR(f[1].driver, "e1000e");
        CHECK_INT(f[1].vendor, 0x8086);
        CHECK_INT(f[1].device, 0x10d3);
        CHECK_INT(f[1].subsys_vendor, 0x8086);
        CHECK_INT(f[1].class_code, 0x020000);
    }
    CHECK_INT(pb_attrib_slot_functions(root, &t, s16, f, 8, &nf), 0);
    CHECK_INT(nf, 1);
    if (nf == 1) CHECK_STR(f[0].netdev[0], "eth2");
    struct pb_slot_attrs a;
    CHECK_INT(pb_attrib_read_slot(root, "2", &a), 0);
    CHECK_INT(a.adapter, 1);
    CHECK_INT(a.power, 1);
    CHECK_INT(a.attention, 0);
    CHECK_INT(a.latch, -1); /* pciehp ports without an MRL sensor have no latch file */
    fakesys_destroy(root);
}

TEST(recorded_snapshots_slots_emptied) {
    /* After the power-off of slot 2, only slot 16 holds a function; at the end neither does. */
    static const struct {
        const char *snap;
        size_t in2, in16;
    } steps[] = {{"sysfs-0-boot", 0, 0}, {"sysfs-1-cards", 2, 1}, {"sysfs-2-slot2-off", 0, 1}, {"sysfs-3-end", 0, 0}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char root[256];
        CHECK_INT(fakesys_create(root, sizeof root), 0);
        CHECK_INT(rebuild(root, steps[i].snap), 0);
        struct pb_slot_table t;
        CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
        struct pb_pci_func f[8];
        size_t n2 = 99, n16 = 99;
        CHECK_INT(pb_attrib_slot_functions(root, &t, slot_named(&t, "2"), f, 8, &n2), 0);
        CHECK_INT(pb_attrib_slot_functions(root, &t, slot_named(&t, "16"), f, 8, &n16), 0);
        CHECK_INT(n2, steps[i].in2);
        CHECK_INT(n16, steps[i].in16);
        struct pb_slot_attrs a;
        CHECK_INT(pb_attrib_read_slot(root, "2", &a), 0);
        CHECK_INT(a.power, steps[i].in2 ? 1 : 0);
        fakesys_destroy(root);
    }
}

/* The same datagrams as backplane events: per slot, in the kernel's order. Letters: A add,
 * B bind, U unbind, R remove (pci, with the card's function number), N+/N- netdev add/remove. */
TEST(recorded_uevents_as_backplane_events) {
    char root[256];
    CHECK_INT(fakesys_create(root, sizeof root), 0);
    CHECK_INT(rebuild(root, "sysfs-0-boot"), 0); /* slots only: attribution needs no functions */
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    int s2 = slot_named(&t, "2"), s16 = slot_named(&t, "16");
    char seq[2][256] = {"", ""};
    static char buf[PB_UEVENT_MSG_MAX + 1];
    unsigned ignored = 0;
    for (unsigned n = 1;; n++) {
        long len = read_datagram(n, buf, sizeof buf);
        if (len < 0) break;
        struct pb_uevent ev;
        struct pb_kev k;
        if (pb_uevent_parse(buf, (size_t)len, &ev) < 0) continue;
        CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
        if (k.kind == PB_KEV_IGNORE) {
            ignored++;
            continue;
        }
        CHECK(k.slot == s2 || k.slot == s16);
        char *out = seq[k.slot == s2 ? 0 : 1];
        char item[48];
        switch (k.kind) {
        case PB_KEV_FUNC_ADD: snprintf(item, sizeof item, "A%u ", k.in_slot.fn); break;
        case PB_KEV_FUNC_REMOVE: snprintf(item, sizeof item, "R%u ", k.in_slot.fn); break;
        case PB_KEV_DRIVER_BIND: snprintf(item, sizeof item, "B%u ", k.in_slot.fn); break;
        case PB_KEV_DRIVER_UNBIND: snprintf(item, sizeof item, "U%u ", k.in_slot.fn); break;
        case PB_KEV_NETDEV_ADD: snprintf(item, sizeof item, "N%u+%s ", k.in_slot.fn, k.ifname); break;
        case PB_KEV_NETDEV_REMOVE: snprintf(item, sizeof item, "N%u-%s ", k.in_slot.fn, k.ifname); break;
        default: snprintf(item, sizeof item, "? "); break;
        }
        strncat(out, item, 255 - strlen(out));
    }
    /* Function 1 was device_add'ed first, but only function 0's arrival made the slot present:
     * pciehp then enumerates the card in function order. Power-off removes in reverse order. */
    CHECK_STR(seq[0], "A0 A1 N0+eth0 B0 N1+eth1 B1 N1-eth1 U1 R1 N0-eth0 U0 R0 ");
    CHECK_STR(seq[1], "A0 N0+eth2 B0 N0-eth2 U0 R0 ");
    CHECK_INT(ignored, 20);
    fakesys_destroy(root);
}

/* Slot attribution over fake sysfs trees: a dual-function card behind a root port, a card with a
 * bridge on it, a whole-bus (cPCI-style) slot, functions in no slot, broken slot entries. */
#include "attrib.h"
#include "check.h"
#include "fakesys.h"

#include <errno.h>
#include <stdlib.h>

#define RP2   "/devices/pci0000:00/0000:00:1c.0"
#define RP5   "/devices/pci0000:00/0000:00:1d.0"
#define RP12  "/devices/pci0000:00/0000:00:1e.0"

/* The chassis of these tests:
 *   slot 2  (0000:01:00): dual-port NIC 01:00.0 (eth0) + 01:00.1 (eth1), e1000e
 *   slot 5  (0000:03:00): a card with a bridge 03:00.0 and two NICs 04:01.0 (eth5), 04:02.0
 *   slot 12 (0000:06, whole bus): 06:03.0, unbound
 *   no slot: root ports 00:1c.0, 00:1d.0, 00:1e.0, SATA 00:1f.2
 *   broken slot dirs: "bad" (garbage address), "empty" (no address file) */
static int build(char *root, size_t cap) {
    int r = fakesys_create(root, cap);
    if (r < 0) return r;
    static const char *const eth0[] = {"eth0", NULL}, *const eth1[] = {"eth1", NULL},
                             *const eth5[] = {"eth5", "eth5v", NULL};
    r |= fakesys_slot(root, "2", "0000:01:00\n");
    r |= fakesys_slot(root, "12", "0000:06\n");
    r |= fakesys_slot(root, "5", "0000:03:00");
    r |= fakesys_slot(root, "bad", "0000:zz:00\n");
    r |= fakesys_slot(root, "empty", NULL);
    r |= fakesys_write(root, "sys/bus/pci/slots/2/adapter", "1\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/2/power", "1\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/2/attention", "0\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/5/latch", "1\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/5/attention", "blink\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/5/adapter",
                       "1111111111111111111111111111111111111111111111111111111111111111111\n");
    r |= fakesys_write(root, "sys/bus/pci/slots/5/power", "");
    r |= fakesys_func(root, RP2, "0x8086", "0x2948", "0x0000", "0x0000", "0x060400", "pcieport", NULL);
    r |= fakesys_func(root, RP5, "0x8086", "0x294a", "0x0000", "0x0000", "0x060400", "pcieport", NULL);
    r |= fakesys_func(root, RP12, "0x8086", "0x244e", "0x0000", "0x0000", "0x060401", NULL, NULL);
    r |= fakesys_func(root, "/devices/pci0000:00/0000:00:1f.2", "0x8086", "0x2922", "0x1af4", "0x1100",
                      "0x010601", "ahci", NULL);
    r |= fakesys_func(root, RP2 "/0000:01:00.1", "0x8086", "0x10d3", "0x8086", "0xa01f", "0x020000",
                      "e1000e", eth1);
    r |= fakesys_func(root, RP2 "/0000:01:00.0", "0x8086", "0x10d3", "0x8086", "0xa01f", "0x020000",
                      "e1000e", eth0);
    r |= fakesys_func(root, RP5 "/0000:03:00.0", "0x10b5", "0x8112", "0x0000", "0x0000", "0x060400",
                      "pcieport", NULL);
    r |= fakesys_func(root, RP5 "/0000:03:00.0/0000:04:01.0", "0x8086", "0x1079", "0x1234", "0x5678",
                      "0x020000", "e1000", eth5);
    r |= fakesys_func(root, RP5 "/0000:03:00.0/0000:04:02.0", "0x8086", "0x1079", "0x1234", "0x5678",
                      "0x020000", NULL, NULL);
    r |= fakesys_func(root, RP12 "/0000:06:03.0", "0x1011", "0x0019", "0x0000", "0x0000", "0x020000",
                      NULL, NULL);
    /* Not a function: ignored by the scan. */
    r |= fakesys_mkdir(root, "sys/bus/pci/devices/junk");
    return r;
}

static int slot_named(const struct pb_slot_table *t, const char *name) {
    for (unsigned i = 0; i < t->n; i++)
        if (strcmp(t->slot[i].name, name) == 0) return (int)i;
    return -1;
}

TEST(attrib_pci_addr_parse) {
    struct pb_pci_addr a;
    CHECK_INT(pb_pci_addr_parse("0000:01:00.1", 12, &a), 0);
    CHECK_INT(a.domain, 0);
    CHECK_INT(a.bus, 1);
    CHECK_INT(a.dev, 0);
    CHECK_INT(a.fn, 1);
    CHECK_INT(pb_pci_addr_parse("10000:e1:1f.7", 13, &a), 0);
    CHECK_INT(a.domain, 0x10000);
    CHECK_INT(a.bus, 0xe1);
    CHECK_INT(a.dev, 31);
    CHECK_INT(a.fn, 7);
    CHECK_INT(pb_pci_addr_parse("0000:01:00.1", 11, &a), -EINVAL); /* length is exact */
    CHECK_INT(pb_pci_addr_parse("0000:01:20.0", 12, &a), -EINVAL); /* dev > 31 */
    CHECK_INT(pb_pci_addr_parse("0000:01:00.8", 12, &a), -EINVAL); /* fn > 7 */
    CHECK_INT(pb_pci_addr_parse("000:01:00.1", 11, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse("123456789:01:00.1", 17, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse("pci0000:00", 10, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse("0000:01:00:1", 12, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse("0000:0g:00.1", 12, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse("0000:01:00.1:pcie001", 20, &a), -EINVAL);
    CHECK_INT(pb_pci_addr_parse(NULL, 12, &a), -EINVAL);
}

TEST(attrib_slot_addr_parse) {
    struct pb_slot s;
    CHECK_INT(pb_slot_addr_parse("0000:01:00\n", 11, &s), 0);
    CHECK_INT(s.addr.bus, 1);
    CHECK_INT(s.addr.dev, 0);
    CHECK_INT(s.whole_bus, 0);
    CHECK_INT(pb_slot_addr_parse("0001:0a:1f", 10, &s), 0);
    CHECK_INT(s.addr.domain, 1);
    CHECK_INT(s.addr.bus, 10);
    CHECK_INT(s.addr.dev, 31);
    CHECK_INT(pb_slot_addr_parse("0000:06", 7, &s), 0);
    CHECK_INT(s.whole_bus, 1);
    CHECK_INT(s.addr.bus, 6);
    CHECK_INT(pb_slot_addr_parse("0000:06:", 8, &s), -EINVAL);
    CHECK_INT(pb_slot_addr_parse("0000:01:00.0", 12, &s), -EINVAL);
    CHECK_INT(pb_slot_addr_parse("0000:01:20", 10, &s), -EINVAL);
    CHECK_INT(pb_slot_addr_parse("", 0, &s), -EINVAL);
    CHECK_INT(pb_slot_addr_parse("\n", 1, &s), -EINVAL);
    CHECK_INT(pb_slot_addr_parse(":01:00", 6, &s), -EINVAL);
}

TEST(attrib_scan_slots) {
    char root[256];
    CHECK_INT(build(root, sizeof root), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    CHECK_INT(t.n, 3);
    CHECK_INT(t.skipped, 2);
    CHECK_STR(t.slot[0].name, "2"); /* numeric order */
    CHECK_STR(t.slot[1].name, "5");
    CHECK_STR(t.slot[2].name, "12");
    CHECK_INT(t.slot[2].whole_bus, 1);
    /* Trailing slashes on the root are fine. */
    char root2[300];
    snprintf(root2, sizeof root2, "%s//", root);
    CHECK_INT(pb_attrib_scan_slots(root2, &t), 0);
    CHECK_INT(t.n, 3);
    fakesys_destroy(root);
    CHECK_INT(pb_attrib_scan_slots(root, &t), -ENOENT);
    CHECK_INT(t.n, 0);
    CHECK_INT(pb_attrib_scan_slots(NULL, &t), -EINVAL);
}

TEST(attrib_devpath) {
    char root[256];
    CHECK_INT(build(root, sizeof root), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    int s2 = slot_named(&t, "2"), s5 = slot_named(&t, "5"), s12 = slot_named(&t, "12");
    struct pb_pci_addr fn, in;

    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP2 "/0000:01:00.1/net/eth1", &fn, &in), s2);
    CHECK_INT(fn.fn, 1);
    CHECK_INT(in.fn, 1);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP2 "/0000:01:00.0", &fn, &in), s2);
    CHECK_INT(fn.fn, 0);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "/sys" RP2 "/0000:01:00.1/", &fn, NULL), s2);
    /* Behind the bridge on the slot-5 card: the function is 04:02.0, the slot's component 03:00.0. */
    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP5 "/0000:03:00.0/0000:04:02.0/net/eth9", &fn, &in), s5);
    CHECK_INT(fn.bus, 4);
    CHECK_INT(fn.dev, 2);
    CHECK_INT(in.bus, 3);
    CHECK_INT(in.dev, 0);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP12 "/0000:06:03.0", &fn, &in), s12);
    CHECK_INT(in.dev, 3);
    /* Port service devices hang below a function with a suffixed name: still that function. */
    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP5 "/0000:03:00.0/0000:03:00.0:pcie002", &fn, NULL), s5);
    /* Not in a slot. */
    CHECK_INT(pb_attrib_slot_of_devpath(&t, RP2, &fn, &in), -ENOENT);
    CHECK_INT(fn.dev, 0x1c);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "/devices/pci0000:00/0000:00:1f.2/ata1", NULL, NULL), -ENOENT);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "/devices/pci0000:00/0000:07:00.0", NULL, NULL), -ENOENT);
    /* No PCI component at all. */
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "/devices/virtual/net/lo", NULL, NULL), -EINVAL);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "/bus/pci/drivers/e1000e", NULL, NULL), -EINVAL);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "", NULL, NULL), -EINVAL);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, "///", NULL, NULL), -EINVAL);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, NULL, NULL, NULL), -EINVAL);

    struct pb_pci_addr a = {0, 1, 0, 1};
    CHECK_INT(pb_attrib_slot_of_addr(&t, &a), s2);
    a.dev = 1;
    CHECK_INT(pb_attrib_slot_of_addr(&t, &a), -ENOENT);
    a = (struct pb_pci_addr){0, 6, 17, 2};
    CHECK_INT(pb_attrib_slot_of_addr(&t, &a), s12);
    a.domain = 1;
    CHECK_INT(pb_attrib_slot_of_addr(&t, &a), -ENOENT);
    fakesys_destroy(root);
}

TEST(attrib_aer_totals) {
    static const char cor[] = "RxErr 2\nBadTLP 1\nBadDLLP 0\nTOTAL_ERR_COR 3\n";
    uint64_t v = 7;
    CHECK_INT(pb_attrib_parse_aer_total(cor, sizeof cor - 1, "TOTAL_ERR_COR", &v), 0);
    CHECK(v == 3);
    /* The last line need not end in a newline; a key is a whole word. */
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_FATAL 9999999999999999999", 35, "TOTAL_ERR_FATAL", &v), 0);
    CHECK(v == 9999999999999999999u);
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_CORX 3\n", 17, "TOTAL_ERR_COR", &v), -EINVAL);
    CHECK_INT(pb_attrib_parse_aer_total(cor, sizeof cor - 1, "TOTAL_ERR_FATAL", &v), -EINVAL);
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_COR -1\n", 17, "TOTAL_ERR_COR", &v), -EINVAL);
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_COR \n", 15, "TOTAL_ERR_COR", &v), -EINVAL);
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_COR 123456789012345678901\n", 35, "TOTAL_ERR_COR", &v), -EINVAL);
    /* Never past len: the count cut off by the length is not read. */
    CHECK_INT(pb_attrib_parse_aer_total("TOTAL_ERR_COR 5", 13, "TOTAL_ERR_COR", &v), -EINVAL);

    char root[256];
    CHECK_INT(fakesys_create(root, sizeof root), 0);
    uint64_t t[PB_AER_KINDS];
    CHECK_INT(pb_attrib_read_aer(root, "0000:01:00.0", t), -ENOENT); /* no AER counters */
    CHECK_INT(fakesys_write(root, "sys/bus/pci/devices/0000:01:00.0/aer_dev_correctable", cor), 0);
    CHECK_INT(fakesys_write(root, "sys/bus/pci/devices/0000:01:00.0/aer_dev_nonfatal", "Undefined 0\nTOTAL_ERR_NONFATAL 1\n"), 0);
    CHECK_INT(fakesys_write(root, "sys/bus/pci/devices/0000:01:00.0/aer_dev_fatal", "DLP 0\nTOTAL_ERR_FATAL 0\n"), 0);
    CHECK_INT(pb_attrib_read_aer(root, "0000:01:00.0", t), 0);
    CHECK(t[PB_AER_CORRECTABLE] == 3 && t[PB_AER_NONFATAL] == 1 && t[PB_AER_FATAL] == 0);
    CHECK_INT(fakesys_write(root, "sys/bus/pci/devices/0000:01:00.0/aer_dev_fatal", "garbage\n"), 0);
    CHECK_INT(pb_attrib_read_aer(root, "0000:01:00.0", t), -EINVAL);
    CHECK_INT(pb_attrib_read_aer(root, "../x", t), -EINVAL);
    fakesys_destroy(root);
}

TEST(attrib_read_slot) {
    char root[256];
    CHECK_INT(build(root, sizeof root), 0);
    struct pb_slot_attrs a;
    CHECK_INT(pb_attrib_read_slot(root, "2", &a), 0);
    CHECK_INT(a.adapter, 1);
    CHECK_INT(a.power, 1);
    CHECK_INT(a.attention, 0);
    CHECK_INT(a.latch, -1); /* absent */
    CHECK_INT(pb_attrib_read_slot(root, "5", &a), 0);
    CHECK_INT(a.latch, 1);
    CHECK_INT(a.attention, -1); /* not a number */
    CHECK_INT(a.adapter, -1);   /* oversized */
    CHECK_INT(a.power, -1);     /* empty */
    CHECK_INT(pb_attrib_read_slot(root, "7", &a), -ENOENT);
    CHECK_INT(pb_attrib_read_slot(root, "..", &a), -EINVAL);
    CHECK_INT(pb_attrib_read_slot(root, "2/../5", &a), -EINVAL);
    CHECK_INT(pb_attrib_read_slot(root, "", &a), -EINVAL);
    fakesys_destroy(root);
}

TEST(attrib_scan_functions) {
    char root[256];
    CHECK_INT(build(root, sizeof root), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    int s2 = slot_named(&t, "2"), s5 = slot_named(&t, "5"), s12 = slot_named(&t, "12");
    struct pb_pci_func f[16];
    size_t n = 99;
    CHECK_INT(pb_attrib_scan_functions(root, &t, f, 16, &n), 0);
    CHECK_INT(n, 10);
    if (n != 10) goto out;
    /* Sorted by address. */
    CHECK_STR(f[0].name, "0000:00:1c.0");
    CHECK_INT(f[0].slot, -1);
    CHECK_STR(f[0].driver, "pcieport");
    CHECK_STR(f[3].name, "0000:00:1f.2");
    CHECK_INT(f[3].slot, -1);
    CHECK_INT(f[3].class_code, 0x010601);
    CHECK_STR(f[4].name, "0000:01:00.0");
    CHECK_INT(f[4].slot, s2);
    CHECK_STR(f[5].name, "0000:01:00.1");
    CHECK_INT(f[5].slot, s2);
    CHECK_INT(f[5].addr.fn, 1);
    CHECK_INT(f[5].vendor, 0x8086);
    CHECK_INT(f[5].device, 0x10d3);
    CHECK_INT(f[5].subsys_vendor, 0x8086);
    CHECK_INT(f[5].subsys_device, 0xa01f);
    CHECK_INT(f[5].class_code, 0x020000);
    CHECK_STR(f[5].driver, "e1000e");
    CHECK_INT(f[5].n_netdev, 1);
    CHECK_STR(f[5].netdev[0], "eth1");
    CHECK_STR(f[6].name, "0000:03:00.0");
    CHECK_INT(f[6].slot, s5);
    CHECK_STR(f[7].name, "0000:04:01.0");
    CHECK_INT(f[7].slot, s5);
    CHECK_INT(f[7].in_slot.bus, 3);
    CHECK_STR(f[7].driver, "e1000");
    CHECK_INT(f[7].n_netdev, 2);
    CHECK_STR(f[7].netdev[0], "eth5");
    CHECK_STR(f[7].netdev[1], "eth5v");
    CHECK_STR(f[8].name, "0000:04:02.0");
    CHECK_INT(f[8].slot, s5);
    CHECK_STR(f[8].driver, "");
    CHECK_INT(f[8].n_netdev, 0);
    CHECK_STR(f[9].name, "0000:06:03.0");
    CHECK_INT(f[9].slot, s12);

    /* Per slot: slot 2 holds functions 0 and 1 of one card. */
    CHECK_INT(pb_attrib_slot_functions(root, &t, s2, f, 16, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(f[0].addr.fn, 0);
    CHECK_INT(f[1].addr.fn, 1);
    CHECK_INT(pb_attrib_slot_functions(root, &t, s5, f, 16, &n), 0);
    CHECK_INT(n, 3);
    CHECK_INT(pb_attrib_slot_functions(root, &t, 3, f, 16, &n), -EINVAL);
    CHECK_INT(pb_attrib_slot_functions(root, &t, -1, f, 16, &n), -EINVAL);

    /* Too small a buffer: the first ones, and -ENOSPC. */
    CHECK_INT(pb_attrib_slot_functions(root, &t, s5, f, 2, &n), -ENOSPC);
    CHECK_INT(n, 2);
    CHECK_STR(f[0].name, "0000:03:00.0");
    CHECK_INT(pb_attrib_scan_functions(root, &t, NULL, 0, &n), -ENOSPC);
    CHECK_INT(n, 0);

    /* A function whose ids are unreadable (going away) is left out; so is a malformed id. */
    CHECK_INT(fakesys_write(root, "sys" RP2 "/0000:01:00.1/vendor", "0xzz\n"), 0);
    CHECK_INT(fakesys_write(root, "sys" RP5 "/0000:03:00.0/0000:04:02.0/class", "0x1234567\n"), 0);
    CHECK_INT(pb_attrib_scan_functions(root, &t, f, 16, &n), 0);
    CHECK_INT(n, 8);
out:
    fakesys_destroy(root);
    CHECK_INT(pb_attrib_scan_functions(root, &t, f, 16, &n), -ENOENT);
}

#define UEV(lit) (lit), (sizeof(lit) - 1)

TEST(attrib_classify) {
    char root[256];
    CHECK_INT(build(root, sizeof root), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    int s2 = slot_named(&t, "2"), s5 = slot_named(&t, "5");
    struct pb_uevent ev;
    struct pb_kev k;

    CHECK_INT(pb_uevent_parse(UEV("add@" RP2 "/0000:01:00.1\0SUBSYSTEM=pci\0PCI_ID=8086:10D3\0"
                                  "PCI_SUBSYS_ID=8086:A01F\0PCI_CLASS=20000\0SEQNUM=9\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_FUNC_ADD);
    CHECK_STR(pb_kev_kind_name(k.kind), "func-add");
    CHECK_INT(k.slot, s2);
    CHECK_INT(k.fn.fn, 1);
    CHECK_INT(k.device, 0x10d3);
    CHECK_INT(k.subsys_device, 0xa01f);
    CHECK_INT(k.class_code, 0x020000);
    CHECK_INT(k.seqnum, 9);

    CHECK_INT(pb_uevent_parse(UEV("bind@" RP5 "/0000:03:00.0/0000:04:01.0\0SUBSYSTEM=pci\0DRIVER=e1000\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_DRIVER_BIND);
    CHECK_INT(k.slot, s5);
    CHECK_INT(k.fn.bus, 4);
    CHECK_INT(k.in_slot.bus, 3);
    CHECK_STR(k.driver, "e1000");

    CHECK_INT(pb_uevent_parse(UEV("remove@" RP2 "/0000:01:00.0/net/eth0\0SUBSYSTEM=net\0INTERFACE=eth0\0IFINDEX=2\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_NETDEV_REMOVE);
    CHECK_INT(k.slot, s2);
    CHECK_STR(k.ifname, "eth0");
    CHECK_INT(k.ifindex, 2);

    CHECK_INT(pb_uevent_parse(UEV("move@" RP2 "/0000:01:00.0/net/lan0\0SUBSYSTEM=net\0INTERFACE=lan0\0IFINDEX=2\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_NETDEV_MOVE);
    CHECK_STR(k.ifname, "lan0");

    /* Not in a slot: kept, slot -1. */
    CHECK_INT(pb_uevent_parse(UEV("add@/devices/pci0000:00/0000:00:1f.2\0SUBSYSTEM=pci\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_FUNC_ADD);
    CHECK_INT(k.slot, -1);
    CHECK_INT(k.in_slot.dev, 0x1f);

    /* Ignored: virtual netdev, ptp clock, queues, driver object, change on a pci device, a net
     * event without INTERFACE, a "pci" event whose path does not end in a function. */
    static const struct {
        const char *m;
        size_t n;
    } ign[] = {
        {UEV("add@/devices/virtual/net/bond0\0SUBSYSTEM=net\0INTERFACE=bond0\0IFINDEX=9\0")},
        {UEV("add@" RP2 "/0000:01:00.0/ptp/ptp0\0SUBSYSTEM=ptp\0")},
        {UEV("add@" RP2 "/0000:01:00.0/net/eth0/queues/rx-0\0SUBSYSTEM=queues\0")},
        {UEV("add@/bus/pci/drivers/e1000e\0SUBSYSTEM=drivers\0")},
        {UEV("add@" RP2 "/0000:01:00.0/net/eth0\0SUBSYSTEM=net\0")},
        {UEV("add@" RP2 "/0000:01:00.0/thing\0SUBSYSTEM=pci\0")},
    };
    for (size_t i = 0; i < sizeof ign / sizeof ign[0]; i++) {
        CHECK_INT(pb_uevent_parse(ign[i].m, ign[i].n, &ev), 0);
        CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
        CHECK_INT(k.kind, PB_KEV_IGNORE);
        CHECK_INT(k.slot, -1);
    }
    /* A device's change (among others the AER driver's recovery report): the function is named. */
    CHECK_INT(pb_uevent_parse(UEV("change@" RP2 "/0000:01:00.0\0SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_FUNC_CHANGE);
    CHECK_INT(k.slot, 0);
    CHECK_STR(pb_kev_kind_name(k.kind), "func-change");
    CHECK_INT(pb_attrib_classify(&t, NULL, &k), -EINVAL);
    CHECK_STR(pb_kev_kind_name((enum pb_kev_kind)42), "unknown");
    fakesys_destroy(root);
}

/* A slot behind a slot: a carrier board in slot 7 (its bridge 08:00.0) with a hot-swap slot of
 * its own, slot 8, on the carrier's secondary bus (09:01), holding a NIC. Both slots match the
 * NIC's path; the NIC is the inner slot's, the carrier's bridge the outer one's. */
#define RP7 "/devices/pci0000:00/0000:00:1b.0"
#define CARRIER RP7 "/0000:08:00.0"
#define NIC CARRIER "/0000:09:01.0"

static int build_nested(char *root, size_t cap) {
    int r = fakesys_create(root, cap);
    if (r < 0) return r;
    static const char *const eth7[] = {"eth7", NULL};
    r |= fakesys_slot(root, "7", "0000:08:00\n");
    r |= fakesys_slot(root, "8", "0000:09:01\n");
    r |= fakesys_func(root, RP7, "0x8086", "0x2940", "0x0000", "0x0000", "0x060400", "pcieport", NULL);
    r |= fakesys_func(root, CARRIER, "0x10b5", "0x8112", "0x0000", "0x0000", "0x060400", "pcieport", NULL);
    r |= fakesys_func(root, NIC, "0x8086", "0x10d3", "0x8086", "0xa01f", "0x020000", "e1000e", eth7);
    return r;
}

TEST(attrib_nested_slots_take_the_deepest) {
    char root[256];
    CHECK_INT(build_nested(root, sizeof root), 0);
    struct pb_slot_table t;
    CHECK_INT(pb_attrib_scan_slots(root, &t), 0);
    int s7 = slot_named(&t, "7"), s8 = slot_named(&t, "8");
    CHECK(s7 >= 0 && s8 >= 0 && s7 != s8);
    struct pb_pci_addr fn, in;

    CHECK_INT(pb_attrib_slot_of_devpath(&t, NIC "/net/eth7", &fn, &in), s8);
    CHECK_INT(in.bus, 9);
    CHECK_INT(in.dev, 1);
    CHECK_INT(pb_attrib_slot_of_devpath(&t, CARRIER, &fn, &in), s7);

    struct pb_pci_func f[8];
    size_t n = 0;
    CHECK_INT(pb_attrib_scan_functions(root, &t, f, 8, &n), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(f[1].name, "0000:08:00.0");
        CHECK_INT(f[1].slot, s7);
        CHECK_STR(f[2].name, "0000:09:01.0");
        CHECK_INT(f[2].slot, s8);
    }

    struct pb_uevent ev;
    struct pb_kev k;
    CHECK_INT(pb_uevent_parse(UEV("add@" NIC "/net/eth7\0SUBSYSTEM=net\0INTERFACE=eth7\0IFINDEX=7\0"), &ev), 0);
    CHECK_INT(pb_attrib_classify(&t, &ev, &k), 0);
    CHECK_INT(k.kind, PB_KEV_NETDEV_ADD);
    CHECK_INT(k.slot, s8);
    fakesys_destroy(root);
}

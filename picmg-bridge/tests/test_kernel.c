/* The kernel backend end to end through the public API: a fake sysfs tree (rebuilt from the
 * snapshots a real 6.1 kernel gave, tests/data/uevents-6.1), the uevents that kernel sent,
 * rtnetlink messages built here, and slot attributes changed under the backend's polling. */
#include "check.h"
#include "fakesys.h"
#include "kernel_rig.h"
#include "pb_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define OPTS "settle_ms=30;poll_ms=10"
#define QUIET 200 /* ms without events that ends a drain: well beyond settle and poll */

#define RP2 "/devices/pci0000:00/0000:00:04.0"
#define RP16 "/devices/pci0000:00/0000:00:05.0"
#define FN_2_0 "0000:01:00.0=8086:10d3/8086:0000/020000"
#define FN_2_1 "0000:01:00.1=8086:10d3/8086:0000/020000"
#define FN_16_0 "0000:02:00.0=8086:10d3/8086:0000/020000"
#define INS2 "ins2[" FN_2_0 "," FN_2_1 "]"
#define INS16 "ins16[" FN_16_0 "]"

static char out[8192];

/* ---- rtnetlink messages ---- */

struct nlbuf {
    unsigned char b[4096];
    size_t len, msg;
};

static void put(struct nlbuf *nb, const void *p, size_t n) {
    memcpy(nb->b + nb->len, p, n);
    nb->len += n;
}

/* A link message; carrier 1 sets IFF_UP|IFF_RUNNING|IFF_LOWER_UP and IFLA_CARRIER 1. */
static void newlink_flags(struct nlbuf *nb, uint16_t type, unsigned char family, int index, const char *name,
                          unsigned flags, int carrier_attr);

static void newlink(struct nlbuf *nb, uint16_t type, unsigned char family, int index, const char *name,
                    int carrier) {
    newlink_flags(nb, type, family, index, name, IFF_UP | (carrier ? IFF_RUNNING | IFF_LOWER_UP : 0u), carrier);
}

static void newlink_flags(struct nlbuf *nb, uint16_t type, unsigned char family, int index, const char *name,
                          unsigned flags, int carrier) {
    nb->len = (nb->len + 3) & ~(size_t)3;
    nb->msg = nb->len;
    struct nlmsghdr h = {.nlmsg_type = type};
    put(nb, &h, sizeof h);
    struct ifinfomsg ifi = {.ifi_family = family, .ifi_index = index, .ifi_flags = flags};
    put(nb, &ifi, sizeof ifi);
    struct rtattr a = {.rta_len = (unsigned short)(sizeof a + strlen(name) + 1), .rta_type = IFLA_IFNAME};
    put(nb, &a, sizeof a);
    put(nb, name, strlen(name) + 1);
    nb->len = (nb->len + 3) & ~(size_t)3;
    unsigned char c = (unsigned char)carrier;
    struct rtattr ca = {.rta_len = sizeof ca + 1, .rta_type = IFLA_CARRIER};
    put(nb, &ca, sizeof ca);
    put(nb, &c, 1);
    nb->len = (nb->len + 3) & ~(size_t)3;
    uint32_t l = (uint32_t)(nb->len - nb->msg);
    memcpy(nb->b + nb->msg, &l, sizeof l);
}

static int send_link(struct krig *r, int index, const char *name, int carrier) {
    struct nlbuf nb = {.len = 0};
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, index, name, carrier);
    return krig_send_rtnl(r, nb.b, nb.len);
}

#define UEV(lit) (lit), (sizeof(lit) - 1)

/* ---- (1) the recorded hot-plug sequence ---- */

TEST(kernel_recorded_sequence) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-0-boot"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);

    /* The cards come: slots turn present, pciehp enumerates 01:00.0, 01:00.1, 02:00.0. */
    CHECK_INT(krig_apply(r.root, "sysfs-1-cards"), 0);
    CHECK_INT(krig_send_recorded(&r, 1, 3), 0);
    struct pb_event ev;
    CHECK_INT(pb_next_event(r.ctx, &ev, 2000), 1);
    CHECK_INT(ev.type, PB_EV_CARD_INSERTED);
    CHECK_INT(ev.slot, 2);
    CHECK_INT(ev.nfunctions, 2);
    CHECK_STR(ev.functions[0].address, "0000:01:00.0");
    CHECK_INT(ev.functions[0].function, 0);
    CHECK_INT(ev.functions[1].function, 1);
    CHECK_INT(ev.functions[1].vendor, 0x8086);
    CHECK_INT(ev.functions[1].device, 0x10d3);
    CHECK_INT(ev.functions[1].subvendor, 0x8086);
    CHECK_INT(ev.functions[1].subdevice, 0);
    CHECK_INT(ev.functions[1].pci_class, 0x020000);
    CHECK(ev.monotonic_ns > 0);
    CHECK_INT(krig_drain(&r, QUIET, out, sizeof out), 1);
    CHECK_STR(out, INS16);

    /* e1000e loads: ptp clocks, netdevs, queues, binds. */
    CHECK_INT(krig_send_recorded(&r, 4, 20), 0);
    CHECK_INT(pb_next_event(r.ctx, &ev, 2000), 1);
    CHECK_INT(ev.type, PB_EV_NETDEV_ADDED);
    CHECK_INT(ev.slot, 2);
    CHECK_STR(ev.ifname, "eth0");
    CHECK_INT(ev.nfunctions, 1);
    CHECK_INT(ev.functions[0].device, 0x10d3);
    CHECK_INT(ev.functions[0].subvendor, 0x8086);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "link2:eth0=1 add2:eth1@0000:01:00.1 link2:eth1=1 add16:eth2@0000:02:00.0 link16:eth2=1");

    /* echo 0 > slots/2/power: function 1 then 0 go, each net, unbind, pci remove. */
    CHECK_INT(krig_send_recorded(&r, 21, 32), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "del2:eth1@0000:01:00.1 del2:eth0@0000:01:00.0 rm2");
    CHECK_INT(krig_apply(r.root, "sysfs-2-slot2-off"), 0);
    CHECK_INT(krig_drain(&r, QUIET, out, sizeof out), 0); /* adapter 1 -> 0 of a card already gone */

    struct pb_slot_info si[4];
    CHECK_INT(pb_list_slots(r.ctx, si, 4), 2);
    CHECK_INT(si[0].slot, 2);
    CHECK_INT(si[0].present, 0);
    CHECK_INT(si[0].nfunctions, 0);
    CHECK_INT(si[1].slot, 16);
    CHECK_INT(si[1].present, 1);
    CHECK_INT(si[1].powered, 1);
    CHECK_INT(si[1].nfunctions, 1);
    CHECK_STR(si[1].functions[0].driver, "e1000e");
    CHECK_STR(si[1].functions[0].ifname, "eth2");

    /* The slot-16 handle (attention button): the same, after pciehp's abort window. */
    CHECK_INT(krig_send_recorded(&r, 33, 38), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "del16:eth2@0000:02:00.0 rm16");
    CHECK_INT(krig_apply(r.root, "sysfs-3-end"), 0);
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "resync");
out:
    krig_destroy(&r);
}

/* A driver already loaded: the netdevs come within the settle time; they follow their card. */
TEST(kernel_recorded_netdevs_wait_for_their_card) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_apply(r.root, "sysfs-0-boot"), 0); /* slots empty at open */
    CHECK_INT(krig_open(&r, "settle_ms=100;poll_ms=10"), 0);
    if (!r.ctx) goto out;
    CHECK_INT(krig_apply(r.root, "sysfs-1-cards"), 0);
    CHECK_INT(krig_send_recorded(&r, 1, 20), 0);
    krig_drain(&r, 300, out, sizeof out);
    CHECK_STR(out, INS2 " add2:eth0@0000:01:00.0 link2:eth0=1 add2:eth1@0000:01:00.1 link2:eth1=1 " INS16
                   " add16:eth2@0000:02:00.0 link16:eth2=1");
out:
    krig_destroy(&r);
}

/* A port of a card ends its settle time: the kernel added all the card's functions before it
 * bound the driver that registered the port. A card still without one waits its settle time. */
TEST(kernel_recorded_a_port_ends_its_cards_settle_time) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_apply(r.root, "sysfs-0-boot"), 0);
    CHECK_INT(krig_open(&r, "settle_ms=60000;poll_ms=10"), 0);
    if (!r.ctx) goto out;
    CHECK_INT(krig_apply(r.root, "sysfs-1-cards"), 0);
    CHECK_INT(krig_send_recorded(&r, 1, 5), 0); /* the three functions, then slot 2's eth0 */
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, INS2 " add2:eth0@0000:01:00.0 link2:eth0=1");
out:
    krig_destroy(&r);
}

/* In and out within the settle time, no port registered: nothing to tell, and the inventory agrees. */
TEST(kernel_recorded_in_and_out_within_settle) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-0-boot"), 0);
    CHECK_INT(krig_open(&r, "settle_ms=300;poll_ms=10"), 0);
    if (!r.ctx) goto out;
    CHECK_INT(krig_send_recorded(&r, 1, 3), 0); /* the functions' adds */
    CHECK_INT(krig_send_recorded(&r, 26, 26), 0); /* and their removes */
    CHECK_INT(krig_send_recorded(&r, 32, 32), 0);
    CHECK_INT(krig_send_recorded(&r, 38, 38), 0);
    CHECK_INT(krig_drain(&r, 500, out, sizeof out), 0);
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "resync");
out:
    krig_destroy(&r);
}

/* ---- (2) inventory ---- */

TEST(kernel_snapshot_and_resync) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0); /* open queues nothing: pb_resync does */
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, INS2 " add2:eth0@0000:01:00.0 add2:eth1@0000:01:00.1 link2:eth0=1 link2:eth1=1 " INS16
                   " add16:eth2@0000:02:00.0 link16:eth2=1 resync");

    struct pb_slot_info si[2];
    CHECK_INT(pb_list_slots(r.ctx, si, 2), 2);
    CHECK_INT(si[0].slot, 2);
    CHECK_INT(si[0].present, 1);
    CHECK_INT(si[0].powered, 1);
    CHECK_INT(si[0].latch_open, 0);
    CHECK_INT(si[0].nfunctions, 2);
    CHECK_STR(si[0].functions[0].fn.address, "0000:01:00.0");
    CHECK_STR(si[0].functions[0].ifname, "eth0");
    CHECK_STR(si[0].functions[1].ifname, "eth1");
    CHECK_STR(si[0].functions[1].driver, "e1000e");
    CHECK_INT(si[0].functions[1].fn.subvendor, 0x8086);
    CHECK_INT(pb_list_slots(r.ctx, NULL, 0), 2);

    /* A down interface has no carrier to read: 0. */
    CHECK_INT(fakesys_write(r.root, "sys" RP16 "/0000:02:00.0/net/eth2/carrier", "x\n"), 0);
    /* A card in an unpowered slot is off, not a powered card and not gone. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/2/power", "0\n"), 0);
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "off2[" FN_2_0 "," FN_2_1 "] " INS16 " add16:eth2@0000:02:00.0 link16:eth2=0 resync");
out:
    krig_destroy(&r);
}

TEST(kernel_open_errors) {
    char root[256], opts[512], err[256];
    pb_ctx *ctx = (pb_ctx *)1;
    CHECK_INT(fakesys_create(root, sizeof root), 0);
    snprintf(opts, sizeof opts, "root=%s;uevent_fd=0;rtnl_fd=0", root);
    CHECK_INT(pb_open_err("kernel", opts, &ctx, err, sizeof err), -ENODEV);
    CHECK(ctx == NULL);
    CHECK(strstr(err, "sys/bus/pci/slots does not exist") != NULL);
    CHECK_INT(fakesys_slot(root, "bad", "0000:01:00\n"), 0);
    CHECK_INT(pb_open_err("kernel", opts, &ctx, err, sizeof err), -ENODEV);
    CHECK(strstr(err, "named by a number") != NULL);
    CHECK_INT(fakesys_slot(root, "4", "0000:01:00\n"), 0);
    CHECK_INT(pb_open_err("kernel", opts, &ctx, err, sizeof err), 0);
    pb_close(ctx);
    static const char *const bad[] = {"poll_ms=60001", "settle_ms=-1", "uevent_fd=x", "rtnl_fd=999999", "root=",
                                      "slots=2", "poll_ms="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(opts, sizeof opts, "root=%s;uevent_fd=0;rtnl_fd=0;%s", root, bad[i]);
        if (strncmp(bad[i], "root=", 5) == 0) snprintf(opts, sizeof opts, "uevent_fd=0;rtnl_fd=0;%s", bad[i]);
        int rc = pb_open_err("kernel", opts, &ctx, err, sizeof err);
        CHECK(rc == -EINVAL || rc == -EBADF);
        if (rc >= 0) pb_close(ctx);
    }
    fakesys_destroy(root);
}

/* ---- (3) overflow ---- */

struct hook {
    int fail_fd;
    int failures;
};

static ssize_t failing_recvmsg(void *arg, int fd, struct msghdr *m, int flags) {
    struct hook *h = arg;
    if (fd == h->fail_fd && h->failures > 0) {
        h->failures--;
        errno = ENOBUFS;
        return -1;
    }
    return recvmsg(fd, m, flags);
}

TEST(kernel_enobufs_gives_inventory) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    struct hook h = {.fail_fd = r.uev[1], .failures = 1};
    CHECK_INT(pb_kernel_set_recvmsg(r.ctx, failing_recvmsg, &h), 0);
    /* Lost uevents: the queued events go, the inventory and RESYNC come instead. */
    CHECK_INT(krig_send_uevent(&r, UEV("add@/module/tls\0ACTION=add\0DEVPATH=/module/tls\0SUBSYSTEM=module\0")), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, INS2 " add2:eth0@0000:01:00.0 add2:eth1@0000:01:00.1 link2:eth0=1 link2:eth1=1 " INS16
                   " add16:eth2@0000:02:00.0 link16:eth2=1 resync");
    CHECK_INT(h.failures, 0);

    /* The same on the rtnetlink socket. */
    h.fail_fd = r.rtnl[1];
    h.failures = 1;
    CHECK_INT(send_link(&r, 2, "eth0", 1), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK(strstr(out, "resync") != NULL);
    CHECK(strncmp(out, "ins2[", 5) == 0);

    /* And an NLMSG_OVERRUN in a dump. */
    CHECK_INT(pb_kernel_set_recvmsg(r.ctx, NULL, NULL), 0);
    struct nlmsghdr ov = {.nlmsg_len = sizeof ov, .nlmsg_type = NLMSG_OVERRUN};
    CHECK_INT(krig_send_rtnl(&r, &ov, sizeof ov), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK(strstr(out, "resync") != NULL);
    CHECK_INT(pb_kernel_set_recvmsg(NULL, NULL, NULL), -EINVAL);
out:
    krig_destroy(&r);
}

/* ---- (4) handles, adapter ---- */

#define RP3 "/devices/pci0000:00/0000:00:1c.0"

/* Slot 3 (0000:05:00): a latch, a one-port card with eth7 (ifindex 7), powered. */
static int latch_tree(struct krig *r) {
    static const char *const eth7[] = {"eth7", NULL};
    int rc = krig_init(r, NULL);
    rc |= fakesys_slot(r->root, "3", "0000:05:00\n");
    rc |= fakesys_write(r->root, "sys/bus/pci/slots/3/adapter", "1\n");
    rc |= fakesys_write(r->root, "sys/bus/pci/slots/3/power", "1\n");
    rc |= fakesys_write(r->root, "sys/bus/pci/slots/3/attention", "0\n");
    rc |= fakesys_write(r->root, "sys/bus/pci/slots/3/latch", "1\n");
    rc |= fakesys_func(r->root, RP3, "0x8086", "0x2948", "0x0000", "0x0000", "0x060400", "pcieport", NULL);
    rc |= fakesys_func(r->root, RP3 "/0000:05:00.0", "0x8086", "0x105e", "0x8086", "0x125e", "0x020000", "e1000e",
                       eth7);
    rc |= fakesys_write(r->root, "sys" RP3 "/0000:05:00.0/net/eth7/ifindex", "7\n");
    rc |= fakesys_write(r->root, "sys" RP3 "/0000:05:00.0/net/eth7/carrier", "1\n");
    return rc;
}

static int wait_for(struct krig *r, int type, int ms) {
    struct pb_event ev;
    int rc = pb_next_event(r->ctx, &ev, ms);
    return rc == 1 ? ev.type == type : 0;
}

TEST(kernel_latch_and_adapter) {
    struct krig r;
    CHECK_INT(latch_tree(&r), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "ins3[0000:05:00.0=8086:105e/8086:125e/020000] add3:eth7@0000:05:00.0 link3:eth7=1 resync");

    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "0\n"), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_REQUEST, 1000));
    struct pb_slot_info si;
    CHECK_INT(pb_list_slots(r.ctx, &si, 1), 1);
    CHECK_INT(si.latch_open, 1);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "1\n"), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_CANCEL, 1000));
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);

    /* Closing without a pending request, or moving the handle of an unpowered card: nothing. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/power", "0\n"), 0);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "0\n"), 0);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
    CHECK_INT(pb_request_extraction(r.ctx, 3), -EALREADY);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "1\n"), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/power", "1\n"), 0);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);

    /* Software request, then the operator changes their mind with the handle. */
    CHECK_INT(pb_request_extraction(r.ctx, 3), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_REQUEST, 100));
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "0\n"), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_REQUEST, 1000));
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "1\n"), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_CANCEL, 1000));
    CHECK_INT(pb_request_extraction(r.ctx, 9), -ENODEV);
    CHECK(strstr(pb_last_error(r.ctx), "no such slot (slots 3)") != NULL);

    /* Surprise: the adapter goes before any uevent says so. Late uevents change nothing. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/adapter", "0\n"), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "del3:eth7@0000:05:00.0 rm3");
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP3 "/0000:05:00.0/net/eth7\0SUBSYSTEM=net\0INTERFACE=eth7\0"
                                       "IFINDEX=7\0")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP3 "/0000:05:00.0\0SUBSYSTEM=pci\0PCI_ID=8086:105E\0")), 0);
    CHECK_INT(krig_drain(&r, QUIET, out, sizeof out), 0);
    CHECK_INT(pb_request_extraction(r.ctx, 3), -ENODEV);
out:
    krig_destroy(&r);
}

/* A restarted reader is told what the hardware still says: an open handle is a request, a card
 * in an unpowered slot is off; the card powered off in place is off until it is pulled. */
TEST(kernel_inventory_after_a_restart) {
    struct krig r;
    CHECK_INT(latch_tree(&r), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "0\n"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "ins3[0000:05:00.0=8086:105e/8086:125e/020000] add3:eth7@0000:05:00.0 link3:eth7=1 req3 resync");
    /* The request stands: closing the handle cancels it. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/latch", "1\n"), 0);
    CHECK(wait_for(&r, PB_EV_EXTRACT_CANCEL, 1000));

    /* Powered off in place: the kernel removes the function, the board stays seated. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/power", "0\n"), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP3 "/0000:05:00.0/net/eth7\0SUBSYSTEM=net\0INTERFACE=eth7\0"
                                       "IFINDEX=7\0")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP3 "/0000:05:00.0\0SUBSYSTEM=pci\0PCI_ID=8086:105E\0")), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "del3:eth7@0000:05:00.0 off3[]"); /* its functions are gone with the power */
    char link[512];
    snprintf(link, sizeof link, "%s/sys/bus/pci/devices/0000:05:00.0", r.root);
    CHECK_INT(unlink(link), 0);
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "off3[] resync");
    /* Pulled: gone. */
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/slots/3/adapter", "0\n"), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "rm3");
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "resync");
out:
    krig_destroy(&r);
}

/* The AER counters: read at each aer_ms round and when the kernel tells of a device change;
 * a rise is one AER event with the new errors and the totals; what was counted before the card
 * was first read is not news. */
TEST(kernel_aer_counters) {
    struct krig r;
    CHECK_INT(latch_tree(&r), 0);
    const char *dev = "sys/bus/pci/devices/0000:05:00.0/";
    char path[256];
    static const char *const files[] = {"aer_dev_correctable", "aer_dev_nonfatal", "aer_dev_fatal"};
    static const char *const before[] = {"RxErr 5\nTOTAL_ERR_COR 5\n", "TOTAL_ERR_NONFATAL 0\n", "TOTAL_ERR_FATAL 0\n"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", dev, files[i]);
        CHECK_INT(fakesys_write(r.root, path, before[i]), 0);
    }
    CHECK_INT(krig_open(&r, OPTS ";aer_ms=20"), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 100, out, sizeof out);
    CHECK(strstr(out, "type12") == NULL); /* the 5 from before are where counting starts */
    snprintf(path, sizeof path, "%s%s", dev, files[0]);
    CHECK_INT(fakesys_write(r.root, path, "RxErr 9\nTOTAL_ERR_COR 9\n"), 0);
    struct pb_event ev;
    CHECK_INT(pb_next_event(r.ctx, &ev, 1000), 1);
    CHECK_INT(ev.type, PB_EV_AER);
    CHECK_INT(ev.slot, 3);
    CHECK_STR(ev.functions[0].address, "0000:05:00.0");
    CHECK(ev.aer_new[PB_AER_CORRECTABLE] == 4 && ev.aer_total[PB_AER_CORRECTABLE] == 9);
    CHECK(ev.aer_new[PB_AER_NONFATAL] == 0 && ev.aer_new[PB_AER_FATAL] == 0);
    CHECK_INT(krig_drain(&r, 100, out, sizeof out), 0); /* once */

    /* Another card in its place: its first reading is where counting starts again. */
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP3 "/0000:05:00.0\0SUBSYSTEM=pci\0PCI_ID=8086:105E\0")), 0);
    krig_drain(&r, 100, out, sizeof out);
    CHECK(strstr(out, "rm3") != NULL);
    CHECK_INT(fakesys_write(r.root, path, "RxErr 12\nTOTAL_ERR_COR 12\n"), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("add@" RP3 "/0000:05:00.0\0SUBSYSTEM=pci\0PCI_ID=8086:105E\0"
                                       "PCI_SUBSYS_ID=8086:125E\0PCI_CLASS=20000\0PCI_SLOT_NAME=0000:05:00.0\0")), 0);
    krig_drain(&r, 200, out, sizeof out);
    CHECK(strstr(out, "ins3") != NULL);
    CHECK(strstr(out, "type12") == NULL);
    CHECK_INT(fakesys_write(r.root, path, "RxErr 13\nTOTAL_ERR_COR 13\n"), 0);
    CHECK_INT(pb_next_event(r.ctx, &ev, 1000), 1);
    CHECK_INT(ev.type, PB_EV_AER);
    CHECK(ev.aer_new[PB_AER_CORRECTABLE] == 1 && ev.aer_total[PB_AER_CORRECTABLE] == 13);
out:
    krig_destroy(&r);
}

/* The AER driver's recovery report (a "change" uevent of the device) is read at once. */
TEST(kernel_aer_report_read_at_once) {
    struct krig r;
    CHECK_INT(latch_tree(&r), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/devices/0000:05:00.0/aer_dev_correctable", "TOTAL_ERR_COR 0\n"), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/devices/0000:05:00.0/aer_dev_nonfatal", "TOTAL_ERR_NONFATAL 0\n"), 0);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/devices/0000:05:00.0/aer_dev_fatal", "TOTAL_ERR_FATAL 0\n"), 0);
    CHECK_INT(krig_open(&r, OPTS ";aer_ms=0"), 0); /* no rounds: only the report can tell */
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_INT(fakesys_write(r.root, "sys/bus/pci/devices/0000:05:00.0/aer_dev_nonfatal", "CmpltTO 1\nTOTAL_ERR_NONFATAL 1\n"), 0);
    CHECK_INT(krig_drain(&r, 100, out, sizeof out), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("change@" RP3 "/0000:05:00.0\0SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0"
                                       "DEVICE_ONLINE=0\0PCI_SLOT_NAME=0000:05:00.0\0")), 0);
    struct pb_event ev;
    CHECK_INT(pb_next_event(r.ctx, &ev, 1000), 1);
    CHECK_INT(ev.type, PB_EV_AER);
    CHECK(ev.aer_new[PB_AER_NONFATAL] == 1);
out:
    krig_destroy(&r);
}

/* ---- (5) commands ---- */

static void read_file(const char *root, const char *rel, char *buf, size_t cap) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

TEST(kernel_commands_write_sysfs) {
    struct krig r;
    char buf[64];
    CHECK_INT(latch_tree(&r), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_slot_power(r.ctx, 3, 0), 0);
    read_file(r.root, "sys/bus/pci/slots/3/power", buf, sizeof buf);
    CHECK_STR(buf, "0\n");
    CHECK_INT(pb_slot_power(r.ctx, 3, 1), 0);
    read_file(r.root, "sys/bus/pci/slots/3/power", buf, sizeof buf);
    CHECK_STR(buf, "1\n");

    /* The LED and the attention state share the attention indicator; each keeps its own state. */
    struct pb_slot_info si;
    CHECK_INT(pb_slot_led(r.ctx, 3, 1), 0);
    read_file(r.root, "sys/bus/pci/slots/3/attention", buf, sizeof buf);
    CHECK_STR(buf, "1\n");
    CHECK_INT(pb_list_slots(r.ctx, &si, 1), 1);
    CHECK_INT(si.led, 1);
    CHECK_INT(si.attention, 0);
    CHECK_INT(pb_slot_attention(r.ctx, 3, 1), 0);
    CHECK_INT(pb_slot_led(r.ctx, 3, 0), 0);
    read_file(r.root, "sys/bus/pci/slots/3/attention", buf, sizeof buf);
    CHECK_STR(buf, "1\n");
    CHECK_INT(pb_list_slots(r.ctx, &si, 1), 1);
    CHECK_INT(si.led, 0);
    CHECK_INT(si.attention, 1);
    CHECK_INT(pb_slot_attention(r.ctx, 3, 0), 0);
    read_file(r.root, "sys/bus/pci/slots/3/attention", buf, sizeof buf);
    CHECK_STR(buf, "0\n");

    /* The kernel refuses: its errno, and the file named. */
    char path[512];
    snprintf(path, sizeof path, "%s/sys/bus/pci/slots/3/power", r.root);
    CHECK_INT(unlink(path), 0);
    CHECK_INT(fakesys_mkdir(r.root, "sys/bus/pci/slots/3/power"), 0);
    CHECK_INT(pb_slot_power(r.ctx, 3, 1), -EISDIR);
    CHECK(strstr(pb_last_error(r.ctx), path) != NULL);
    CHECK(strstr(pb_last_error(r.ctx), "Is a directory") != NULL);
    snprintf(path, sizeof path, "%s/sys/bus/pci/slots/3/attention", r.root);
    CHECK_INT(unlink(path), 0);
    CHECK_INT(pb_slot_led(r.ctx, 3, 1), -ENOENT);
    CHECK(strstr(pb_last_error(r.ctx), path) != NULL);
    CHECK_INT(pb_list_slots(r.ctx, &si, 1), 1);
    CHECK_INT(si.led, 0); /* not lit: the write failed */
    CHECK_INT(pb_slot_power(r.ctx, 4, 1), -ENODEV);
    CHECK(strstr(pb_last_error(r.ctx), "slot 4: no such slot (slots 3)") != NULL);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), -ENOTSUP);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
out:
    krig_destroy(&r);
}

/* ---- (6) carrier ---- */

TEST(kernel_link_on_change_only) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    /* A bond: no PCI function, carrier down. */
    CHECK_INT(fakesys_write(r.root, "sys/devices/virtual/net/bond0/ifindex", "7\n"), 0);
    CHECK_INT(fakesys_write(r.root, "sys/devices/virtual/net/bond0/carrier", "0\n"), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/sys/class/net/bond0", r.root);
    CHECK_INT(symlink("../../devices/virtual/net/bond0", path), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);

    CHECK_INT(send_link(&r, 2, "eth0", 1), 0); /* as it was */
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
    CHECK_INT(send_link(&r, 2, "eth0", 0), 0);
    struct pb_event ev;
    CHECK_INT(pb_next_event(r.ctx, &ev, 1000), 1);
    CHECK_INT(ev.type, PB_EV_LINK);
    CHECK_INT(ev.slot, 2);
    CHECK_STR(ev.ifname, "eth0");
    CHECK_INT(ev.carrier, 0);
    CHECK_INT(ev.nfunctions, 1);
    CHECK_STR(ev.functions[0].address, "0000:01:00.0");
    CHECK_INT(ev.functions[0].device, 0x10d3);
    CHECK_INT(send_link(&r, 2, "eth0", 0), 0);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
    /* The carrier of an interface that is not running is no link (a driver registers its netdev
     * with IFLA_CARRIER 1 and turns it off just after): IFF_LOWER_UP decides. */
    struct nlbuf nb = {.len = 0};
    newlink_flags(&nb, RTM_NEWLINK, AF_UNSPEC, 2, "eth0", 0, 1);
    newlink_flags(&nb, RTM_NEWLINK, AF_UNSPEC, 2, "eth0", IFF_UP, 1);
    CHECK_INT(krig_send_rtnl(&r, nb.b, nb.len), 0);
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);

    /* Several messages in one datagram; a bridge port's duplicate (AF_BRIDGE) says nothing; an
     * interface sysfs does not have (gone already) says nothing. */
    nb.len = 0;
    newlink(&nb, RTM_NEWLINK, AF_BRIDGE, 3, "eth1", 0);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 3, "eth1", 0);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 7, "bond0", 1);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 42, "ghost0", 1);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 4, "eth2", 1);
    CHECK_INT(krig_send_rtnl(&r, nb.b, nb.len), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "link2:eth1=0 link0:bond0=1");

    /* The bond goes and comes back: a new interface is reported at first sight. */
    nb.len = 0;
    newlink(&nb, RTM_DELLINK, AF_UNSPEC, 7, "bond0", 0);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 8, "bond0", 0);
    newlink(&nb, RTM_NEWLINK, AF_UNSPEC, 8, "bond0", 0);
    CHECK_INT(krig_send_rtnl(&r, nb.b, nb.len), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "link0:bond0=0");

    /* A port whose link message comes before its uevent: held, its carrier reported with its
     * NETDEV_ADDED once its card is announced. */
    CHECK_INT(krig_send_recorded(&r, 21, 32), 0); /* slot 2 off */
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, "del2:eth1@0000:01:00.1 del2:eth0@0000:01:00.0 rm2");
    CHECK_INT(fakesys_write(r.root, "sys" RP2 "/0000:01:00.0/net/eth0/carrier", "0\n"), 0);
    CHECK_INT(send_link(&r, 2, "eth0", 1), 0); /* the card is back, eth0 registered, uevents late */
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "");
    CHECK_INT(krig_send_recorded(&r, 1, 2), 0);
    CHECK_INT(krig_send_recorded(&r, 4, 13), 0);
    krig_drain(&r, QUIET, out, sizeof out);
    CHECK_STR(out, INS2 " add2:eth0@0000:01:00.0 link2:eth0=1 add2:eth1@0000:01:00.1 link2:eth1=1");
out:
    krig_destroy(&r);
}

/* ---- renames ---- */

TEST(kernel_netdev_rename) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_INT(krig_send_uevent(&r, UEV("move@" RP2 "/0000:01:00.0/net/lan0\0ACTION=move\0DEVPATH=" RP2
                                       "/0000:01:00.0/net/lan0\0SUBSYSTEM=net\0INTERFACE=lan0\0IFINDEX=2\0"
                                       "DEVPATH_OLD=" RP2 "/0000:01:00.0/net/eth0\0SEQNUM=700\0")), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "del2:eth0@0000:01:00.0 add2:lan0@0000:01:00.0 link2:lan0=1");
    /* Its carrier is followed under the new name. */
    CHECK_INT(send_link(&r, 2, "lan0", 0), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "link2:lan0=0");
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP2 "/0000:01:00.0/net/lan0\0SUBSYSTEM=net\0INTERFACE=lan0\0"
                                       "IFINDEX=2\0")), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "del2:lan0@0000:01:00.0");
out:
    krig_destroy(&r);
}

/* ---- (7) garbage ---- */

TEST(kernel_garbage_dropped) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_open(&r, OPTS), 0);
    if (!r.ctx) goto out;
    CHECK_INT(pb_resync(r.ctx), 0);
    krig_drain(&r, 50, out, sizeof out);

    static unsigned char big[12000];
    memset(big, 'a', sizeof big);
    memcpy(big, "add@/devices/x", 14);
    big[14] = '\0';
    big[sizeof big - 1] = '\0';
    CHECK_INT(krig_send_uevent(&r, big, sizeof big), 0);                             /* cut */
    CHECK_INT(krig_send_uevent(&r, UEV("libudev\0\xfe\xed\xca\xfe")), 0);              /* udev's */
    CHECK_INT(krig_send_uevent(&r, UEV("add@" RP2 "/0000:01:00.0/net/eth9\0SUBSYSTEM=net\0INTERFACE=eth9")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("explode@/devices\0")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("remove@" RP2 "/0000:01:00.0\0SUBSYSTEM=pci\0SUBSYSTEM=pci\0")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("add@" RP2 "/0000:01:00.0/net/..\0SUBSYSTEM=net\0INTERFACE=..\0IFINDEX=9\0")), 0);
    CHECK_INT(krig_send_uevent(&r, UEV("add@" RP2 "/0000:01:00.0/net/a\0SUBSYSTEM=net\0INTERFACE=\0")), 0);
    unsigned seed = 1;
    for (int i = 0; i < 200; i++) {
        unsigned char junk[300];
        size_t n = 1 + (size_t)(rand_r(&seed) % sizeof junk);
        for (size_t j = 0; j < n; j++) junk[j] = (unsigned char)rand_r(&seed);
        CHECK_INT(krig_send_uevent(&r, junk, n), 0);
        CHECK_INT(krig_send_rtnl(&r, junk, n), 0);
    }
    /* An rtnetlink header that lies about its length, a truncated link message. */
    struct nlmsghdr lie = {.nlmsg_len = 4000, .nlmsg_type = RTM_NEWLINK};
    CHECK_INT(krig_send_rtnl(&r, &lie, sizeof lie), 0);
    struct {
        struct nlmsghdr h;
        unsigned char b[4];
    } cut = {{.nlmsg_len = sizeof cut, .nlmsg_type = RTM_NEWLINK}, {0}};
    CHECK_INT(krig_send_rtnl(&r, &cut, sizeof cut), 0);
    CHECK_INT(krig_drain(&r, QUIET, out, sizeof out), 0);
    CHECK_STR(out, "");

    /* Still listening. */
    CHECK_INT(send_link(&r, 3, "eth1", 0), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "link2:eth1=0");
    /* The writer goes away: the backend stops reading that end and keeps working. */
    close(r.uev[0]);
    r.uev[0] = -1;
    CHECK_INT(krig_drain(&r, 50, out, sizeof out), 0);
    CHECK_INT(send_link(&r, 3, "eth1", 1), 0);
    krig_drain(&r, 50, out, sizeof out);
    CHECK_STR(out, "link2:eth1=1");
out:
    krig_destroy(&r);
}

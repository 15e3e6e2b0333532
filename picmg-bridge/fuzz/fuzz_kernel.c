/* libFuzzer target: the kernel backend as a whole. The input is a sequence of records
 * [kind:1][length:2, little endian][payload]; an even kind sends the payload as a uevent datagram,
 * an odd one as an rtnetlink datagram, each through a socketpair (uevent_fd/rtnl_fd) into a
 * backend opened on a small fake sysfs tree (slot 2 = 0000:01:00 holding a card with eth0, slot 16
 * = 0000:02:00 empty) with settle_ms=0. Events are drained after each record. Invariants: events
 * well formed, slots only 0, 2 or 16, ports named, pb_list_slots consistent. Seeds: the datagrams
 * a real kernel sent (tests/data/uevents-6.1) in fuzz/corpus/kernel. */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static int uev[2] = {-1, -1}, rtnl[2] = {-1, -1};

static void put(const char *rel, const char *content) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    if (!content) {
        mkdir(path, 0755);
        return;
    }
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(content, f);
    fclose(f);
}

static void link_to(const char *rel, const char *target) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (symlink(target, path) < 0 && errno != EEXIST) abort();
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(void) { nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

static void setup(void) {
    snprintf(root, sizeof root, "/tmp/pb-fuzz-kernel-XXXXXX");
    if (!mkdtemp(root)) abort();
    atexit(remove_tree);
    static const char *const slots[][2] = {{"2", "0000:01:00"}, {"16", "0000:02:00"}};
    for (int i = 0; i < 2; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/address", slots[i][0]);
        put(rel, slots[i][1]);
        snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/adapter", slots[i][0]);
        put(rel, i == 0 ? "1\n" : "0\n");
        snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/power", slots[i][0]);
        put(rel, i == 0 ? "1\n" : "0\n");
        snprintf(rel, sizeof rel, "sys/bus/pci/slots/%s/latch", slots[i][0]);
        put(rel, "1\n");
    }
    const char *fn = "sys/devices/pci0000:00/0000:00:04.0/0000:01:00.0";
    static const char *const attrs[][2] = {{"vendor", "0x8086\n"}, {"device", "0x10d3\n"},
                                           {"subsystem_vendor", "0x8086\n"}, {"subsystem_device", "0x0000\n"},
                                           {"class", "0x020000\n"}};
    for (int i = 0; i < 5; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "%s/%s", fn, attrs[i][0]);
        put(rel, attrs[i][1]);
    }
    char rel[256];
    snprintf(rel, sizeof rel, "%s/net/eth0/ifindex", fn);
    put(rel, "2\n");
    snprintf(rel, sizeof rel, "%s/net/eth0/carrier", fn);
    put(rel, "1\n");
    put("sys/bus/pci/devices", NULL);
    link_to("sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:00:04.0/0000:01:00.0");
    put("sys/class/net", NULL);
    link_to("sys/class/net/eth0", "../../devices/pci0000:00/0000:00:04.0/0000:01:00.0/net/eth0");
    put("sys/devices/virtual/net/bond0/ifindex", "7\n");
    link_to("sys/class/net/bond0", "../../devices/virtual/net/bond0");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, uev) < 0) abort();
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rtnl) < 0) abort();
    int sz = 4 << 20;
    setsockopt(uev[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    setsockopt(rtnl[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
}

static void check_event(const struct pb_event *ev) {
    if (ev->type < PB_EV_CARD_INSERTED || ev->type > PB_EV_RESYNC) abort();
    if (ev->slot != 0 && ev->slot != 2 && ev->slot != 16) abort();
    if (ev->nfunctions < 0 || ev->nfunctions > PB_MAX_FUNCTIONS) abort();
    if (memchr(ev->ifname, '\0', sizeof ev->ifname) == NULL) abort();
    for (int f = 0; f < ev->nfunctions; f++)
        if (memchr(ev->functions[f].address, '\0', PB_ADDR_LEN) == NULL) abort();
    switch (ev->type) {
    case PB_EV_CARD_INSERTED:
        if (ev->slot == 0 || ev->nfunctions < 1) abort();
        break;
    case PB_EV_NETDEV_ADDED:
    case PB_EV_NETDEV_REMOVED:
        if (ev->slot == 0 || ev->nfunctions != 1 || !ev->ifname[0]) abort();
        break;
    case PB_EV_LINK:
        if (!ev->ifname[0] || (ev->carrier != 0 && ev->carrier != 1)) abort();
        if ((ev->slot == 0) != (ev->nfunctions == 0)) abort();
        break;
    default:
        if (ev->ifname[0] || ev->nfunctions) abort();
        break;
    }
}

static void drain(pb_ctx *ctx) {
    struct pb_event ev;
    for (int i = 0; i < 4096 && pb_next_event(ctx, &ev, 0) == 1; i++) check_event(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!root[0]) setup();
    char opts[256];
    snprintf(opts, sizeof opts, "root=%s;uevent_fd=%d;rtnl_fd=%d;settle_ms=0;poll_ms=0", root, uev[1], rtnl[1]);
    pb_ctx *ctx;
    if (pb_open("kernel", opts, &ctx) < 0) abort();
    size_t off = 0;
    int records = 0;
    while (off + 3 <= size && records++ < 256) {
        uint8_t kind = data[off];
        size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;
        off += 3;
        if (len > size - off) len = size - off;
        if (len > 0) {
            int fd = kind & 1 ? rtnl[0] : uev[0];
            if (send(fd, data + off, len, MSG_DONTWAIT) < 0) abort();
        }
        off += len;
        drain(ctx);
        if (kind == 0xfe) (void)pb_resync(ctx);
        if (kind == 0xfc) (void)pb_request_extraction(ctx, 2);
    }
    drain(ctx);
    struct pb_slot_info si[4];
    if (pb_list_slots(ctx, si, 4) != 2 || si[0].slot != 2 || si[1].slot != 16) abort();
    pb_close(ctx);
    /* Nothing of this input may reach the next one. */
    char junk[16384];
    while (recv(uev[1], junk, sizeof junk, MSG_DONTWAIT) >= 0) {}
    while (recv(rtnl[1], junk, sizeof junk, MSG_DONTWAIT) >= 0) {}
    return 0;
}

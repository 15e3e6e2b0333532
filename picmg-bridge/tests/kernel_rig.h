/* Drives the kernel backend through the public API on a fake sysfs tree, with uevent datagrams
 * and rtnetlink messages written into socketpairs the backend reads (options uevent_fd/rtnl_fd). */
#ifndef PB_TEST_KERNEL_RIG_H
#define PB_TEST_KERNEL_RIG_H

#include <stddef.h>

#include "picmg_bridge.h"

struct krig {
    char root[256];
    int uev[2];  /* [0] the test writes, [1] the backend reads */
    int rtnl[2];
    pb_ctx *ctx;
};

/* A fresh fake tree (from the recorded snapshot `snap` of tests/data/uevents-6.1 when not NULL)
 * and socketpairs. 0 or -errno. */
int krig_init(struct krig *r, const char *snap);
/* pb_open("kernel", "root=...;uevent_fd=...;rtnl_fd=...;" extra). 0 or the pb_open error. */
int krig_open(struct krig *r, const char *extra);
void krig_destroy(struct krig *r);

/* Makes the tree look like the recorded snapshot: slot attributes, PCI functions (new ones
 * created, vanished ones removed), netdevs with their ifindex, a carrier of 1 and
 * /sys/class/net links. 0 or -errno. */
int krig_apply(const char *root, const char *snap);

/* Sends recorded datagrams first..last (tests/data/uevents-6.1/raw). 0 or -errno. */
int krig_send_recorded(struct krig *r, unsigned first, unsigned last);
int krig_send_uevent(struct krig *r, const void *buf, size_t len);
int krig_send_rtnl(struct krig *r, const void *buf, size_t len);

/* One event as a short word: "ins2[0000:01:00.0=8086:10d3/8086:0000/020000,...]", "add2:eth0@0000:01:00.0",
 * "del2:eth0@0000:01:00.0", "link2:eth0=1", "rm2", "req2", "cancel2", "resync"; a card off as "off2[...]". */
void krig_format(const struct pb_event *ev, char *out, size_t cap);
/* Events until none came for quiet_ms, as words separated by spaces (at most max events).
 * Returns the count. */
int krig_drain(struct krig *r, int quiet_ms, char *out, size_t cap);

#endif

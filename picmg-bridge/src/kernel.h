/* The "kernel" backend's state, shared by kernel.c (options, sockets, commands) and kernel_slots.c
 * (what the kernel's messages and the slot attributes mean for the chassis). Everything lives in
 * one struct kernel hanging off ctx->backend; every function runs with ctx->lock held. */
#ifndef PB_KERNEL_H
#define PB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "attrib.h"
#include "pb_internal.h"
#include "rtnl.h"
#include "uevent.h"

#define K_POLL_MS_DEFAULT   200
#define K_SETTLE_MS_DEFAULT 100
#define K_AER_MS_DEFAULT    1000
#define K_MS_MAX            60000
#define K_MAX_NETS          512   /* interfaces whose carrier is followed */
#define K_SLOT_NUMBER_MAX   1000000
#define K_RBUF_LEN          32768 /* rtnetlink: notifications are far smaller */
#define K_SCAN_MAX          1024  /* PCI functions read in one sysfs scan */

/* A PCI function of the card in a slot, as the kernel announced it (or sysfs showed it). */
struct kfunc {
    struct pb_pci_addr addr;
    struct pb_function fn;
    int aer_known;                   /* aer[] holds a reading (the next one is compared with it) */
    uint64_t aer[PB_AER_KINDS];      /* the kernel's AER totals at the last reading */
};

struct kslot {
    int number;                  /* chassis slot number: the slot directory's name */
    struct pb_slot_attrs attrs;  /* last read (-1: attribute absent) */
    int announced;               /* CARD_INSERTED reported, no CARD_REMOVED since */
    int off;                     /* CARD_OFF reported: a card in the unpowered slot, no CARD_REMOVED since */
    int extract_pending;         /* EXTRACT_REQUEST reported, not cancelled, slot not powered off */
    int led, attention;          /* as had set them (both drive the attention indicator) */
    uint64_t settle_at;          /* CARD_INSERTED due (0: not settling) */
    int nfuncs;
    struct kfunc funcs[PB_MAX_FUNCTIONS]; /* sorted by address */
};

/* A network interface: a card's port (slot >= 0) or anything else whose carrier is followed. */
struct knet {
    int ifindex;                 /* 0: not known */
    char ifname[PB_IFNAME_LEN];
    int slot;                    /* kslot index, -1: not on a card */
    int has_fn;
    struct pb_pci_addr fn;       /* its PCI function (slot >= 0) */
    int announced;               /* NETDEV_ADDED reported */
    int carrier;                 /* -1: not known yet */
    uint64_t order;              /* arrival order: held ports are announced in it */
};

struct kernel {
    char root[PB_OPT_VALUE_LEN];
    uint64_t poll_ns, settle_ns, next_poll;
    uint64_t aer_ns, next_aer;   /* AER counters read every aer_ns (0: never) */
    int ufd, rfd;                /* uevent and rtnetlink sockets (or the fds a test gave) */
    int own_ufd, own_rfd;        /* 1: opened here (closed here, sender checked) */
    pb_kernel_recvmsg_fn recv_fn;
    void *recv_arg;
    struct pb_slot_table table;  /* only slots with a number for a name; index = kslot index */
    struct kslot slots[PB_SLOTS_MAX];
    int nnets;
    struct knet nets[K_MAX_NETS];
    uint64_t order;
    unsigned long dropped;       /* datagrams refused (malformed, foreign sender, truncated) */
    unsigned char ubuf[PB_UEVENT_MSG_MAX + 256];
    unsigned char rbuf[K_RBUF_LEN];
    struct pb_pci_func scan[K_SCAN_MAX]; /* scratch for sysfs scans */
};

static inline struct kernel *kernel_of(pb_ctx *ctx) { return ctx->backend; }

/* ---- kernel_slots.c ---- */
/* Reads the whole state from sysfs again; with emit, queues it as an inventory (CARD_INSERTED,
 * NETDEV_ADDED, LINK per card and port, EXTRACT_REQUEST for an open handle; CARD_OFF per card in an
 * unpowered slot). */
void k_rebuild(pb_ctx *ctx, int emit, uint64_t now);
void k_on_uevent(pb_ctx *ctx, const struct pb_uevent *ev, uint64_t now);
void k_on_link(pb_ctx *ctx, const struct pb_rtnl_link *l, uint64_t now);
/* Settle timers and attribute polling due at now. */
void k_timers(pb_ctx *ctx, uint64_t now);
/* The next timer (UINT64_MAX: none). */
uint64_t k_next_timer(const struct kernel *k);
/* Slot and PCI function of a port, as its LINK events have them (backend op port_of). */
void k_port_of(pb_ctx *ctx, const char *ifname, struct pb_event *ev);
int k_carrier_of(pb_ctx *ctx, const char *ifname);
/* Slot index of a chassis slot number, -1 if none. */
int k_slot_index(const struct kernel *k, int number);

/* <root> + formatted path into buf. 0 or -ENAMETOOLONG. */
int k_path(const struct kernel *k, char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A small decimal attribute ("0".."999999999", trailing whitespace allowed). 0 or -errno. */
int k_read_int(const char *path, int *out);
/* Fills a pb_function from a scanned sysfs function. */
void k_fn_from_pci(const struct pb_pci_func *pf, struct pb_function *out);

#endif

/* The "kernel" backend: Linux PCI hot-plug slots (/sys/bus/pci/slots), kobject uevents
 * (NETLINK_KOBJECT_UEVENT) and rtnetlink link messages (NETLINK_ROUTE, RTMGRP_LINK).
 * This file: options, sockets, the poll loop's hooks, commands and list_slots. What the messages
 * mean for cards and ports is in kernel_slots.c. Every function runs with ctx->lock held. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "kernel.h"
#include "path.h"

#define K_RCVBUF (8 << 20) /* a hot-plug storm must not overflow the sockets */
#define K_DRAIN_MAX 64     /* datagrams per socket and dispatch: the other socket gets its turn */
#define K_FD_MAX (1 << 20)
#define K_MSG_LEN 200

/* ---------- options ---------- */

static int opt_ms(struct pb_opts *opts, const char *key, unsigned long def, uint64_t *out, char *err,
                  size_t errlen) {
    unsigned long v = def;
    const char *s = pb_opts_get(opts, key);
    if (s && pb_parse_uint(s, strlen(s), K_MS_MAX, &v) < 0) {
        snprintf(err, errlen, "option %s: milliseconds from 0 to %d", key, K_MS_MAX);
        return -EINVAL;
    }
    *out = (uint64_t)v * 1000000u;
    return 0;
}

/* An fd given by the caller (tests): -1 when the option is absent. */
static int opt_fd(struct pb_opts *opts, const char *key, int *out, char *err, size_t errlen) {
    *out = -1;
    const char *s = pb_opts_get(opts, key);
    if (!s) return 0;
    unsigned long v;
    if (pb_parse_uint(s, strlen(s), K_FD_MAX, &v) < 0) {
        snprintf(err, errlen, "option %s: a file descriptor number", key);
        return -EINVAL;
    }
    if (fcntl((int)v, F_GETFD) < 0) {
        snprintf(err, errlen, "option %s: fd %lu is not open", key, v);
        return -EBADF;
    }
    *out = (int)v;
    return 0;
}

/* ---------- sockets ---------- */

static int open_netlink(int proto, unsigned groups, const char *what, int *out, char *err, size_t errlen) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s socket: %s", what, strerror(e));
        return -e;
    }
    int sz = K_RCVBUF;
    /* Beyond net.core.rmem_max only with CAP_NET_ADMIN; else as much as allowed. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = groups;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s socket: bind: %s", what, strerror(e));
        close(fd);
        return -e;
    }
    *out = fd;
    return 0;
}

/* One datagram. >= 0: its length (*drop set when it is not to be read: cut, or not from the
 * kernel); -1 with errno as recvmsg. */
static ssize_t k_recv(struct kernel *k, int fd, int check_sender, void *buf, size_t len, int *drop, int *cut) {
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &sa;
    m.msg_namelen = sizeof sa;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    ssize_t r = k->recv_fn ? k->recv_fn(k->recv_arg, fd, &m, MSG_DONTWAIT) : recvmsg(fd, &m, MSG_DONTWAIT);
    if (r < 0) return r;
    *cut = (m.msg_flags & MSG_TRUNC) != 0;
    *drop = *cut;
    /* Only the kernel (port id 0) speaks on these groups; anyone else may lie. */
    if (check_sender && (m.msg_namelen < sizeof sa || sa.nl_family != AF_NETLINK || sa.nl_pid != 0)) *drop = 1;
    return r;
}

static void read_uevents(pb_ctx *ctx, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    for (int i = 0; i < K_DRAIN_MAX && k->ufd >= 0; i++) {
        int drop = 0, cut = 0;
        ssize_t r = k_recv(k, k->ufd, k->own_ufd, k->ubuf, sizeof k->ubuf, &drop, &cut);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                ctx->overflowed = 1; /* uevents were lost: the inventory replaces them */
                continue;
            }
            return; /* EAGAIN, or an error poll will report again */
        }
        if (r == 0) {
            if (!k->own_ufd) k->ufd = -1; /* a caller's fd at end of file: its writer is gone */
            continue;
        }
        if (drop) {
            k->dropped++;
            continue;
        }
        struct pb_uevent ev;
        int pr = pb_uevent_parse(k->ubuf, (size_t)r, &ev);
        if (pr == -ENOMSG) continue; /* libudev's re-broadcast */
        if (pr < 0) {
            k->dropped++;
            continue;
        }
        k_on_uevent(ctx, &ev, now);
    }
}

static void read_rtnl(pb_ctx *ctx, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    for (int i = 0; i < K_DRAIN_MAX && k->rfd >= 0; i++) {
        int drop = 0, cut = 0;
        ssize_t r = k_recv(k, k->rfd, k->own_rfd, k->rbuf, sizeof k->rbuf, &drop, &cut);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                ctx->overflowed = 1;
                continue;
            }
            return;
        }
        if (r == 0) {
            if (!k->own_rfd) k->rfd = -1;
            continue;
        }
        if (drop) {
            k->dropped++;
            if (cut) ctx->overflowed = 1; /* link changes were in what was cut off */
            continue;
        }
        size_t off = 0, len = (size_t)r;
        while (off < len) {
            struct pb_rtnl_link l;
            int pr = pb_rtnl_next(k->rbuf, len, &off, &l);
            if (pr == 0) break;
            if (pr == 1) {
                k_on_link(ctx, &l, now);
                continue;
            }
            if (pr == -ENOBUFS) ctx->overflowed = 1; /* NLMSG_OVERRUN */
            else k->dropped++;
        }
    }
}

/* ---------- backend ops ---------- */

static void k_close(pb_ctx *ctx) {
    struct kernel *k = kernel_of(ctx);
    if (!k) return;
    if (k->own_ufd && k->ufd >= 0) close(k->ufd);
    if (k->own_rfd && k->rfd >= 0) close(k->rfd);
    free(k);
    ctx->backend = NULL;
}

/* Keeps the slots named by a number (the chassis slot), in the scan's order. */
static int number_slots(struct kernel *k) {
    struct pb_slot_table *t = &k->table;
    unsigned n = 0;
    for (unsigned i = 0; i < t->n; i++) {
        unsigned long num;
        const char *name = t->slot[i].name;
        int dup = 0;
        if (pb_parse_uint(name, strlen(name), K_SLOT_NUMBER_MAX, &num) == 0)
            for (unsigned j = 0; j < n; j++) dup |= k->slots[j].number == (int)num;
        if (pb_parse_uint(name, strlen(name), K_SLOT_NUMBER_MAX, &num) < 0 || num == 0 || dup) {
            t->skipped++;
            continue;
        }
        struct pb_slot keep = t->slot[i];
        t->slot[n] = keep;
        memset(&k->slots[n], 0, sizeof k->slots[n]);
        k->slots[n].number = (int)num;
        k->slots[n].attrs.adapter = k->slots[n].attrs.power = -1;
        k->slots[n].attrs.attention = k->slots[n].attrs.latch = -1;
        n++;
    }
    t->n = n;
    return (int)n;
}

static int k_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    struct kernel *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    k->ufd = k->rfd = -1;
    ctx->backend = k;
    int rc;
    const char *root = pb_opts_get(opts, "root");
    if (root && root[0] == '\0') {
        snprintf(err, errlen, "option root: a directory (\"/\" for the live system)");
        rc = -EINVAL;
        goto fail;
    }
    pb_strlcpy(k->root, root ? root : "/", sizeof k->root);
    uint64_t poll_ns;
    if ((rc = opt_ms(opts, "poll_ms", K_POLL_MS_DEFAULT, &poll_ns, err, errlen)) < 0) goto fail;
    if ((rc = opt_ms(opts, "settle_ms", K_SETTLE_MS_DEFAULT, &k->settle_ns, err, errlen)) < 0) goto fail;
    if ((rc = opt_ms(opts, "aer_ms", K_AER_MS_DEFAULT, &k->aer_ns, err, errlen)) < 0) goto fail;
    k->poll_ns = poll_ns;
    int ufd, rfd;
    if ((rc = opt_fd(opts, "uevent_fd", &ufd, err, errlen)) < 0) goto fail;
    if ((rc = opt_fd(opts, "rtnl_fd", &rfd, err, errlen)) < 0) goto fail;
    /* Sockets before the first look at sysfs: nothing can happen unseen in between. */
    if (ufd >= 0) k->ufd = ufd;
    else if ((rc = open_netlink(NETLINK_KOBJECT_UEVENT, 1, "uevent", &k->ufd, err, errlen)) < 0) goto fail;
    else k->own_ufd = 1;
    if (rfd >= 0) k->rfd = rfd;
    else if ((rc = open_netlink(NETLINK_ROUTE, RTMGRP_LINK, "rtnetlink", &k->rfd, err, errlen)) < 0) goto fail;
    else k->own_rfd = 1;

    rc = pb_attrib_scan_slots(k->root, &k->table);
    if (rc == -ENOENT) {
        snprintf(err, errlen, "no PCI hot-plug slots: %.100s%ssys/bus/pci/slots does not exist (no hot-plug driver?)",
                 k->root, k->root[strlen(k->root) - 1] == '/' ? "" : "/");
        rc = -ENODEV;
        goto fail;
    }
    if (rc < 0) {
        snprintf(err, errlen, "reading the PCI slots under %.100s: %s", k->root, strerror(-rc));
        goto fail;
    }
    if (number_slots(k) == 0) {
        snprintf(err, errlen, "no PCI hot-plug slot named by a number under %.100s", k->root);
        rc = -ENODEV;
        goto fail;
    }
    uint64_t now = pb_now_ns();
    k_rebuild(ctx, 0, now);
    for (unsigned i = 0; i < k->table.n; i++) k->slots[i].attention = k->slots[i].attrs.attention > 0;
    k->next_poll = now + k->poll_ns;
    k->next_aer = now + k->aer_ns;
    return 0;
fail:
    k_close(ctx);
    return rc;
}

static int k_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    struct kernel *k = kernel_of(ctx);
    int n = 0;
    int want[2] = {k->ufd, k->rfd};
    for (int i = 0; i < 2 && n < max; i++) {
        if (want[i] < 0) continue;
        fds[n].fd = want[i];
        fds[n].events = POLLIN;
        fds[n].revents = 0;
        n++;
    }
    uint64_t t = k_next_timer(k);
    if (t < *deadline_ns) *deadline_ns = t;
    return n;
}

static void k_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    struct kernel *k = kernel_of(ctx);
    for (int i = 0; i < n; i++) {
        if (!fds[i].revents) continue;
        /* POLLERR on a netlink socket is its ENOBUFS: recvmsg reports it. */
        if (fds[i].fd == k->ufd) read_uevents(ctx, now);
        else if (fds[i].fd == k->rfd) read_rtnl(ctx, now);
    }
    k_timers(ctx, now);
}

static void k_snapshot(pb_ctx *ctx, uint64_t now) { k_rebuild(ctx, 1, now); }

/* ---------- commands ---------- */

static int no_slot(pb_ctx *ctx, int slot) {
    struct kernel *k = kernel_of(ctx);
    char msg[K_MSG_LEN];
    int off = snprintf(msg, sizeof msg, "slot %d: no such slot (slots", slot);
    for (unsigned i = 0; i < k->table.n && off > 0 && off < (int)sizeof msg; i++)
        off += snprintf(msg + off, sizeof msg - (size_t)off, "%c%d", i ? ',' : ' ', k->slots[i].number);
    return pb_fail(ctx, ENODEV, "%s)", msg);
}

/* Writes "0\n" or "1\n" to the slot's attribute, as `echo` does. 0 or -errno naming the file. */
static int write_attr(pb_ctx *ctx, int i, const char *attr, int on) {
    struct kernel *k = kernel_of(ctx);
    char path[4096];
    int num = k->slots[i].number;
    if (k_path(k, path, sizeof path, "/sys/bus/pci/slots/%s/%s", k->table.slot[i].name, attr) < 0)
        return pb_fail(ctx, ENAMETOOLONG, "slot %d: path of %s too long", num, attr);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        return pb_fail(ctx, e, "slot %d: %s: %s", num, path, strerror(e));
    }
    const char *v = on ? "1\n" : "0\n";
    ssize_t w;
    do w = write(fd, v, 2);
    while (w < 0 && errno == EINTR);
    int e = w < 0 ? errno : w != 2 ? EIO : 0;
    if (close(fd) < 0 && e == 0) e = errno;
    if (e) return pb_fail(ctx, e, "slot %d: writing %c to %s: %s", num, v[0], path, strerror(e));
    return 0;
}

static int k_slot_power(pb_ctx *ctx, int slot, int on) {
    struct kernel *k = kernel_of(ctx);
    int i = k_slot_index(k, slot);
    if (i < 0) return no_slot(ctx, slot);
    int rc = write_attr(ctx, i, "power", on);
    if (rc < 0) return rc;
    if (!on) k->slots[i].extract_pending = 0;
    return 0;
}

/* The slot's attention indicator shows the blue hot-swap LED and the attention state at once
 * (lit while either is on): cPCI's hot-swap driver drives the blue LED through it, pciehp has no
 * other indicator had may use. Each keeps its own state for list_slots. */
static int set_indicator(pb_ctx *ctx, int slot, int is_led, int on) {
    struct kernel *k = kernel_of(ctx);
    int i = k_slot_index(k, slot);
    if (i < 0) return no_slot(ctx, slot);
    struct kslot *s = &k->slots[i];
    int led = is_led ? on : s->led, attention = is_led ? s->attention : on;
    int rc = write_attr(ctx, i, "attention", led || attention);
    if (rc < 0) return rc;
    s->led = led;
    s->attention = attention;
    return 0;
}

static int k_slot_led(pb_ctx *ctx, int slot, int on) { return set_indicator(ctx, slot, 1, on); }

static int k_slot_attention(pb_ctx *ctx, int slot, int on) { return set_indicator(ctx, slot, 0, on); }

static int k_request_extraction(pb_ctx *ctx, int slot) {
    struct kernel *k = kernel_of(ctx);
    int i = k_slot_index(k, slot);
    if (i < 0) return no_slot(ctx, slot);
    struct kslot *s = &k->slots[i];
    if (!s->announced) return pb_fail(ctx, ENODEV, "slot %d is empty", slot);
    if (s->attrs.power == 0) return pb_fail(ctx, EALREADY, "slot %d is already powered off", slot);
    s->extract_pending = 1;
    struct pb_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = PB_EV_EXTRACT_REQUEST;
    ev.slot = slot;
    ev.monotonic_ns = pb_now_ns();
    pb_emit(ctx, &ev);
    return 0;
}

static int k_list_slots(pb_ctx *ctx, struct pb_slot_info *out, int max) {
    struct kernel *k = kernel_of(ctx);
    size_t nall = 0;
    if (max > 0) {
        int r = pb_attrib_scan_functions(k->root, &k->table, k->scan, K_SCAN_MAX, &nall);
        if (r < 0 && r != -ENOSPC) nall = 0;
    }
    for (unsigned i = 0; i < k->table.n && (int)i < max; i++) {
        const struct kslot *s = &k->slots[i];
        struct pb_slot_attrs a;
        if (pb_attrib_read_slot(k->root, k->table.slot[i].name, &a) < 0) a = s->attrs;
        struct pb_slot_info *o = &out[i];
        memset(o, 0, sizeof *o);
        o->slot = s->number;
        int nf = 0;
        for (size_t j = 0; j < nall; j++) {
            const struct pb_pci_func *pf = &k->scan[j];
            if (pf->slot != (int)i) continue;
            if (nf < PB_MAX_FUNCTIONS) {
                struct pb_slot_function *sf = &o->functions[nf];
                k_fn_from_pci(pf, &sf->fn);
                pb_strlcpy(sf->driver, pf->driver, sizeof sf->driver);
                if (pf->n_netdev) pb_strlcpy(sf->ifname, pf->netdev[0], sizeof sf->ifname);
            }
            nf++;
        }
        o->nfunctions = nf < PB_MAX_FUNCTIONS ? nf : PB_MAX_FUNCTIONS;
        o->present = a.adapter == 1 || (a.adapter < 0 && nf > 0);
        o->powered = a.power == 1 || (a.power < 0 && nf > 0);
        o->led = s->led;
        o->attention = s->attention;
        o->latch_open = a.latch == 0;
    }
    return (int)k->table.n;
}

int pb_kernel_set_recvmsg(pb_ctx *ctx, pb_kernel_recvmsg_fn fn, void *arg) {
    if (ctx == NULL || ctx->ops != &pb_kernel_ops) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    struct kernel *k = kernel_of(ctx);
    k->recv_fn = fn;
    k->recv_arg = arg;
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

const struct pb_backend_ops pb_kernel_ops = {
    .name = "kernel",
    .open = k_open,
    .close = k_close,
    .pollfds = k_pollfds,
    .dispatch = k_dispatch,
    .snapshot = k_snapshot,
    .slot_power = k_slot_power,
    .slot_led = k_slot_led,
    .slot_attention = k_slot_attention,
    .request_extraction = k_request_extraction,
    .list_slots = k_list_slots,
    .sim_driver = NULL,
    .port_of = k_port_of,
    .carrier_of = k_carrier_of,
    .probers = (const struct pb_prober_ops *const[]){&pb_prober_packet, NULL},
};

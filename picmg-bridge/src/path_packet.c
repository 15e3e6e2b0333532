/* The "packet" prober: ARP probes and Neighbor Solicitations sent to the port itself (an AF_PACKET
 * address names its interface), so they cross that port's path whatever a bond thinks of it; the
 * answers come back on a socket bound to the port, through a filter that lets only ARP replies
 * and Neighbor Advertisements in.
 *
 * What a round costs is kept to what the frames themselves cost. The probes of every round that
 * begins on one wake-up leave together, in one sendmmsg() on one unbound socket; a port's probe
 * frames are built once, when its probe address is learnt. Answers land in a ring the port's
 * socket shares with the kernel (PACKET_RX_RING), stamped with their arrival time, and are read
 * from memory without a system call. A port is read as soon as an answer comes only while an
 * answer could change a verdict of its group; while every path of the group is up, its answers
 * wait in the ring until the next round begins (they still count for the round they answered, at
 * their arrival time), so a healthy chassis wakes the prober once per round, not once per answer.
 * The sockets of the ports read at once sit in one epoll set: the wait loop polls one fd however
 * many ports are watched. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "path.h"

#define EPOLL_BATCH 64
#define SEND_BATCH 128 /* probes per sendmmsg() */
/* Room for the probes in flight on a real NIC (each holds its buffer until the NIC sent it): a
 * round of 256 ports x 16 targets. Forced when allowed (CAP_NET_ADMIN), else as far as
 * net.core.wmem_max lets it. */
#define SEND_BUFFER (4 << 20)
/* A port's ring: at least RING_BYTES in whole pages, RING_FRAME bytes a frame (the kernel's
 * header and address, then the answer's first PB_ANSWER_SNAP bytes at an aligned offset). The
 * filter lets only answers in, so a round brings a port about one frame per target; a ring
 * that overflowed anyway (TP_STATUS_LOSING) makes its port be read at every answer from then on. */
#define RING_BYTES 8192
#define RING_FRAME 256u

struct pkt_prober {
    int epfd;
    int txfd; /* unbound: every probe names its port in its address */
    /* the batch being sent: message i is probe target[i] of who[i] */
    struct mmsghdr msg[SEND_BATCH];
    struct iovec iov[SEND_BATCH];
    struct pb_path_watch *who[SEND_BATCH];
    int target[SEND_BATCH];
};

struct pkt_port {
    int fd; /* -1: not open */
    int ifindex;
    int have_mac;
    uint8_t mac[PB_MAC_LEN]; /* the probe address, fixed once learnt */
    int nmembers;            /* probe addresses in the port's unicast filter */
    uint8_t members[PB_PATH_MAX_WATCHES][PB_MAC_LEN];
    /* one probe per target, built when the probe address is learnt, and where it goes */
    uint8_t probe[PB_MAX_TARGETS][PB_NS_LEN];
    size_t probe_len[PB_MAX_TARGETS];
    struct sockaddr_ll to[PB_MAX_TARGETS];
    /* the receive ring */
    uint8_t *ring;
    size_t ring_len;
    int ring_frames, head; /* head: the next frame the kernel hands over */
    int prompt;            /* read at every answer (in the epoll set with EPOLLIN) */
    int lossy;             /* the ring overflowed once */
    /* the ports of the group with a probe address: whose answers may come in here */
    int npeers;
    struct pb_probe_peer *peers;
    struct pb_path_watch **owners;
};

static struct pkt_prober *prober_of(pb_ctx *ctx) { return ctx->paths->prober; }

static struct pkt_port *port_of(const struct pb_path_watch *w) { return w->probe; }

/* ---------- the group's probe addresses in each port's unicast filter ---------- */

static int same_group(const struct pb_path_watch *a, const struct pb_path_watch *b) {
    return strcmp(a->a.group, b->a.group) == 0;
}

static int membership(int fd, int ifindex, int op, const uint8_t mac[PB_MAC_LEN]) {
    struct packet_mreq mr;
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = ifindex;
    mr.mr_type = PACKET_MR_UNICAST;
    mr.mr_alen = PB_MAC_LEN;
    memcpy(mr.mr_address, mac, PB_MAC_LEN);
    return setsockopt(fd, SOL_PACKET, op, &mr, sizeof mr);
}

static int group_has_mac(pb_ctx *ctx, const struct pb_path_watch *w, const uint8_t mac[PB_MAC_LEN]) {
    const struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++) {
        const struct pkt_port *o = port_of(p->w[i]);
        if (same_group(p->w[i], w) && o->have_mac && memcmp(o->mac, mac, PB_MAC_LEN) == 0) return 1;
    }
    return 0;
}

static int is_member(const struct pkt_port *port, const uint8_t mac[PB_MAC_LEN]) {
    for (int i = 0; i < port->nmembers; i++)
        if (memcmp(port->members[i], mac, PB_MAC_LEN) == 0) return 1;
    return 0;
}

static void drop_stale_members(pb_ctx *ctx, struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    for (int i = 0; i < port->nmembers;) {
        if (group_has_mac(ctx, w, port->members[i])) {
            i++;
            continue;
        }
        (void)membership(port->fd, port->ifindex, PACKET_DROP_MEMBERSHIP, port->members[i]);
        memcpy(port->members[i], port->members[--port->nmembers], PB_MAC_LEN);
    }
}

static void add_missing_members(pb_ctx *ctx, struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    const struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++) {
        const struct pkt_port *o = port_of(p->w[i]);
        if (!same_group(p->w[i], w) || !o->have_mac || is_member(port, o->mac)) continue;
        if (port->nmembers == PB_PATH_MAX_WATCHES) return;
        /* A refusal leaves a NIC that filters unicast deaf to that address; the rounds show it. */
        if (membership(port->fd, port->ifindex, PACKET_ADD_MEMBERSHIP, o->mac) == 0)
            memcpy(port->members[port->nmembers++], o->mac, PB_MAC_LEN);
    }
}

/* The table on_frame() matches this port's frames against. Out of memory: an empty table, so the
 * port's answers count for nobody and the rounds show it. */
static void list_peers(pb_ctx *ctx, struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    const struct pb_paths *p = ctx->paths;
    free(port->peers);
    free(port->owners);
    port->npeers = 0;
    port->peers = calloc((size_t)p->n, sizeof *port->peers);
    port->owners = calloc((size_t)p->n, sizeof *port->owners);
    if (port->peers == NULL || port->owners == NULL) return;
    /* The port itself first: most answers it hears are its own, and the filter and the matcher
     * test the addresses in this order. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < p->n; i++) {
            struct pb_path_watch *o = p->w[i];
            if ((o == w) != (pass == 0) || !same_group(o, w) || !port_of(o)->have_mac) continue;
            memcpy(port->peers[port->npeers].mac, port_of(o)->mac, PB_MAC_LEN);
            port->peers[port->npeers].targets = o->a.targets;
            port->peers[port->npeers].ntargets = o->a.ntargets;
            port->owners[port->npeers++] = o;
        }
    }
}

/* Only the group's answers pass (pb_path_filter). Replacing a filter is atomic. */
static int attach_filter(const struct pkt_port *port) {
    int len = PB_PATH_FILTER_LEN(port->npeers);
    struct sock_filter *prog = calloc((size_t)len, sizeof *prog);
    if (prog == NULL) return -ENOMEM;
    int n = pb_path_filter(prog, len, port->peers, port->npeers);
    struct sock_fprog fp = {.len = (unsigned short)n, .filter = prog};
    int rc = n < 0 ? n : setsockopt(port->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) < 0 ? -errno : 0;
    free(prog);
    return rc;
}

/* A port read at the next round is not in the epoll set at all: with nobody waiting on its
 * socket, an answer costs the kernel no wake-up call either. Its socket errors then go unread
 * until it is read at once again; meanwhile a port whose interface went is found by the next
 * send (closed, and reopened at the round after), and one that went down stops answering. */
static void set_prompt(pb_ctx *ctx, struct pb_path_watch *w, int prompt) {
    struct pkt_port *port = port_of(w);
    if (port->fd < 0 || port->prompt == prompt) return;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
    if (epoll_ctl(prober_of(ctx)->epfd, prompt ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, port->fd, &ev) == 0)
        port->prompt = prompt;
}

/* Every port of the group is read at once while any path of the group is not up (an answer to
 * one port may come in on another), else at the next round, unless its ring overflowed once. */
static void sync_prompt(pb_ctx *ctx, const char *group) {
    const struct pb_paths *p = ctx->paths;
    int all_up = 1;
    for (int i = 0; i < p->n && all_up; i++)
        if (strcmp(p->w[i]->a.group, group) == 0 && p->w[i]->v.state != 1) all_up = 0;
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->w[i]->a.group, group) == 0) set_prompt(ctx, p->w[i], !all_up || port_of(p->w[i])->lossy);
}

/* A filter that cannot be replaced keeps the old one: answers to a new port of the group do not
 * pass here, and the rounds show it. */
static void sync_group(pb_ctx *ctx, struct pb_path_watch *w) {
    list_peers(ctx, w);
    if (port_of(w)->fd < 0) return;
    (void)attach_filter(port_of(w));
    drop_stale_members(ctx, w);
    add_missing_members(ctx, w);
}

static void pk_group_changed(pb_ctx *ctx, const char *group) {
    const struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->w[i]->a.group, group) == 0) sync_group(ctx, p->w[i]);
    sync_prompt(ctx, group);
}

static void pk_verdict_changed(pb_ctx *ctx, struct pb_path_watch *w) { sync_prompt(ctx, w->a.group); }

/* ---------- opening a port ---------- */

static void close_port(struct pkt_port *port) {
    if (port->ring) munmap(port->ring, port->ring_len);
    if (port->fd >= 0) close(port->fd); /* leaves the epoll set and the unicast filter with it */
    port->ring = NULL;
    port->fd = -1;
    port->nmembers = 0;
}

static int if_ioctl(int fd, const char *ifname, unsigned long req, struct ifreq *ifr) {
    memset(ifr, 0, sizeof *ifr);
    pb_strlcpy(ifr->ifr_name, ifname, sizeof ifr->ifr_name);
    return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

/* All zero when the driver keeps none (veth, for one). */
static void permanent_mac(int fd, const char *ifname, uint8_t out[PB_MAC_LEN]) {
    _Alignas(struct ethtool_perm_addr) uint8_t buf[sizeof(struct ethtool_perm_addr) + MAX_ADDR_LEN];
    struct ethtool_perm_addr *epa = (struct ethtool_perm_addr *)buf;
    memset(buf, 0, sizeof buf);
    memset(out, 0, PB_MAC_LEN);
    epa->cmd = ETHTOOL_GPERMADDR;
    epa->size = MAX_ADDR_LEN;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    pb_strlcpy(ifr.ifr_name, ifname, sizeof ifr.ifr_name);
    ifr.ifr_data = (void *)epa;
    if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && epa->size == PB_MAC_LEN) memcpy(out, epa->data, PB_MAC_LEN);
}

static void build_probes(struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    for (int t = 0; t < w->a.ntargets; t++) {
        const struct pb_path_target *target = &w->a.targets[t];
        uint8_t *f = port->probe[t];
        port->probe_len[t] = target->family == AF_INET ? pb_frame_arp_probe(f, PB_NS_LEN, port->mac, target->addr)
                                                       : pb_frame_ns(f, PB_NS_LEN, port->mac, target->addr);
    }
}

/* The probes' addresses: the port (its index may change when it is opened again) and protocol. */
static void address_probes(struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    for (int t = 0; t < w->a.ntargets; t++) {
        struct sockaddr_ll *to = &port->to[t];
        memset(to, 0, sizeof *to);
        to->sll_family = AF_PACKET;
        to->sll_protocol = htons(w->a.targets[t].family == AF_INET ? ETH_P_ARP : ETH_P_IPV6);
        to->sll_ifindex = port->ifindex;
    }
}

static int learn_port(int fd, struct pb_path_watch *w, int *learnt) {
    struct pkt_port *port = port_of(w);
    struct ifreq ifr;
    int rc = if_ioctl(fd, w->a.ifname, SIOCGIFINDEX, &ifr);
    if (rc < 0) return rc;
    port->ifindex = ifr.ifr_ifindex;
    if ((rc = if_ioctl(fd, w->a.ifname, SIOCGIFHWADDR, &ifr)) < 0) return rc;
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) return -EPROTONOSUPPORT;
    *learnt = 0;
    if (port->have_mac) return 0;
    uint8_t perm[PB_MAC_LEN];
    permanent_mac(fd, w->a.ifname, perm);
    pb_probe_mac(perm, (const uint8_t *)ifr.ifr_hwaddr.sa_data, port->ifindex, port->mac);
    port->have_mac = *learnt = 1;
    build_probes(w);
    return 0;
}

/* Whole pages of whole frames, at least RING_BYTES. */
static int map_ring(int fd, struct pkt_port *port) {
    long page = sysconf(_SC_PAGESIZE);
    if (page < RING_FRAME) page = RING_FRAME;
    unsigned blocks = (unsigned)((RING_BYTES + page - 1) / page);
    unsigned per_block = (unsigned)page / RING_FRAME;
    int version = TPACKET_V2;
    struct tpacket_req req = {.tp_block_size = (unsigned)page, .tp_block_nr = blocks, .tp_frame_size = RING_FRAME,
                              .tp_frame_nr = blocks * per_block};
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
        return -errno;
    size_t len = (size_t)blocks * (size_t)page;
    void *ring = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) return -errno;
    port->ring = ring;
    port->ring_len = len;
    port->ring_frames = (int)req.tp_frame_nr;
    port->head = 0;
    return 0;
}

/* Our own probes, seen on their way out, would only be dropped by the filter: not even offered
 * (Linux 4.20 and later; before, the filter drops them). */
static void ignore_outgoing(int fd) {
#ifdef PACKET_IGNORE_OUTGOING
    int one = 1;
    (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#else
    (void)fd;
#endif
}

/* The one protocol the port's answers come in, when its targets are of one family: the socket then
 * sees only ARP (or only IPv6) frames, not every frame the port carries (its traffic would each
 * run the filter), nor the frames it sends. Both families: every protocol. */
static int answer_protocol(const struct pb_path_watch *w) {
    int v4 = 0, v6 = 0;
    for (int t = 0; t < w->a.ntargets; t++) {
        if (w->a.targets[t].family == AF_INET) v4 = 1;
        else v6 = 1;
    }
    return v4 && !v6 ? ETH_P_ARP : v6 && !v4 ? ETH_P_IPV6 : ETH_P_ALL;
}

static int bind_port(int fd, int ifindex, int protocol) {
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons((uint16_t)protocol);
    sll.sll_ifindex = ifindex;
    return bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0 ? -errno : 0;
}

static int watch_fd(pb_ctx *ctx, int fd, struct pb_path_watch *w) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
    return epoll_ctl(prober_of(ctx)->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Protocol 0 until bound: no frame is queued before the filter is in place. A new port is read at
 * every answer until sync_prompt() says otherwise. *learnt: the port learnt its probe address, so
 * the caller must tell its group (pk_group_changed). */
static int open_port(pb_ctx *ctx, struct pb_path_watch *w, int *learnt) {
    struct pkt_port *port = port_of(w);
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    port->fd = fd;
    port->nmembers = 0;
    int rc = learn_port(fd, w, learnt);
    if (rc == 0) {
        list_peers(ctx, w);
        rc = attach_filter(port);
    }
    if (rc == 0) ignore_outgoing(fd);
    if (rc == 0) rc = map_ring(fd, port);
    if (rc == 0) rc = bind_port(fd, port->ifindex, answer_protocol(w));
    if (rc == 0) rc = watch_fd(ctx, fd, w);
    if (rc < 0) {
        close_port(port);
        return rc;
    }
    port->prompt = 1;
    address_probes(w);
    if (!*learnt) {
        sync_group(ctx, w);
        sync_prompt(ctx, w->a.group);
    }
    return 0;
}

/* ---------- probes ---------- */

/* A full queue loses one probe, not the port; a port that is down stays open for when it comes up
 * (the kernel hooks the socket in again); anything else (the interface went) reopens it. */
static int keeps_port(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ENETDOWN; }

/* A port that is down says nothing about its path: its round is dropped as when its carrier goes
 * (enslaving a port takes it down, and the link event may come rounds later). */
static void skip_down_port(struct pkt_prober *pp, int *i, int n) {
    struct pb_path_watch *w = pp->who[*i];
    pb_verdict_pause(&w->v);
    while (*i < n && pp->who[*i] == w) (*i)++;
}

static void queue_probe(struct pkt_prober *pp, int i, struct pb_path_watch *w, int t) {
    struct pkt_port *port = port_of(w);
    pp->iov[i].iov_base = port->probe[t];
    pp->iov[i].iov_len = port->probe_len[t];
    memset(&pp->msg[i], 0, sizeof pp->msg[i]);
    pp->msg[i].msg_hdr.msg_name = &port->to[t];
    pp->msg[i].msg_hdr.msg_namelen = sizeof port->to[t];
    pp->msg[i].msg_hdr.msg_iov = &pp->iov[i];
    pp->msg[i].msg_hdr.msg_iovlen = 1;
    pp->who[i] = w;
    pp->target[i] = t;
}

/* sendmmsg() stops at the first probe that cannot leave and says how many left before it; the
 * next call, starting with that probe, says why. A port whose interface went is closed (and
 * reopened at its next round) and its other probes skipped; a full send queue ends the batch. */
static void send_batch(pb_ctx *ctx, int n) {
    struct pkt_prober *pp = prober_of(ctx);
    for (int i = 0; i < n;) {
        uint64_t at = pb_now_ns();
        int sent = sendmmsg(pp->txfd, pp->msg + i, (unsigned)(n - i), MSG_DONTWAIT);
        if (sent > 0) {
            for (int k = i; k < i + sent; k++) pb_verdict_sent(&pp->who[k]->v, pp->target[k], at);
            i += sent;
            continue;
        }
        int err = sent < 0 ? errno : EIO;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) return;
        if (err == ENETDOWN) {
            skip_down_port(pp, &i, n);
            continue;
        }
        struct pb_path_watch *w = pp->who[i++];
        if (keeps_port(err)) continue;
        close_port(port_of(w));
        while (i < n && pp->who[i] == w) i++;
    }
}

/* Opens the ports of the batch that are not open. The groups of those that learnt their probe
 * address are told once each, not once per port: every port of a group replaces its filter then. */
static void open_ports(pb_ctx *ctx, struct pb_path_watch *const *w, int n) {
    const char *told[PB_PATH_MAX_WATCHES];
    int ntold = 0;
    for (int i = 0; i < n; i++) {
        int learnt = 0;
        if (port_of(w[i])->fd >= 0 || open_port(ctx, w[i], &learnt) < 0 || !learnt) continue;
        int known = 0;
        for (int g = 0; g < ntold && !known; g++) known = strcmp(told[g], w[i]->a.group) == 0;
        if (!known) told[ntold++] = w[i]->a.group;
    }
    for (int g = 0; g < ntold; g++) pk_group_changed(ctx, told[g]);
}

static void pk_send(pb_ctx *ctx, struct pb_path_watch *const *w, int n, uint64_t now) {
    (void)now;
    struct pkt_prober *pp = prober_of(ctx);
    open_ports(ctx, w, n);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (port_of(w[i])->fd < 0) continue; /* it could not be opened: the round stays unanswered */
        for (int t = 0; t < w[i]->a.ntargets; t++) {
            if (k == SEND_BATCH) {
                send_batch(ctx, k);
                k = 0;
            }
            queue_probe(pp, k++, w[i], t);
        }
    }
    send_batch(ctx, k);
}

/* ---------- answers ---------- */

static void on_frame(pb_ctx *ctx, const struct pb_path_watch *rx, const uint8_t *f, size_t len, uint64_t at) {
    const struct pkt_port *port = port_of(rx);
    int peer, t;
    if (pb_answer_match(f, len, port->peers, port->npeers, &peer, &t)) pb_path_answer(ctx, port->owners[peer], t, at);
}

/* The kernel stamps a frame with the real-time clock when it enters the ring; the verdicts run on
 * the monotonic one. A stamp that converts to a time not yet come (the clock was set meanwhile)
 * counts as now. */
struct clocks {
    uint64_t mono;
    int64_t real_minus_mono;
};

static struct clocks clocks_now(void) {
    struct timespec m, r;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_REALTIME, &r);
    struct clocks c;
    c.mono = (uint64_t)m.tv_sec * 1000000000u + (uint64_t)m.tv_nsec;
    c.real_minus_mono = ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000 + ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
    return c;
}

static uint64_t arrival(const struct tpacket2_hdr *h, const struct clocks *c) {
    int64_t at = (int64_t)h->tp_sec * 1000000000 + (int64_t)h->tp_nsec - c->real_minus_mono;
    return at <= 0 || (uint64_t)at > c->mono ? c->mono : (uint64_t)at;
}

/* Hands each frame the kernel put in the port's ring to on_frame() and the frame back to the
 * kernel; at most one lap, so a flood cannot hold the loop. */
static void read_ring(pb_ctx *ctx, struct pb_path_watch *w, const struct clocks *c) {
    struct pkt_port *port = port_of(w);
    for (int k = 0; k < port->ring_frames && port->ring; k++) {
        struct tpacket2_hdr *h = (struct tpacket2_hdr *)(port->ring + (size_t)port->head * RING_FRAME);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) return;
        if ((status & TP_STATUS_LOSING) && !port->lossy) {
            port->lossy = 1;
            set_prompt(ctx, w, 1);
        }
        if (h->tp_mac <= RING_FRAME && h->tp_snaplen <= RING_FRAME - h->tp_mac)
            on_frame(ctx, w, (const uint8_t *)h + h->tp_mac, h->tp_snaplen, arrival(h, c));
        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        port->head = (port->head + 1) % port->ring_frames;
    }
}

static void clear_error(struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(port->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || !keeps_port(err)) close_port(port);
}

static int pk_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    (void)deadline_ns;
    if (max < 1) return 0;
    fds[0].fd = prober_of(ctx)->epfd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    return 1;
}

/* The pending socket error (the port went down, or away) is cleared; a port that went is closed. */
static void read_ready_ports(pb_ctx *ctx) {
    struct epoll_event evs[EPOLL_BATCH];
    int k = epoll_wait(prober_of(ctx)->epfd, evs, EPOLL_BATCH, 0);
    struct clocks c = clocks_now();
    for (int i = 0; i < k; i++) {
        struct pb_path_watch *w = evs[i].data.ptr;
        if (port_of(w)->fd < 0) continue;
        if (evs[i].events & EPOLLIN) read_ring(ctx, w, &c);
        if (port_of(w)->fd >= 0 && (evs[i].events & (EPOLLERR | EPOLLHUP))) clear_error(w);
    }
}

static void pk_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    (void)now;
    if (n >= 1 && (fds[0].revents & POLLIN)) read_ready_ports(ctx);
}

static void pk_collect(pb_ctx *ctx, uint64_t now) {
    (void)now;
    struct clocks c = clocks_now();
    const struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++) read_ring(ctx, p->w[i], &c);
}

/* ---------- life cycle ---------- */

static int pk_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    (void)opts;
    struct pkt_prober *pp = calloc(1, sizeof *pp);
    if (pp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    pp->epfd = epoll_create1(EPOLL_CLOEXEC);
    pp->txfd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (pp->epfd < 0 || pp->txfd < 0) {
        int e = errno;
        snprintf(err, errlen, "paths: %s: %s", pp->epfd < 0 ? "epoll" : "packet socket", strerror(e));
        if (pp->epfd >= 0) close(pp->epfd);
        free(pp);
        return -e;
    }
    int size = SEND_BUFFER;
    if (setsockopt(pp->txfd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
        (void)setsockopt(pp->txfd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ctx->paths->prober = pp;
    return 0;
}

static void pk_close(pb_ctx *ctx) {
    struct pkt_prober *pp = prober_of(ctx);
    close(pp->epfd);
    close(pp->txfd);
    free(pp);
    ctx->paths->prober = NULL;
}

static int pk_attach(pb_ctx *ctx, struct pb_path_watch *w) {
    (void)ctx;
    struct pkt_port *port = calloc(1, sizeof *port);
    if (port == NULL) return -ENOMEM;
    port->fd = -1;
    w->probe = port;
    return 0;
}

static void pk_detach(pb_ctx *ctx, struct pb_path_watch *w) {
    struct pkt_port *port = port_of(w);
    if (port->fd >= 0) {
        /* Out of the epoll set now; the socket and its ring stay until the event thread closes them. */
        (void)epoll_ctl(prober_of(ctx)->epfd, EPOLL_CTL_DEL, port->fd, NULL);
        pb_closing_add(&ctx->paths->closing, port->fd, port->ring, port->ring_len);
        port->fd = -1;
        port->ring = NULL;
    }
    free(port_of(w)->peers);
    free(port_of(w)->owners);
    free(w->probe);
    w->probe = NULL;
}

/* The carrier as the kernel has it at this instant (netif_carrier_ok), read from sysfs, which
 * takes no lock for it: not as linkwatch last reported it, and not ETHTOOL_GLINK, which is the
 * driver's word on its PHY (e1000e says "link" while its netdev's carrier is still off after the
 * reset that enslaving it causes) and waits for the rtnl lock (held by an enslavement for its
 * whole length, while this loop waits too). A port that is down has none (the file says EINVAL). */
static int pk_carrier(pb_ctx *ctx, const struct pb_path_watch *w) {
    char path[sizeof "/sys/class/net//carrier" + PB_IFNAME_LEN], buf[8];
    (void)ctx;
    snprintf(path, sizeof path, "/sys/class/net/%s/carrier", w->a.ifname);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    int err = errno;
    close(fd);
    if (n < 0) return err == EINVAL ? 0 : -1;
    return n > 0 && buf[0] == '1';
}

const struct pb_prober_ops pb_prober_packet = {
    .name = "packet",
    .open = pk_open,
    .close = pk_close,
    .attach = pk_attach,
    .detach = pk_detach,
    .send = pk_send,
    .verdict_changed = pk_verdict_changed,
    .group_changed = pk_group_changed,
    .pollfds = pk_pollfds,
    .dispatch = pk_dispatch,
    .collect = pk_collect,
    .carrier = pk_carrier,
};

/* The "sim" backend: a simulated CompactPCI backplane with the kernel behaviour had relies on.
 *  - slots from the options; a card is PCI ids + a port count, one PCI function per port, at
 *    0000:SS:00.F where SS is the slot number (so addresses are stable);
 *  - a card's netdevs exist only while a loaded (simulated) driver matches its ids; they are
 *    named ethN, lowest free N, and announced highest function first, as the lab's kernel does;
 *  - a control socket (line protocol, ctl_parse.c) plays the operator: insert, handle, remove,
 *    link. It is served from pb_next_event's poll loop, as are the probe timers.
 * Every function here runs with ctx->lock held. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_parse.h"
#include "path.h"
#include "pb_internal.h"

#define SIM_MAX_SLOTS 32
#define SIM_MAX_DRIVERS 32
#define SIM_MAX_DRIVER_IDS 16
#define SIM_MAX_CLIENTS 16
#define SIM_MSG_LEN 200
#define SIM_REPLY_LEN 4096
#define SIM_PCI_CLASS_ETHERNET 0x020000
#define SIM_PROBE_MS_DEFAULT 20
#define SIM_PROBE_MS_MAX 60000
#define SIM_IDLE_MS_DEFAULT 30000
#define SIM_IDLE_MS_MIN 10
#define SIM_IDLE_MS_MAX 3600000
#define SIM_LINES_PER_PASS 64

struct sim_slot {
    int number;
    int present, powered, led, attention, latch_open, extract_pending;
    int vendor, device, subvendor, subdevice, ports;
    int link[PB_MAX_FUNCTIONS]; /* physical link of each port */
    int path_cut[PB_MAX_FUNCTIONS]; /* the wire beyond the port is cut, carrier kept */
    uint64_t aer[PB_MAX_FUNCTIONS][PB_AER_KINDS]; /* each function's AER totals since the card came */
    int eth[PB_MAX_FUNCTIONS];  /* N of the port's ethN, -1 while it has no netdev */
    char driver[PB_DRIVER_LEN]; /* bound module, "" when none */
    uint64_t probe_at;          /* when the driver core looks at the card; 0 = not scheduled */
};

struct sim_id {
    int vendor, device, subvendor, subdevice; /* subsystem -1: any */
};

struct sim_driver {
    char name[PB_DRIVER_LEN];
    int nids;
    struct sim_id ids[SIM_MAX_DRIVER_IDS];
};

struct sim_client {
    int fd;
    size_t len;
    int discarding; /* an oversized line is being skipped up to its '\n' */
    int quitting;   /* closed once its "ok bye" is taken */
    uint64_t deadline; /* closed as idle at this time unless it makes progress first */
    size_t outlen, outoff; /* the reply it has not taken yet: out[outoff..outlen) */
    char buf[PB_CTL_MAX_LINE + 1];
    char out[SIM_REPLY_LEN + 1];
};

struct sim {
    int nslots;
    struct sim_slot slots[SIM_MAX_SLOTS];
    int ndrivers;
    struct sim_driver drivers[SIM_MAX_DRIVERS];
    uint64_t probe_ns;
    uint64_t idle_ns;
    int listen_fd;
    char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int nclients;
    struct sim_client clients[SIM_MAX_CLIENTS];
};

static struct sim *sim_of(pb_ctx *ctx) { return ctx->backend; }

/* ---------- model ---------- */

static struct sim_slot *find_slot(struct sim *sim, int number) {
    for (int i = 0; i < sim->nslots; i++)
        if (sim->slots[i].number == number) return &sim->slots[i];
    return NULL;
}

static int no_slot(struct sim *sim, int number, char *msg) {
    int off = snprintf(msg, SIM_MSG_LEN, "slot %d: no such slot (slots", number);
    for (int i = 0; i < sim->nslots && off > 0 && off < SIM_MSG_LEN; i++)
        off += snprintf(msg + off, (size_t)(SIM_MSG_LEN - off), "%c%d", i ? ',' : ' ', sim->slots[i].number);
    if (off > 0 && off < SIM_MSG_LEN) snprintf(msg + off, (size_t)(SIM_MSG_LEN - off), ")");
    return -ENODEV;
}

static void fill_function(const struct sim_slot *s, int f, struct pb_function *out) {
    memset(out, 0, sizeof *out);
    snprintf(out->address, sizeof out->address, "0000:%02x:00.%d", s->number & 0xff, f & 7);
    out->function = f;
    out->vendor = s->vendor;
    out->device = s->device;
    out->subvendor = s->subvendor;
    out->subdevice = s->subdevice;
    out->pci_class = SIM_PCI_CLASS_ETHERNET;
}

static void event_init(struct pb_event *ev, int type, const struct sim_slot *s, uint64_t now) {
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->slot = s ? s->number : 0;
    ev->monotonic_ns = now;
}

static void emit_slot(pb_ctx *ctx, int type, const struct sim_slot *s, uint64_t now) {
    struct pb_event ev;
    event_init(&ev, type, s, now);
    pb_emit(ctx, &ev);
}

/* CARD_INSERTED or CARD_OFF: the slot's card with every function. */
static void emit_card(pb_ctx *ctx, int type, const struct sim_slot *s, uint64_t now) {
    struct pb_event ev;
    event_init(&ev, type, s, now);
    ev.nfunctions = s->ports;
    for (int f = 0; f < s->ports; f++) fill_function(s, f, &ev.functions[f]);
    pb_emit(ctx, &ev);
}

static void emit_port(pb_ctx *ctx, int type, const struct sim_slot *s, int f, int carrier, uint64_t now) {
    struct pb_event ev;
    event_init(&ev, type, s, now);
    ev.nfunctions = 1;
    fill_function(s, f, &ev.functions[0]);
    snprintf(ev.ifname, sizeof ev.ifname, "eth%d", s->eth[f]);
    ev.carrier = carrier;
    pb_emit(ctx, &ev);
}

static int eth_in_use(const struct sim *sim, int n) {
    for (int i = 0; i < sim->nslots; i++)
        for (int f = 0; f < sim->slots[i].ports; f++)
            if (sim->slots[i].eth[f] == n) return 1;
    return 0;
}

static int lowest_free_eth(const struct sim *sim) {
    int n = 0;
    while (eth_in_use(sim, n)) n++;
    return n;
}

static int id_matches(const struct sim_id *id, const struct sim_slot *s) {
    if (id->vendor != s->vendor || id->device != s->device) return 0;
    if (id->subvendor == PB_ID_UNKNOWN) return 1;
    return id->subvendor == s->subvendor && id->subdevice == s->subdevice;
}

static int driver_matches(const struct sim_driver *d, const struct sim_slot *s) {
    for (int i = 0; i < d->nids; i++)
        if (id_matches(&d->ids[i], s)) return 1;
    return 0;
}

static const struct sim_driver *matching_driver(const struct sim *sim, const struct sim_slot *s) {
    for (int i = 0; i < sim->ndrivers; i++)
        if (driver_matches(&sim->drivers[i], s)) return &sim->drivers[i];
    return NULL;
}

/* The driver core looks at the card: bind a matching driver, register its netdevs. */
static void probe(pb_ctx *ctx, struct sim_slot *s, uint64_t now) {
    struct sim *sim = sim_of(ctx);
    s->probe_at = 0;
    if (!s->present || !s->powered || s->driver[0]) return;
    const struct sim_driver *d = matching_driver(sim, s);
    if (d == NULL) return;
    pb_strlcpy(s->driver, d->name, sizeof s->driver);
    for (int f = s->ports - 1; f >= 0; f--) {
        s->eth[f] = lowest_free_eth(sim);
        emit_port(ctx, PB_EV_NETDEV_ADDED, s, f, 0, now);
    }
    for (int f = s->ports - 1; f >= 0; f--) emit_port(ctx, PB_EV_LINK, s, f, s->link[f], now);
}

static void schedule_probe(pb_ctx *ctx, struct sim_slot *s, uint64_t now) {
    s->probe_at = now + sim_of(ctx)->probe_ns;
    if (s->probe_at == 0) s->probe_at = 1;
}

static void unbind(pb_ctx *ctx, struct sim_slot *s, int link_down_first, uint64_t now) {
    for (int f = s->ports - 1; f >= 0; f--) {
        if (s->eth[f] < 0) continue;
        if (link_down_first && s->link[f]) emit_port(ctx, PB_EV_LINK, s, f, 0, now);
        emit_port(ctx, PB_EV_NETDEV_REMOVED, s, f, 0, now);
        s->eth[f] = -1;
    }
    s->driver[0] = '\0';
}

static void power_on(pb_ctx *ctx, struct sim_slot *s, uint64_t now) {
    s->powered = 1;
    s->led = 0;
    s->extract_pending = 0;
    emit_card(ctx, PB_EV_CARD_INSERTED, s, now);
    schedule_probe(ctx, s, now);
}

static void power_off(pb_ctx *ctx, struct sim_slot *s, uint64_t now) {
    unbind(ctx, s, 0, now);
    s->probe_at = 0;
    s->powered = 0;
    s->extract_pending = 0;
}

static int do_insert(pb_ctx *ctx, const struct pb_ctl_cmd *c, char *msg) {
    struct sim *sim = sim_of(ctx);
    struct sim_slot *s = find_slot(sim, c->slot);
    if (!s) return no_slot(sim, c->slot, msg);
    if (s->present) {
        snprintf(msg, SIM_MSG_LEN, "slot %d is occupied", s->number);
        return -EBUSY;
    }
    if (c->ports < 1 || c->ports > PB_MAX_FUNCTIONS) {
        snprintf(msg, SIM_MSG_LEN, "bad port count %d (1..%d)", c->ports, PB_MAX_FUNCTIONS);
        return -EINVAL;
    }
    s->present = 1;
    s->latch_open = 0;
    s->vendor = c->vendor;
    s->device = c->device;
    s->subvendor = c->subvendor;
    s->subdevice = c->subdevice;
    s->ports = c->ports;
    for (int f = 0; f < PB_MAX_FUNCTIONS; f++) {
        s->link[f] = 1;
        s->path_cut[f] = 0;
        s->eth[f] = -1;
        for (int k = 0; k < PB_AER_KINDS; k++) s->aer[f][k] = 0;
    }
    s->driver[0] = '\0';
    power_on(ctx, s, pb_now_ns());
    return 0;
}

static int present_slot(struct sim *sim, int number, struct sim_slot **out, char *msg) {
    struct sim_slot *s = find_slot(sim, number);
    if (!s) return no_slot(sim, number, msg);
    if (!s->present) {
        snprintf(msg, SIM_MSG_LEN, "slot %d is empty", number);
        return -ENODEV;
    }
    *out = s;
    return 0;
}

static int do_handle(pb_ctx *ctx, int slot, int open, char *msg) {
    struct sim_slot *s;
    int rc = present_slot(sim_of(ctx), slot, &s, msg);
    if (rc < 0) return rc;
    if (s->latch_open == open) {
        snprintf(msg, SIM_MSG_LEN, "slot %d: handle already %s", slot, open ? "open" : "closed");
        return -EALREADY;
    }
    s->latch_open = open;
    uint64_t now = pb_now_ns();
    if (open && s->powered) {
        s->extract_pending = 1;
        emit_slot(ctx, PB_EV_EXTRACT_REQUEST, s, now);
    } else if (!open && s->powered && s->extract_pending) {
        s->extract_pending = 0;
        emit_slot(ctx, PB_EV_EXTRACT_CANCEL, s, now);
    }
    return 0;
}

static int do_remove(pb_ctx *ctx, int slot, char *msg) {
    struct sim_slot *s;
    int rc = present_slot(sim_of(ctx), slot, &s, msg);
    if (rc < 0) return rc;
    uint64_t now = pb_now_ns();
    if (s->powered) unbind(ctx, s, 1, now);
    emit_slot(ctx, PB_EV_CARD_REMOVED, s, now);
    s->present = s->powered = s->led = s->latch_open = s->extract_pending = 0;
    s->probe_at = 0;
    s->ports = 0;
    s->vendor = s->device = 0;
    s->subvendor = s->subdevice = PB_ID_UNKNOWN;
    for (int f = 0; f < PB_MAX_FUNCTIONS; f++) s->eth[f] = -1;
    return 0;
}

/* The card in slot whose port is PORT: 0, or -errno with the reason in msg. */
static int present_port(struct sim *sim, int slot, int port, struct sim_slot **out, char *msg) {
    int rc = present_slot(sim, slot, out, msg);
    if (rc < 0) return rc;
    if (port < 0 || port >= (*out)->ports) {
        int n = (*out)->ports;
        snprintf(msg, SIM_MSG_LEN, "slot %d has %d port%s (0..%d)", slot, n, n == 1 ? "" : "s", n - 1);
        return -EINVAL;
    }
    return 0;
}

static int do_link(pb_ctx *ctx, int slot, int port, int up, char *msg) {
    struct sim_slot *s;
    int rc = present_port(sim_of(ctx), slot, port, &s, msg);
    if (rc < 0) return rc;
    if (s->link[port] == up) return 0;
    s->link[port] = up;
    if (s->eth[port] >= 0) emit_port(ctx, PB_EV_LINK, s, port, up, pb_now_ns());
    return 0;
}

/* The wire beyond the port: the cut belongs to the slot's cabling, so it outlives power cycles
 * of the card; a new card starts uncut, as its links start up. */
static int do_path(pb_ctx *ctx, int slot, int port, int up, char *msg) {
    struct sim_slot *s;
    int rc = present_port(sim_of(ctx), slot, port, &s, msg);
    if (rc < 0) return rc;
    if (s->path_cut[port] == !up) return 0;
    s->path_cut[port] = !up;
    if (s->eth[port] >= 0) emit_port(ctx, PB_EV_SIM_PATH, s, port, up, pb_now_ns());
    return 0;
}

/* The card's function PORT reports COUNT AER errors of a kind, as the kernel's AER driver counts
 * them: one PB_EV_AER at once (a powered card only: an unpowered one reports nothing). */
static int do_aer(pb_ctx *ctx, const struct pb_ctl_cmd *c, char *msg) {
    struct sim_slot *s;
    int rc = present_port(sim_of(ctx), c->slot, c->port, &s, msg);
    if (rc < 0) return rc;
    if (!s->powered) {
        snprintf(msg, SIM_MSG_LEN, "slot %d is powered off", c->slot);
        return -EIO;
    }
    s->aer[c->port][c->aer_kind] += (uint64_t)c->count;
    struct pb_event ev;
    event_init(&ev, PB_EV_AER, s, pb_now_ns());
    ev.nfunctions = 1;
    fill_function(s, c->port, &ev.functions[0]);
    ev.aer_new[c->aer_kind] = (uint64_t)c->count;
    for (int k = 0; k < PB_AER_KINDS; k++) ev.aer_total[k] = s->aer[c->port][k];
    pb_emit(ctx, &ev);
    return 0;
}

static const char *latch_word(const struct sim_slot *s) { return s->latch_open ? "open" : "closed"; }

static void format_id(const struct sim_slot *s, char *buf, size_t len) {
    if (s->subvendor == PB_ID_UNKNOWN)
        snprintf(buf, len, "%04x:%04x", s->vendor & 0xffff, s->device & 0xffff);
    else
        snprintf(buf, len, "%04x:%04x:%04x:%04x", s->vendor & 0xffff, s->device & 0xffff, s->subvendor & 0xffff,
                 s->subdevice & 0xffff);
}

/* "ok 2:present=1,power=1,led=0,attention=0,latch=closed,id=8086:10d3,ports=2,netdevs=eth1/eth0 12:..." */
static void format_slots(struct sim *sim, char *out, size_t len) {
    size_t off = 0;
#define APPEND(...)                                                              \
    do {                                                                         \
        if (off < len) {                                                         \
            int n_ = snprintf(out + off, len - off, __VA_ARGS__);               \
            off = n_ < 0 ? len : off + (size_t)n_;                               \
        }                                                                        \
    } while (0)
    APPEND("ok");
    for (int i = 0; i < sim->nslots; i++) {
        const struct sim_slot *s = &sim->slots[i];
        APPEND(" %d:present=%d,power=%d,led=%d,attention=%d,latch=%s", s->number, s->present, s->powered, s->led,
               s->attention, latch_word(s));
        if (s->present) {
            char id[24];
            format_id(s, id, sizeof id);
            APPEND(",id=%s,ports=%d,netdevs=", id, s->ports);
            for (int f = 0; f < s->ports; f++) {
                if (s->eth[f] >= 0) APPEND("%seth%d", f ? "/" : "", s->eth[f]);
                else APPEND("%s-", f ? "/" : "");
            }
            int cuts = 0;
            for (int f = 0; f < s->ports; f++)
                if (s->path_cut[f]) APPEND("%s%d", cuts++ ? "/" : ",path_cut=", f);
        }
    }
#undef APPEND
}

/* Runs one parsed control command; the reply (without '\n') goes to reply. */
static void ctl_exec(pb_ctx *ctx, const struct pb_ctl_cmd *c, char *reply, size_t len) {
    struct sim *sim = sim_of(ctx);
    char msg[SIM_MSG_LEN] = "";
    int rc = 0;
    switch (c->op) {
    case PB_CTL_INSERT: rc = do_insert(ctx, c, msg); break;
    case PB_CTL_HANDLE: rc = do_handle(ctx, c->slot, c->on, msg); break;
    case PB_CTL_REMOVE: rc = do_remove(ctx, c->slot, msg); break;
    case PB_CTL_LINK: rc = do_link(ctx, c->slot, c->port, c->on, msg); break;
    case PB_CTL_PATH: rc = do_path(ctx, c->slot, c->port, c->on, msg); break;
    case PB_CTL_AER: rc = do_aer(ctx, c, msg); break;
    case PB_CTL_LEDS: {
        struct sim_slot *s = find_slot(sim, c->slot);
        if (!s) {
            rc = no_slot(sim, c->slot, msg);
            break;
        }
        snprintf(reply, len, "ok power=%d led=%d attention=%d latch=%s present=%d", s->powered, s->led,
                 s->attention, latch_word(s), s->present);
        return;
    }
    case PB_CTL_SLOTS: format_slots(sim, reply, len); return;
    case PB_CTL_HELP:
        snprintf(reply, len,
                 "ok commands: insert SLOT VVVV:DDDD[:SVVV:SDDD] PORTS | handle SLOT open|close | remove SLOT"
                 " | link SLOT PORT up|down | path SLOT PORT up|down | aer SLOT PORT correctable|nonfatal|fatal COUNT"
                 " | leds SLOT | slots | help | quit");
        return;
    case PB_CTL_QUIT: snprintf(reply, len, "ok bye"); return;
    }
    if (rc < 0) snprintf(reply, len, "err %s", msg);
    else snprintf(reply, len, "ok");
}

int pb_sim_ctl_line(pb_ctx *ctx, const char *line, size_t len, char *reply, size_t replylen) {
    if (ctx == NULL || ctx->ops != &pb_sim_ops || reply == NULL || replylen == 0) return -EINVAL;
    struct pb_ctl_cmd cmd;
    char err[SIM_MSG_LEN];
    pthread_mutex_lock(&ctx->lock);
    if (pb_ctl_parse(line, len, &cmd, err, sizeof err) < 0) snprintf(reply, replylen, "err %s", err);
    else ctl_exec(ctx, &cmd, reply, replylen);
    pthread_mutex_unlock(&ctx->lock);
    pb_wake(ctx);
    return reply[0] == 'o' ? 0 : -EINVAL;
}

/* ---------- control socket ----------
 * Every line gets its reply, however many a client pipelines: a reply the socket cannot take at
 * once waits in the client's out buffer, and nothing more is read from that client until it has
 * taken it (back-pressure through its own socket, never a dropped line). A client that makes no
 * progress for idle_ns (no complete line while nothing is owed to it, or none of its reply taken)
 * is told and closed: otherwise a few forgotten connections would hold every place for ever.
 * One pass serves at most SIM_LINES_PER_PASS lines of a client, so a client that keeps its pipe
 * full cannot starve the others or the event reader. */

static void client_close(struct sim *sim, int i) {
    close(sim->clients[i].fd);
    sim->clients[i] = sim->clients[sim->nclients - 1];
    sim->nclients--;
}

/* Best effort, for a client about to be closed: one line if the socket takes it whole. */
static void client_notice(int fd, const char *line) {
    char buf[SIM_MSG_LEN + 1];
    size_t n = strnlen(line, SIM_MSG_LEN - 1);
    memcpy(buf, line, n);
    buf[n++] = '\n';
    (void)send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Hands the client as much of its reply as its socket takes: 0, or -1 when it is gone. */
static int client_flush(struct sim *sim, struct sim_client *cl, uint64_t now) {
    while (cl->outoff < cl->outlen) {
        ssize_t w = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
        cl->outoff += (size_t)w;
        cl->deadline = now + sim->idle_ns;
    }
    cl->outoff = cl->outlen = 0;
    return 0;
}

static void client_reply(struct sim_client *cl, const char *line) {
    size_t n = strnlen(line, SIM_REPLY_LEN - 1);
    memcpy(cl->out, line, n);
    cl->out[n++] = '\n';
    cl->outlen = n;
    cl->outoff = 0;
}

/* Runs the first complete line of the client's buffer, its reply queued: 1, or 0 when the buffer
 * holds no complete line. */
static int client_line(pb_ctx *ctx, struct sim_client *cl, uint64_t now) {
    char *nl = memchr(cl->buf, '\n', cl->len);
    if (nl == NULL) return 0;
    size_t linelen = (size_t)(nl - cl->buf);
    cl->deadline = now + sim_of(ctx)->idle_ns;
    if (cl->discarding) {
        cl->discarding = 0; /* the end of an oversized line, already answered */
    } else {
        struct pb_ctl_cmd cmd;
        char err[SIM_MSG_LEN];
        char reply[SIM_REPLY_LEN];
        if (pb_ctl_parse(cl->buf, linelen, &cmd, err, sizeof err) < 0) snprintf(reply, sizeof reply, "err %s", err);
        else ctl_exec(ctx, &cmd, reply, sizeof reply);
        client_reply(cl, reply);
        if (reply[0] == 'o' && cmd.op == PB_CTL_QUIT) cl->quitting = 1; /* "ok": cmd was parsed */
    }
    cl->len -= linelen + 1;
    memmove(cl->buf, nl + 1, cl->len);
    return 1;
}

/* Reads what the client sent: 0, or -1 at its end (or an error). */
static int client_read(struct sim_client *cl) {
    ssize_t r = recv(cl->fd, cl->buf + cl->len, sizeof cl->buf - cl->len, MSG_DONTWAIT);
    if (r == 0) return -1;
    if (r < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    cl->len += (size_t)r;
    if (cl->len == sizeof cl->buf && memchr(cl->buf, '\n', cl->len) == NULL) {
        /* No '\n' within PB_CTL_MAX_LINE + 1 bytes: refuse once, skip to the end of the line. */
        if (!cl->discarding) client_reply(cl, "err line too long (max 255 bytes)");
        cl->discarding = 1;
        cl->len = 0;
    }
    return r > 0 ? 1 : 0;
}

/* Serves one client as far as it takes its replies: 0, or -1 when it is to be closed. */
static int client_serve(pb_ctx *ctx, struct sim_client *cl, uint64_t now) {
    struct sim *sim = sim_of(ctx);
    for (int lines = 0;;) {
        if (client_flush(sim, cl, now) < 0) return -1;
        if (cl->outlen > 0) return 0; /* back-pressure: wait until the client reads */
        if (cl->quitting) return -1;
        if (lines == SIM_LINES_PER_PASS) return 0;
        if (client_line(ctx, cl, now)) {
            lines++;
            continue;
        }
        int rc = client_read(cl);
        if (rc <= 0) return rc;
    }
}

/* A client is served at once when it has a complete line waiting and nothing owed to it. */
static int client_ready(const struct sim_client *cl) {
    return cl->outlen == 0 && memchr(cl->buf, '\n', cl->len) != NULL;
}

static void accept_clients(struct sim *sim, uint64_t now) {
    for (int k = 0; k < SIM_MAX_CLIENTS; k++) {
        int fd = accept4(sim->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        if (sim->nclients == SIM_MAX_CLIENTS) {
            client_notice(fd, "err too many clients");
            close(fd);
            continue;
        }
        struct sim_client *cl = &sim->clients[sim->nclients++];
        memset(cl, 0, sizeof *cl);
        cl->fd = fd;
        cl->deadline = now + sim->idle_ns;
    }
}

static int listen_on(struct sim *sim, const char *path, char *err, size_t errlen) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t plen = strlen(path);
    if (plen == 0 || plen >= sizeof sa.sun_path) {
        snprintf(err, errlen, "option socket: path must have 1 to %zu bytes", sizeof sa.sun_path - 1);
        return -EINVAL;
    }
    memcpy(sa.sun_path, path, plen);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "socket %.100s: exists and is not a socket", path);
            return -EEXIST;
        }
        int probe_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe_fd >= 0) {
            int live = connect(probe_fd, (struct sockaddr *)&sa, sizeof sa) == 0;
            close(probe_fd);
            if (live) {
                snprintf(err, errlen, "socket %.100s: another simulator is serving it", path);
                return -EADDRINUSE;
            }
        }
        unlink(path); /* stale: its server is gone */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "socket: %s", strerror(e));
        return -e;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        int e = errno;
        snprintf(err, errlen, "socket %.100s: %s", path, strerror(e));
        close(fd);
        return -e;
    }
    sim->listen_fd = fd;
    pb_strlcpy(sim->sock_path, path, sizeof sim->sock_path);
    return 0;
}

/* ---------- options ---------- */

static int parse_slots(struct sim *sim, const char *v, char *err, size_t errlen) {
    const char *p = v;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        unsigned long num;
        if (pb_parse_uint(p, n, 255, &num) < 0 || num == 0) {
            snprintf(err, errlen, "option slots: '%.*s' is not a slot number (1..255)", (int)(n > 16 ? 16 : n), p);
            return -EINVAL;
        }
        if (find_slot(sim, (int)num)) {
            snprintf(err, errlen, "option slots: slot %lu given twice", num);
            return -EINVAL;
        }
        if (sim->nslots == SIM_MAX_SLOTS) {
            snprintf(err, errlen, "option slots: more than %d slots", SIM_MAX_SLOTS);
            return -EINVAL;
        }
        struct sim_slot *s = &sim->slots[sim->nslots++];
        s->number = (int)num;
        s->subvendor = s->subdevice = PB_ID_UNKNOWN;
        for (int f = 0; f < PB_MAX_FUNCTIONS; f++) s->eth[f] = -1;
        if (!e) return 0;
        p = e + 1;
    }
}

/* ---------- backend ops ---------- */

static void sim_close(pb_ctx *ctx) {
    struct sim *sim = sim_of(ctx);
    if (!sim) return;
    while (sim->nclients > 0) client_close(sim, sim->nclients - 1);
    if (sim->listen_fd >= 0) {
        close(sim->listen_fd);
        unlink(sim->sock_path);
    }
    free(sim);
    ctx->backend = NULL;
}

static int sim_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    struct sim *sim = calloc(1, sizeof *sim);
    if (!sim) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    sim->listen_fd = -1;
    ctx->backend = sim;
    int rc;
    const char *slots = pb_opts_get(opts, "slots");
    if (!slots) {
        snprintf(err, errlen, "option slots is required (e.g. slots=2,12,16)");
        rc = -EINVAL;
        goto fail;
    }
    if ((rc = parse_slots(sim, slots, err, errlen)) < 0) goto fail;
    unsigned long probe_ms = SIM_PROBE_MS_DEFAULT;
    const char *pm = pb_opts_get(opts, "probe_ms");
    if (pm && pb_parse_uint(pm, strlen(pm), SIM_PROBE_MS_MAX, &probe_ms) < 0) {
        snprintf(err, errlen, "option probe_ms: milliseconds from 0 to %d", SIM_PROBE_MS_MAX);
        rc = -EINVAL;
        goto fail;
    }
    sim->probe_ns = (uint64_t)probe_ms * 1000000u;
    unsigned long idle_ms = SIM_IDLE_MS_DEFAULT;
    const char *im = pb_opts_get(opts, "idle_ms");
    if (im && (pb_parse_uint(im, strlen(im), SIM_IDLE_MS_MAX, &idle_ms) < 0 || idle_ms < SIM_IDLE_MS_MIN)) {
        snprintf(err, errlen, "option idle_ms: milliseconds from %d to %d", SIM_IDLE_MS_MIN, SIM_IDLE_MS_MAX);
        rc = -EINVAL;
        goto fail;
    }
    sim->idle_ns = (uint64_t)idle_ms * 1000000u;
    const char *sock = pb_opts_get(opts, "socket");
    if (sock && (rc = listen_on(sim, sock, err, errlen)) < 0) goto fail;
    return 0;
fail:
    sim_close(ctx);
    return rc;
}

static int sim_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    struct sim *sim = sim_of(ctx);
    int n = 0;
    for (int i = 0; i < sim->nslots; i++) {
        uint64_t t = sim->slots[i].probe_at;
        if (t && t < *deadline_ns) *deadline_ns = t;
    }
    if (sim->listen_fd >= 0 && n < max) {
        fds[n].fd = sim->listen_fd;
        fds[n].events = POLLIN;
        fds[n].revents = 0;
        n++;
    }
    for (int i = 0; i < sim->nclients && n < max; i++) {
        const struct sim_client *cl = &sim->clients[i];
        uint64_t t = client_ready(cl) ? 1 : cl->deadline;
        if (t < *deadline_ns) *deadline_ns = t;
        fds[n].fd = cl->fd;
        fds[n].events = cl->outlen > 0 ? POLLOUT : POLLIN;
        fds[n].revents = 0;
        n++;
    }
    return n;
}

static void sim_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    struct sim *sim = sim_of(ctx);
    int accept_ready = 0;
    for (int k = 0; k < n; k++) {
        if (!fds[k].revents) continue;
        if (fds[k].fd == sim->listen_fd) {
            accept_ready = 1;
            continue;
        }
        for (int i = 0; i < sim->nclients; i++) {
            if (sim->clients[i].fd != fds[k].fd) continue;
            if (client_serve(ctx, &sim->clients[i], now) < 0) client_close(sim, i);
            break;
        }
    }
    now = pb_now_ns() > now ? pb_now_ns() : now;
    for (int i = sim->nclients - 1; i >= 0; i--) {
        struct sim_client *cl = &sim->clients[i];
        if (client_ready(cl)) {
            if (client_serve(ctx, cl, now) < 0) client_close(sim, i);
        } else if (cl->deadline <= now) {
            /* Told only when no reply of its own is half sent: the notice must be a line of its own. */
            if (cl->outlen == 0) {
                char notice[SIM_MSG_LEN];
                snprintf(notice, sizeof notice, "err idle: no complete line for %llu ms; closing",
                         (unsigned long long)(sim->idle_ns / 1000000u));
                client_notice(cl->fd, notice);
            }
            client_close(sim, i);
        }
    }
    /* Accept last: a client closed above may free an fd number a new client would reuse. */
    if (accept_ready) accept_clients(sim, now);
    for (int i = 0; i < sim->nslots; i++) {
        struct sim_slot *s = &sim->slots[i];
        if (s->probe_at && s->probe_at <= now) probe(ctx, s, now);
    }
}

static void sim_snapshot(pb_ctx *ctx, uint64_t now) {
    struct sim *sim = sim_of(ctx);
    for (int i = 0; i < sim->nslots; i++) {
        struct sim_slot *s = &sim->slots[i];
        if (s->present && !s->powered) emit_card(ctx, PB_EV_CARD_OFF, s, now);
        if (!s->present || !s->powered) continue;
        emit_card(ctx, PB_EV_CARD_INSERTED, s, now);
        for (int f = s->ports - 1; f >= 0; f--)
            if (s->eth[f] >= 0) emit_port(ctx, PB_EV_NETDEV_ADDED, s, f, 0, now);
        for (int f = s->ports - 1; f >= 0; f--)
            if (s->eth[f] >= 0) emit_port(ctx, PB_EV_LINK, s, f, s->link[f], now);
        for (int f = s->ports - 1; f >= 0; f--)
            if (s->eth[f] >= 0 && s->path_cut[f]) emit_port(ctx, PB_EV_SIM_PATH, s, f, 0, now);
        if (s->latch_open) {
            s->extract_pending = 1;
            emit_slot(ctx, PB_EV_EXTRACT_REQUEST, s, now);
        }
    }
}

/* The slot and port of ethN, 0 if no port of the backplane has that name. */
static int find_eth(struct sim *sim, const char *ifname, struct sim_slot **slot, int *port) {
    unsigned long n;
    if (strncmp(ifname, "eth", 3) != 0 || pb_parse_uint(ifname + 3, strlen(ifname + 3), 9999, &n) < 0) return 0;
    for (int i = 0; i < sim->nslots; i++) {
        for (int f = 0; f < sim->slots[i].ports; f++) {
            if (sim->slots[i].eth[f] != (int)n) continue;
            *slot = &sim->slots[i];
            *port = f;
            return 1;
        }
    }
    return 0;
}

static void sim_port_of(pb_ctx *ctx, const char *ifname, struct pb_event *ev) {
    struct sim_slot *s;
    int f;
    if (!find_eth(sim_of(ctx), ifname, &s, &f)) return;
    ev->slot = s->number;
    ev->nfunctions = 1;
    fill_function(s, f, &ev->functions[0]);
}

static int sim_carrier_of(pb_ctx *ctx, const char *ifname) {
    struct sim_slot *s;
    int f;
    return find_eth(sim_of(ctx), ifname, &s, &f) ? s->link[f] != 0 : -1;
}

int pb_sim_path_ok(pb_ctx *ctx, const char *ifname) {
    struct sim_slot *s;
    int f;
    if (ctx->ops != &pb_sim_ops || !find_eth(sim_of(ctx), ifname, &s, &f)) return 0;
    return s->link[f] && !s->path_cut[f];
}

static int fail_msg(pb_ctx *ctx, int rc, const char *msg) { return rc < 0 ? pb_fail(ctx, -rc, "%s", msg) : rc; }

static int sim_slot_power(pb_ctx *ctx, int slot, int on) {
    struct sim *sim = sim_of(ctx);
    char msg[SIM_MSG_LEN];
    struct sim_slot *s = find_slot(sim, slot);
    if (!s) return fail_msg(ctx, no_slot(sim, slot, msg), msg);
    if (on == s->powered) return 0;
    if (on) {
        if (!s->present) return pb_fail(ctx, ENODEV, "slot %d is empty: nothing to power on", slot);
        power_on(ctx, s, pb_now_ns());
    } else {
        power_off(ctx, s, pb_now_ns());
    }
    return 0;
}

static int sim_slot_led(pb_ctx *ctx, int slot, int on) {
    struct sim *sim = sim_of(ctx);
    char msg[SIM_MSG_LEN];
    struct sim_slot *s = find_slot(sim, slot);
    if (!s) return fail_msg(ctx, no_slot(sim, slot, msg), msg);
    s->led = on;
    return 0;
}

static int sim_slot_attention(pb_ctx *ctx, int slot, int on) {
    struct sim *sim = sim_of(ctx);
    char msg[SIM_MSG_LEN];
    struct sim_slot *s = find_slot(sim, slot);
    if (!s) return fail_msg(ctx, no_slot(sim, slot, msg), msg);
    s->attention = on;
    return 0;
}

static int sim_request_extraction(pb_ctx *ctx, int slot) {
    struct sim_slot *s;
    char msg[SIM_MSG_LEN];
    int rc = present_slot(sim_of(ctx), slot, &s, msg);
    if (rc < 0) return fail_msg(ctx, rc, msg);
    if (!s->powered) return pb_fail(ctx, EALREADY, "slot %d is already powered off", slot);
    s->extract_pending = 1;
    emit_slot(ctx, PB_EV_EXTRACT_REQUEST, s, pb_now_ns());
    return 0;
}

static int sim_list_slots(pb_ctx *ctx, struct pb_slot_info *out, int max) {
    struct sim *sim = sim_of(ctx);
    for (int i = 0; i < sim->nslots && i < max; i++) {
        const struct sim_slot *s = &sim->slots[i];
        struct pb_slot_info *o = &out[i];
        memset(o, 0, sizeof *o);
        o->slot = s->number;
        o->present = s->present;
        o->powered = s->powered;
        o->led = s->led;
        o->attention = s->attention;
        o->latch_open = s->latch_open;
        o->nfunctions = s->present ? s->ports : 0;
        for (int f = 0; f < o->nfunctions; f++) {
            fill_function(s, f, &o->functions[f].fn);
            pb_strlcpy(o->functions[f].driver, s->driver, sizeof o->functions[f].driver);
            if (s->eth[f] >= 0) snprintf(o->functions[f].ifname, sizeof o->functions[f].ifname, "eth%d", s->eth[f]);
        }
    }
    return sim->nslots;
}

static int valid_module(const char *m) {
    size_t n = strnlen(m, PB_DRIVER_LEN);
    if (n == 0 || n >= PB_DRIVER_LEN) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = m[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int parse_ids(pb_ctx *ctx, const char *ids, struct sim_driver *d) {
    size_t total = strnlen(ids, 1024);
    if (total == 0 || total >= 1024) return pb_fail(ctx, EINVAL, "driver ids: 'VVVV:DDDD[:SVVV:SDDD],...' expected");
    const char *p = ids;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (d->nids == SIM_MAX_DRIVER_IDS) return pb_fail(ctx, EINVAL, "driver ids: more than %d", SIM_MAX_DRIVER_IDS);
        struct sim_id *id = &d->ids[d->nids];
        id->subvendor = id->subdevice = PB_ID_UNKNOWN;
        int ok = (n == 9 || n == 19) && p[4] == ':' && pb_parse_hex16(p, 4, &id->vendor) == 0 &&
                 pb_parse_hex16(p + 5, 4, &id->device) == 0;
        if (ok && n == 19)
            ok = p[9] == ':' && p[14] == ':' && pb_parse_hex16(p + 10, 4, &id->subvendor) == 0 &&
                 pb_parse_hex16(p + 15, 4, &id->subdevice) == 0;
        if (!ok)
            return pb_fail(ctx, EINVAL, "driver ids: '%.*s' is not VVVV:DDDD[:SVVV:SDDD]", (int)(n > 24 ? 24 : n), p);
        d->nids++;
        if (!e) return 0;
        p = e + 1;
    }
}

static int sim_driver(pb_ctx *ctx, const char *module, const char *ids, int loaded) {
    struct sim *sim = sim_of(ctx);
    if (module == NULL || !valid_module(module))
        return pb_fail(ctx, EINVAL, "bad module name (1..%d of A-Z a-z 0-9 _ -)", PB_DRIVER_LEN - 1);
    int idx = -1;
    for (int i = 0; i < sim->ndrivers; i++)
        if (strcmp(sim->drivers[i].name, module) == 0) idx = i;
    uint64_t now = pb_now_ns();
    if (loaded) {
        if (idx >= 0) return 0; /* modprobe of a loaded module does nothing */
        if (sim->ndrivers == SIM_MAX_DRIVERS) return pb_fail(ctx, ENOSPC, "more than %d modules", SIM_MAX_DRIVERS);
        struct sim_driver d;
        memset(&d, 0, sizeof d);
        pb_strlcpy(d.name, module, sizeof d.name);
        if (ids == NULL) return pb_fail(ctx, EINVAL, "driver ids missing");
        int rc = parse_ids(ctx, ids, &d);
        if (rc < 0) return rc;
        sim->drivers[sim->ndrivers++] = d;
        for (int i = 0; i < sim->nslots; i++) {
            struct sim_slot *s = &sim->slots[i];
            if (s->present && s->powered && !s->driver[0] && !s->probe_at && driver_matches(&d, s))
                schedule_probe(ctx, s, now);
        }
        return 0;
    }
    if (idx < 0) return pb_fail(ctx, ENOENT, "module %s is not loaded", module);
    for (int i = 0; i < sim->nslots; i++) {
        struct sim_slot *s = &sim->slots[i];
        if (s->present && strcmp(s->driver, module) == 0) unbind(ctx, s, 0, now);
    }
    sim->drivers[idx] = sim->drivers[sim->ndrivers - 1];
    sim->ndrivers--;
    return 0;
}

const struct pb_backend_ops pb_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .close = sim_close,
    .pollfds = sim_pollfds,
    .dispatch = sim_dispatch,
    .snapshot = sim_snapshot,
    .slot_power = sim_slot_power,
    .slot_led = sim_slot_led,
    .slot_attention = sim_slot_attention,
    .request_extraction = sim_request_extraction,
    .list_slots = sim_list_slots,
    .sim_driver = sim_driver,
    .port_of = sim_port_of,
    .carrier_of = sim_carrier_of,
    .probers = (const struct pb_prober_ops *const[]){&pb_prober_sim, &pb_prober_packet, NULL},
};

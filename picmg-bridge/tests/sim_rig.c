#include "sim_rig.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int rig_counter;

int rig_open(struct rig *r, const char *extra) {
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "/tmp/pb-test-%d-%d.sock", (int)getpid(), rig_counter++);
    char opts[512];
    snprintf(opts, sizeof opts, "slots=2,12,16;probe_ms=5;socket=%s;%s", r->path, extra ? extra : "");
    return pb_open("sim", opts, &r->ctx);
}

void rig_close(struct rig *r) {
    pb_close(r->ctx);
    r->ctx = NULL;
}

int rig_connect(const struct rig *r) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", r->path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -errno;
    }
    return fd;
}

static void pump(struct rig *r, int timeout_ms) {
    struct pb_event ev;
    if (pb_next_event(r->ctx, &ev, timeout_ms) == 1 && r->nev < RIG_MAX_EVENTS) r->ev[r->nev++] = ev;
}

int rig_send(int fd, const char *bytes, size_t len) {
    return send(fd, bytes, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

int rig_reply(struct rig *r, int fd, char *reply, size_t len) {
    size_t got = 0;
    for (int i = 0; i < 3000; i++) {
        pump(r, 1);
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) continue;
        char c;
        ssize_t n = recv(fd, &c, 1, 0);
        if (n <= 0) return -1; /* closed by the server */
        if (c == '\n') {
            reply[got] = '\0';
            return 0;
        }
        if (got + 1 < len) reply[got++] = c;
        i--; /* data is flowing: do not count it against the time budget */
    }
    return -1;
}

int rig_ctl(struct rig *r, int fd, const char *line, char *reply, size_t len) {
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (rig_send(fd, buf, (size_t)n) < 0) return -1;
    return rig_reply(r, fd, reply, len);
}

void rig_drain(struct rig *r, int quiet_ms) {
    struct pb_event ev;
    while (pb_next_event(r->ctx, &ev, quiet_ms) == 1)
        if (r->nev < RIG_MAX_EVENTS) r->ev[r->nev++] = ev;
}

const char *pb_event_name(int type) {
    switch (type) {
    case PB_EV_CARD_INSERTED: return "INSERTED";
    case PB_EV_EXTRACT_REQUEST: return "EXTRACT";
    case PB_EV_EXTRACT_CANCEL: return "CANCEL";
    case PB_EV_CARD_REMOVED: return "REMOVED";
    case PB_EV_NETDEV_ADDED: return "NETDEV+";
    case PB_EV_NETDEV_REMOVED: return "NETDEV-";
    case PB_EV_LINK: return "LINK";
    case PB_EV_RESYNC: return "RESYNC";
    case PB_EV_PATH: return "PATH";
    case PB_EV_SIM_PATH: return "SIMPATH";
    case PB_EV_CARD_OFF: return "OFF";
    default: return "?";
    }
}

const char *rig_events(struct rig *r) {
    size_t off = 0;
    r->text[0] = '\0';
    for (int i = 0; i < r->nev && off < sizeof r->text - 200; i++) {
        const struct pb_event *e = &r->ev[i];
        off += (size_t)snprintf(r->text + off, sizeof r->text - off, "%s%s", i ? "; " : "", pb_event_name(e->type));
        switch (e->type) {
        case PB_EV_CARD_INSERTED:
        case PB_EV_CARD_OFF:
            off += (size_t)snprintf(r->text + off, sizeof r->text - off, " %d [", e->slot);
            for (int f = 0; f < e->nfunctions && f < PB_MAX_FUNCTIONS; f++)
                off += (size_t)snprintf(r->text + off, sizeof r->text - off, "%s%s", f ? " " : "", e->functions[f].address);
            off += (size_t)snprintf(r->text + off, sizeof r->text - off, "]");
            break;
        case PB_EV_NETDEV_ADDED:
        case PB_EV_NETDEV_REMOVED:
            off += (size_t)snprintf(r->text + off, sizeof r->text - off, " %d %s fn%d", e->slot, e->ifname,
                                    e->functions[0].function);
            break;
        case PB_EV_LINK:
        case PB_EV_PATH:
        case PB_EV_SIM_PATH:
            off += (size_t)snprintf(r->text + off, sizeof r->text - off, " %d %s fn%d %s", e->slot, e->ifname,
                                    e->functions[0].function, e->carrier ? "up" : "down");
            break;
        case PB_EV_RESYNC: break;
        default: off += (size_t)snprintf(r->text + off, sizeof r->text - off, " %d", e->slot); break;
        }
    }
    r->nev = 0;
    return r->text;
}

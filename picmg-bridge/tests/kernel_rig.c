/* The kernel backend's test rig: see kernel_rig.h. */
#include "kernel_rig.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakesys.h"

#define DATA "data/uevents-6.1"
#define MAX_NAMES 64

static void close_pair(int p[2]) {
    for (int i = 0; i < 2; i++)
        if (p[i] >= 0) close(p[i]);
    p[0] = p[1] = -1;
}

static int make_pair(int p[2]) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) < 0) return -errno;
    int sz = 4 << 20;
    setsockopt(p[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    setsockopt(p[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    return 0;
}

int krig_init(struct krig *r, const char *snap) {
    memset(r, 0, sizeof *r);
    r->uev[0] = r->uev[1] = r->rtnl[0] = r->rtnl[1] = -1;
    int rc = fakesys_create(r->root, sizeof r->root);
    if (rc < 0) return rc;
    if ((rc = make_pair(r->uev)) < 0 || (rc = make_pair(r->rtnl)) < 0) return rc;
    if (snap && (rc = krig_apply(r->root, snap)) < 0) return rc;
    return 0;
}

int krig_open(struct krig *r, const char *extra) {
    char opts[1024];
    snprintf(opts, sizeof opts, "root=%s;uevent_fd=%d;rtnl_fd=%d%s%s", r->root, r->uev[1], r->rtnl[1],
             extra && *extra ? ";" : "", extra ? extra : "");
    char err[256];
    int rc = pb_open_err("kernel", opts, &r->ctx, err, sizeof err);
    if (rc < 0) fprintf(stderr, "krig_open: %s\n", err);
    return rc;
}

void krig_destroy(struct krig *r) {
    if (r->ctx) pb_close(r->ctx);
    r->ctx = NULL;
    close_pair(r->uev);
    close_pair(r->rtnl);
    if (r->root[0]) fakesys_destroy(r->root);
    r->root[0] = '\0';
}

/* ---- snapshots ---- */

static int apply_slots(const char *root, const char *snap) {
    char path[256];
    snprintf(path, sizeof path, DATA "/%s/slots.txt", snap);
    return fakesys_recorded_slots(root, path);
}

static int in_list(char names[][32], int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return 1;
    return 0;
}

/* Removes every entry of <root>/<dir> not in keep (and, for device links, the device itself). */
static void prune(const char *root, const char *dir, char keep[][32], int nkeep, int device_links) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, dir);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    char gone[MAX_NAMES][32];
    int ngone = 0;
    while ((e = readdir(d)) != NULL && ngone < MAX_NAMES) {
        if (e->d_name[0] == '.' || in_list(keep, nkeep, e->d_name) || strlen(e->d_name) >= 32) continue;
        memcpy(gone[ngone++], e->d_name, strlen(e->d_name) + 1);
    }
    closedir(d);
    for (int i = 0; i < ngone; i++) {
        char link[4096], target[4096];
        snprintf(link, sizeof link, "%s/%s/%s", root, dir, gone[i]);
        ssize_t n = readlink(link, target, sizeof target - 1);
        unlink(link);
        if (device_links && n > 8 && strncmp(target, "../../..", 8) == 0) {
            target[n] = '\0';
            snprintf(path, sizeof path, "%s/sys%s", root, target + 8);
            fakesys_destroy(path);
        }
    }
}

static int apply_devices(const char *root, const char *snap) {
    char path[4096], line[1024];
    snprintf(path, sizeof path, DATA "/%s/devices.txt", snap);
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    char names[MAX_NAMES][32];
    int nnames = 0, r = 0;
    while (fgets(line, sizeof line, f)) {
        char *save, *name = strtok_r(line, " \n", &save), *target = strtok_r(NULL, " \n", &save);
        if (!name || !target || strncmp(target, "../../..", 8) != 0 || nnames == MAX_NAMES) continue;
        if (strlen(name) >= 32) continue;
        memcpy(names[nnames++], name, strlen(name) + 1);
        struct stat st;
        snprintf(path, sizeof path, "%s/sys/bus/pci/devices/%s", root, name);
        if (lstat(path, &st) == 0) continue;
        const char *v[5] = {"", "", "", "", ""}, *driver = NULL;
        static const char *const keys[5] = {"vendor", "device", "subsystem_vendor", "subsystem_device", "class"};
        const char *net[9] = {NULL};
        size_t nn = 0;
        for (char *kv; (kv = strtok_r(NULL, " \n", &save));) {
            char *eq = strchr(kv, '=');
            if (!eq) continue;
            *eq++ = '\0';
            for (int i = 0; i < 5; i++)
                if (strcmp(kv, keys[i]) == 0) v[i] = eq;
            if (strcmp(kv, "driver") == 0) driver = eq;
            if (strcmp(kv, "net") == 0 && nn < 8) net[nn++] = eq;
        }
        r |= fakesys_func(root, target + 8, v[0], v[1], v[2], v[3], v[4], driver, net);
    }
    fclose(f);
    prune(root, "sys/bus/pci/devices", names, nnames, 1);
    return r;
}

static int apply_net(const char *root, const char *snap) {
    char path[4096], line[1024];
    snprintf(path, sizeof path, DATA "/%s/net.txt", snap);
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    char names[MAX_NAMES][32];
    int nnames = 0, r = fakesys_mkdir(root, "sys/class/net");
    while (fgets(line, sizeof line, f)) {
        char *save, *name = strtok_r(line, " \n", &save), *target = strtok_r(NULL, " \n", &save);
        char *idx = strtok_r(NULL, " \n", &save);
        if (!name || !target || !idx || strncmp(target, "../..", 5) != 0 || strncmp(idx, "ifindex=", 8) != 0 ||
            nnames == MAX_NAMES)
            continue;
        if (strlen(name) >= 32) continue;
        memcpy(names[nnames++], name, strlen(name) + 1);
        char rel[1024], val[32];
        snprintf(rel, sizeof rel, "sys%s/ifindex", target + 5);
        snprintf(val, sizeof val, "%s\n", idx + 8);
        r |= fakesys_write(root, rel, val);
        snprintf(rel, sizeof rel, "sys%s/carrier", target + 5);
        r |= fakesys_write(root, rel, "1\n");
        snprintf(path, sizeof path, "%s/sys/class/net/%s", root, name);
        struct stat st;
        if (lstat(path, &st) < 0 && symlink(target, path) < 0) r |= -errno;
    }
    fclose(f);
    prune(root, "sys/class/net", names, nnames, 0);
    return r;
}

int krig_apply(const char *root, const char *snap) {
    int r = apply_slots(root, snap);
    if (r == 0) r = apply_devices(root, snap);
    if (r == 0) r = apply_net(root, snap);
    return r;
}

/* ---- datagrams ---- */

static int send_all(int fd, const void *buf, size_t len) {
    ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
    if (w < 0) return -errno;
    return (size_t)w == len ? 0 : -EIO;
}

int krig_send_uevent(struct krig *r, const void *buf, size_t len) { return send_all(r->uev[0], buf, len); }

int krig_send_rtnl(struct krig *r, const void *buf, size_t len) { return send_all(r->rtnl[0], buf, len); }

int krig_send_recorded(struct krig *r, unsigned first, unsigned last) {
    static char buf[16384];
    for (unsigned n = first; n <= last; n++) {
        char path[256];
        snprintf(path, sizeof path, DATA "/raw/%04u.bin", n);
        FILE *f = fopen(path, "rb");
        if (!f) return -errno;
        size_t got = fread(buf, 1, sizeof buf, f);
        fclose(f);
        int rc = krig_send_uevent(r, buf, got);
        if (rc < 0) return rc;
    }
    return 0;
}

/* ---- events ---- */

void krig_format(const struct pb_event *ev, char *out, size_t cap) {
    const struct pb_function *f0 = &ev->functions[0];
    switch (ev->type) {
    case PB_EV_CARD_INSERTED:
    case PB_EV_CARD_OFF: {
        size_t off = (size_t)snprintf(out, cap, "%s%d[", ev->type == PB_EV_CARD_OFF ? "off" : "ins", ev->slot);
        for (int i = 0; i < ev->nfunctions && i < PB_MAX_FUNCTIONS && off < cap; i++) {
            const struct pb_function *f = &ev->functions[i];
            off += (size_t)snprintf(out + off, cap - off, "%s%s=%04x:%04x/%04x:%04x/%06x", i ? "," : "", f->address,
                                    (unsigned)f->vendor, (unsigned)f->device, (unsigned)f->subvendor & 0xffff,
                                    (unsigned)f->subdevice & 0xffff, (unsigned)f->pci_class);
        }
        if (off < cap) snprintf(out + off, cap - off, "]");
        return;
    }
    case PB_EV_NETDEV_ADDED:
    case PB_EV_NETDEV_REMOVED:
        snprintf(out, cap, "%s%d:%s@%s", ev->type == PB_EV_NETDEV_ADDED ? "add" : "del", ev->slot, ev->ifname,
                 ev->nfunctions ? f0->address : "-");
        return;
    case PB_EV_LINK: snprintf(out, cap, "link%d:%s=%d", ev->slot, ev->ifname, ev->carrier); return;
    case PB_EV_CARD_REMOVED: snprintf(out, cap, "rm%d", ev->slot); return;
    case PB_EV_EXTRACT_REQUEST: snprintf(out, cap, "req%d", ev->slot); return;
    case PB_EV_EXTRACT_CANCEL: snprintf(out, cap, "cancel%d", ev->slot); return;
    case PB_EV_RESYNC: snprintf(out, cap, "resync"); return;
    default: snprintf(out, cap, "type%d", ev->type); return;
    }
}

int krig_drain(struct krig *r, int quiet_ms, char *out, size_t cap) {
    size_t off = 0;
    int n = 0;
    out[0] = '\0';
    struct pb_event ev;
    while (pb_next_event(r->ctx, &ev, quiet_ms) == 1) {
        char word[512];
        krig_format(&ev, word, sizeof word);
        if (off < cap) off += (size_t)snprintf(out + off, cap - off, "%s%s", n ? " " : "", word);
        n++;
    }
    return n;
}

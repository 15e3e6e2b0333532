/* kernel-probe: runs the kernel backend on a real kernel (the guest of kernel-check.sh) and prints
 * every event, with the milliseconds since it started. It plays a small daemon:
 *   - brings each new port up (so its carrier can come) and says "@@ LINKS UP" once two ports of
 *     slot 2 have carrier at the same time;
 *   - when one of them then loses its carrier (the host takes it down; if nothing changed 8 s
 *     later, the probe sets the first port down itself), lights slot 2's hot-swap LED, lists the slots and
 *     powers slot 2 off with pb_slot_power (a software extraction);
 *   - when slot 2's card is gone, tries to power it on again (the lab's QEMU dropped the device:
 *     the kernel's refusal is printed), lists the slots and exits 0.
 * Exits 1 on any unexpected failure or after 120 s. Built statically with the library's sources. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "picmg_bridge.h"

static uint64_t t0;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *type_name(int t) {
    static const char *const n[] = {"?", "CARD_INSERTED", "EXTRACT_REQUEST", "EXTRACT_CANCEL", "CARD_REMOVED",
                                    "NETDEV_ADDED", "NETDEV_REMOVED", "LINK", "RESYNC"};
    return t >= 1 && t <= 8 ? n[t] : n[0];
}

static void print_event(const struct pb_event *ev) {
    printf("[%7.3f] %-15s slot=%d", (double)(ev->monotonic_ns - t0) / 1e9, type_name(ev->type), ev->slot);
    if (ev->ifname[0]) printf(" if=%s", ev->ifname);
    if (ev->type == 7) printf(" carrier=%d", ev->carrier);
    for (int i = 0; i < ev->nfunctions && i < PB_MAX_FUNCTIONS; i++) {
        const struct pb_function *f = &ev->functions[i];
        printf(" fn=%s(%04x:%04x/%04x:%04x class %06x)", f->address, (unsigned)f->vendor, (unsigned)f->device,
               (unsigned)f->subvendor & 0xffff, (unsigned)f->subdevice & 0xffff, (unsigned)f->pci_class);
    }
    printf("\n");
    fflush(stdout);
}

static void list(pb_ctx *ctx) {
    struct pb_slot_info si[8];
    int n = pb_list_slots(ctx, si, 8);
    for (int i = 0; i < n && i < 8; i++) {
        printf("  slot %d: present=%d powered=%d led=%d attention=%d latch_open=%d functions=%d", si[i].slot,
               si[i].present, si[i].powered, si[i].led, si[i].attention, si[i].latch_open, si[i].nfunctions);
        for (int f = 0; f < si[i].nfunctions; f++)
            printf(" %s/%s/%s", si[i].functions[f].fn.address, si[i].functions[f].driver[0] ? si[i].functions[f].driver : "-",
                   si[i].functions[f].ifname[0] ? si[i].functions[f].ifname : "-");
        printf("\n");
    }
    fflush(stdout);
}

static void link_up(const char *ifname) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0) printf("  (probe: %s set up)\n", ifname);
    }
    if (fd >= 0) close(fd);
}

static void link_down(const char *ifname) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags &= ~IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0) printf("  (probe: no link change in 8 s: %s set down)\n", ifname);
    }
    if (fd >= 0) close(fd);
    fflush(stdout);
}

static void say(const char *what, int rc, pb_ctx *ctx) {
    printf("  pb_%s -> %d%s%s\n", what, rc, rc < 0 ? ": " : "", rc < 0 ? pb_last_error(ctx) : "");
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *opts = argc > 1 ? argv[1] : "";
    t0 = now_ns();
    pb_ctx *ctx;
    char err[256];
    int rc = pb_open_err("kernel", opts, &ctx, err, sizeof err);
    printf("pb_open(kernel, \"%s\") -> %d %s\n", opts, rc, rc < 0 ? err : "");
    if (rc < 0) return 1;
    list(ctx);
    say("resync", pb_resync(ctx), ctx);
    int up = 0, extracting = 0, nports = 0;
    uint64_t up_at = 0;
    struct {
        char name[PB_IFNAME_LEN];
        int carrier;
    } ports[PB_MAX_FUNCTIONS];
    printf("@@ READY\n");
    fflush(stdout);
    while (now_ns() - t0 < 120000000000ull) {
        struct pb_event ev;
        rc = pb_next_event(ctx, &ev, 1000);
        if (rc < 0) {
            printf("pb_next_event -> %d: %s\n", rc, pb_last_error(ctx));
            break;
        }
        if (rc == 0) {
            /* The host takes a link down; if the guest never sees it, take one down here. */
            if (up && !extracting && up_at && now_ns() - up_at > 8000000000ull) {
                link_down(ports[0].name);
                up_at = 0;
            }
            continue;
        }
        print_event(&ev);
        if (ev.type == 5 && ev.slot == 2) link_up(ev.ifname);
        if (ev.type == 7 && ev.slot == 2 && !up) {
            int p = 0, lit = 0;
            while (p < nports && strcmp(ports[p].name, ev.ifname) != 0) p++;
            if (p == nports && nports < PB_MAX_FUNCTIONS) snprintf(ports[nports++].name, PB_IFNAME_LEN, "%s", ev.ifname);
            if (p < nports) ports[p].carrier = ev.carrier;
            for (p = 0; p < nports; p++) lit += ports[p].carrier;
            if (lit == 2) {
                up = 2;
                up_at = now_ns();
                printf("@@ LINKS UP\n");
                fflush(stdout);
            }
        }
        if (ev.type == 7 && ev.slot == 2 && !ev.carrier && up == 2 && !extracting) {
            extracting = 1;
            say("slot_led(2, 1)", pb_slot_led(ctx, 2, 1), ctx);
            list(ctx);
            say("slot_power(2, 0)", pb_slot_power(ctx, 2, 0), ctx);
        }
        if (ev.type == 4 && ev.slot == 2 && extracting) {
            say("slot_power(2, 1)", pb_slot_power(ctx, 2, 1), ctx);
            say("slot_led(2, 0)", pb_slot_led(ctx, 2, 0), ctx);
            list(ctx);
            say("resync", pb_resync(ctx), ctx);
            while (pb_next_event(ctx, &ev, 500) == 1) print_event(&ev);
            pb_close(ctx);
            printf("@@ PROBE DONE\n");
            fflush(stdout);
            return 0;
        }
    }
    pb_close(ctx);
    printf("@@ PROBE TIMEOUT\n");
    return 1;
}

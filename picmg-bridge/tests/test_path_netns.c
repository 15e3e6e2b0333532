/* The packet prober on a real network: a forked child in a network namespace of its own, veth pairs
 * whose far ends hold the targets' addresses. Needs root (CI runs as root); skipped with the reason
 * printed otherwise. No frame leaves that namespace. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "path.h"
#include "picmg_bridge.h"

#define MS 1000000ull
#define SKIP 77
#define INTERVAL 20
#define MISSED 3
#define ANSWERED 2

static uint64_t mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int sh(const char *cmd) {
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "netns test: '%s' failed (%d)\n", cmd, rc);
    return rc;
}

/* Runs cmd in the background, so that the rounds go on meanwhile (await_path pumps them). */
static pid_t sh_async(const char *cmd) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int reaped(pid_t pid) {
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The probe address of ifname as the prober derives it (veth keeps no permanent address), from
 * the same ioctls. */
static int probe_mac_of(const char *ifname, char *out, size_t len) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    int ok = fd >= 0 && ioctl(fd, SIOCGIFINDEX, &ifr) == 0;
    int ifindex = ifr.ifr_ifindex;
    ok = ok && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0;
    if (fd >= 0) close(fd);
    if (!ok) return -1;
    uint8_t zero[6] = {0}, mac[6];
    pb_probe_mac(zero, (const uint8_t *)ifr.ifr_hwaddr.sa_data, ifindex, mac);
    snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return 0;
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;) n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory's own */
}

/* The next PATH event of ifname with that verdict, within ms; other events are dropped. */
static int await_path(pb_ctx *ctx, const char *ifname, int up, int ms, struct pb_event *out) {
    uint64_t end = mono() + (uint64_t)ms * MS;
    while (mono() < end) {
        struct pb_event ev;
        if (pb_next_event(ctx, &ev, 10) != 1) continue;
        if (ev.type == PB_EV_PATH && strcmp(ev.ifname, ifname) == 0 && ev.carrier == up) {
            *out = ev;
            return 1;
        }
    }
    return 0;
}

/* Waits for every name's up verdict, in any order. */
static int await_all_up(pb_ctx *ctx, const char *const *names, int n, int ms, struct pb_event *evs) {
    int got = 0;
    uint64_t end = mono() + (uint64_t)ms * MS;
    while (got < n && mono() < end) {
        struct pb_event ev;
        if (pb_next_event(ctx, &ev, 10) != 1 || ev.type != PB_EV_PATH || !ev.carrier) continue;
        for (int i = 0; i < n; i++) {
            if (strcmp(ev.ifname, names[i]) == 0 && evs[i].type == 0) {
                evs[i] = ev;
                got++;
            }
        }
    }
    return got == n;
}

/* The protocol (host order) of the packet socket bound to ifname, from /proc/net/packet; -1: none. */
static int bound_protocol(const char *ifname) {
    unsigned ifindex = if_nametoindex(ifname);
    FILE *f = fopen("/proc/net/packet", "r");
    if (f == NULL || ifindex == 0) {
        if (f) fclose(f);
        return -1;
    }
    char line[256];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long long sk;
        unsigned refs, type, proto, iface;
        if (sscanf(line, "%llx %u %u %x %u", &sk, &refs, &type, &proto, &iface) == 5 && iface == ifindex) found = (int)proto;
    }
    fclose(f);
    return found;
}

static const char SETUP[] =
    "set -e\n"
    "ip link set lo up\n"
    /* a0: IPv4 and IPv6 target */
    "ip link add a0 type veth peer name b0\n"
    "ip addr add 10.1.0.100/24 dev b0\n"
    "ip -6 addr add fd00::100/64 dev b0 nodad\n"
    /* a1: IPv6 only */
    "ip link add a1 type veth peer name b1\n"
    "ip -6 addr add fd00:1::100/64 dev b1 nodad\n"
    /* a2, a3: two ports of one group behind a bridge that sends the answers to a2's probe address
     * to b3 (a static entry, b2 learning nothing): a2 never hears its own answers, a3 does */
    "ip link add br0 type bridge stp_state 0\n"
    "ip addr add 10.2.0.100/24 dev br0\n"
    "ip link add a2 type veth peer name b2\n"
    "ip link add a3 type veth peer name b3\n"
    "ip link set b2 master br0\n"
    "ip link set b3 master br0\n"
    "ip link set b2 type bridge_slave learning off\n"
    "for i in a0 b0 a1 b1 a2 b2 a3 b3 br0; do ip link set $i up; done\n";


static void child(int *pb_failed_) {
    if (sh(SETUP) != 0) {
        CHECK(!"netns setup");
        return;
    }
    char mac[32], cmd[128];
    CHECK_INT(probe_mac_of("a2", mac, sizeof mac), 0);
    snprintf(cmd, sizeof cmd, "bridge fdb add %s dev b3 master static", mac);
    CHECK_INT(sh(cmd), 0);
    pb_ctx *ctx;
    CHECK_INT(pb_open("sim", "slots=2;paths=packet", &ctx), 0);
    if (!ctx) return;
    CHECK_INT(pb_path_watch(ctx, "a0", "bond0", "10.1.0.100,fd00::100", INTERVAL, MISSED, ANSWERED), 0);
    CHECK_INT(pb_path_watch(ctx, "a1", "bond1", "fd00:1::100", INTERVAL, MISSED, ANSWERED), 0);
    CHECK_INT(pb_path_watch(ctx, "a2", "bond2", "10.2.0.100", INTERVAL, MISSED, ANSWERED), 0);
    CHECK_INT(pb_path_watch(ctx, "a3", "bond2", "10.2.0.100", INTERVAL, MISSED, ANSWERED), 0);
    const char *const names[4] = {"a0", "a1", "a2", "a3"};
    struct pb_event up[4];
    memset(up, 0, sizeof up);
    CHECK(await_all_up(ctx, names, 4, 3000, up));
    for (int i = 0; i < 4; i++) {
        CHECK_INT(up[i].type, PB_EV_PATH);
        CHECK_INT(up[i].slot, 0); /* no port of the simulated backplane */
        CHECK(up[i].rtt_ns > 0 && up[i].rtt_ns < 20 * MS);
        CHECK(up[i].since_ns > 0 && up[i].since_ns <= up[i].monotonic_ns);
    }
    CHECK_STR(up[1].target, "fd00:1::100");
    CHECK_STR(up[2].target, "10.2.0.100");
    /* Each port's socket takes the one protocol its answers come in (not every frame the port
     * carries, each of which would run the filter), both when its targets are of both families. */
    CHECK_INT(bound_protocol("a0"), 0x0003);
    CHECK_INT(bound_protocol("a1"), 0x86dd);
    CHECK_INT(bound_protocol("a2"), 0x0806);
    /* Every path up: answers now wait in the ports' rings until the next round begins, and still
     * count at their arrival time (a round trip of a round's length would be the reading time). */
    for (uint64_t end = mono() + 5 * INTERVAL * MS; mono() < end;) {
        struct pb_event ev;
        CHECK(pb_next_event(ctx, &ev, 10) != 1 || ev.type != PB_EV_PATH || ev.carrier);
    }
    struct pb_path_info info[4];
    CHECK_INT(pb_path_list(ctx, info, 4), 4);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(info[i].state, 1);
        CHECK(info[i].answered >= ANSWERED && info[i].rounds >= info[i].answered);
        CHECK(info[i].rtt_ns > 0 && info[i].rtt_ns < INTERVAL * MS / 4);
    }

    /* The target's addresses go, carrier stays: down after MISSED rounds. */
    struct pb_event ev;
    uint64_t cut = mono();
    pid_t pid = sh_async("ip addr del 10.1.0.100/24 dev b0 && ip -6 addr del fd00::100/64 dev b0");
    CHECK(await_path(ctx, "a0", 0, 3000, &ev));
    CHECK(reaped(pid));
    CHECK(ev.since_ns >= cut - INTERVAL * MS && ev.since_ns <= cut + 1000 * MS);
    CHECK(ev.monotonic_ns - ev.since_ns >= (MISSED * INTERVAL - 5) * MS); /* the loop ran all along */
    CHECK(ev.monotonic_ns - ev.since_ns < (MISSED + 3) * INTERVAL * MS);
    CHECK(ev.rtt_ns > 0);
    CHECK(strcmp(ev.target, "10.1.0.100") == 0 || strcmp(ev.target, "fd00::100") == 0);
    /* Back, IPv6 only: up after ANSWERED rounds, from the IPv6 target. */
    uint64_t back = mono();
    pid = sh_async("ip -6 addr add fd00::100/64 dev b0 nodad");
    CHECK(await_path(ctx, "a0", 1, 3000, &ev));
    CHECK(reaped(pid));
    CHECK_STR(ev.target, "fd00::100");
    CHECK(ev.since_ns >= back);
    /* Two answers of consecutive rounds may be closer than an interval (the first late in its
     * round, the next early in its own): only the order is certain here; the hysteresis itself is
     * tested with injected time in test_path.c. */
    CHECK(ev.monotonic_ns >= ev.since_ns);

    /* Taken down for a moment (enslaving a port does that, and its carrier loss may be reported
     * after several rounds): probes that cannot leave (ENETDOWN) are no misses, the verdict
     * stands. Here nothing reports the link at all (a simulated backplane). */
    sh("ip link set a0 down");
    CHECK(!await_path(ctx, "a0", 0, 6 * MISSED * INTERVAL, &ev));
    sh("ip link set a0 up");

    /* Up without carrier (its peer went down: what a0 sends is dropped without an error), and no
     * link event says so (the kernel's come up to a second late; none come here): the misses of a
     * port without carrier are no misses either. */
    sh("ip link set b0 down");
    CHECK(!await_path(ctx, "a0", 0, 6 * MISSED * INTERVAL, &ev));
    sh("ip link set b0 up && ip -6 addr replace fd00::100/64 dev b0 nodad");

    /* The interface goes and comes back under the same name (another ifindex): reopened. */
    sh("ip link del a0");
    CHECK(await_path(ctx, "a0", 0, 2000, &ev));
    sh("ip link add a0 type veth peer name b0 && ip -6 addr add fd00::100/64 dev b0 nodad && "
       "ip link set a0 up && ip link set b0 up");
    CHECK(await_path(ctx, "a0", 1, 3000, &ev));

    /* a2 out of a3's group: the answers to a2 that a3 hears count for nobody. */
    CHECK_INT(pb_path_watch(ctx, "a2", "bond9", "10.2.0.100", INTERVAL, MISSED, ANSWERED), 0);
    CHECK(await_path(ctx, "a2", 0, 2000, &ev));
    CHECK_INT(pb_path_list(ctx, info, 4), 4);
    for (int i = 0; i < 4; i++)
        if (strcmp(info[i].ifname, "a3") == 0) CHECK_INT(info[i].state, 1);
        else if (strcmp(info[i].ifname, "a2") == 0) CHECK_INT(info[i].answered, 0);
    /* Its socket is closed by the event thread, outside the lock, not by pb_path_unwatch: a packet
     * socket's close waits for an RCU grace period, which the caller must not. */
    int open_before = open_fds();
    CHECK_INT(pb_path_unwatch(ctx, "a2"), 0);
    CHECK_INT(open_fds(), open_before);
    pb_next_event(ctx, &ev, 0);
    CHECK_INT(open_fds(), open_before - 1);

    /* A path not up yet is read at every answer: its verdict does not wait for the next round
     * (here the only rounds are 500 ms apart). */
    CHECK_INT(pb_path_unwatch(ctx, "a0"), 0);
    CHECK_INT(pb_path_unwatch(ctx, "a3"), 0);
    CHECK_INT(pb_path_watch(ctx, "a1", "bond1", "fd00:1::100", 500, MISSED, ANSWERED), 0);
    CHECK(await_path(ctx, "a1", 1, 3000, &ev));
    CHECK(mono() - ev.monotonic_ns < 100 * MS);
    pb_close(ctx);
}

TEST(path_netns_packet_prober) {
    if (geteuid() != 0) {
        printf("path_netns_packet_prober: skipped: needs root (network namespace, veth, AF_PACKET)\n");
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(60);
        /* A sysfs of its own: the prober reads a port's carrier there, and /sys shows the
         * interfaces of the namespace it was mounted in. */
        if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
            printf("path_netns_packet_prober: skipped: a network namespace with its own /sys: %s\n", strerror(errno));
            fflush(NULL);
            _exit(SKIP);
        }
        int failed = 0;
        child(&failed);
        fflush(NULL);
        _exit(failed ? 1 : 0);
    }
    CHECK(pid > 0);
    int st = 0;
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == SKIP);
}

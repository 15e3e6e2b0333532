/* CPU cost of the packet prober, and what the peers' answers cost on the same machine.
 *
 * path-bench [SECONDS]: 84 watched ports (veth pairs in a private network namespace, the far end
 * of each holding its one target's address), 1 target each, for a while at 100 ms and then at
 * 10 ms. Prints the CPU time the process used (getrusage: user + system) as a % of one core, and
 * the rounds sent and answered. On veth the far end's kernel answers in softirq on the sending
 * CPU, so that time is charged to the prober; the figure is therefore also given without the
 * answers, measured by the send mode below: the same probes answered, minus the same probes
 * received by far ends with ARP off (they take the frame in and drop it; nothing else differs).
 * Checks its own inputs: every port up before and during the measurement, rounds within 2 % of
 * what the interval gives, every round answered but the last in flight. Exit 0 when every check
 * held. Needs root; no frame leaves the namespace.
 *
 * path-bench send SECONDS INTERVAL_MS TARGET IFNAME...: in the current network namespace, sends
 * what the prober would, without it: every INTERVAL_MS, on one wake-up, one ARP probe for TARGET
 * from each port's probe address, all in one sendmmsg(); nothing is received. Prints
 * "frames N cpu_ns C wall_ns W". had's benchmark runs it against its own veth pairs. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "picmg_bridge.h"

#define PORTS 84
#define UP_WITHIN_MS 10000
#define SEND_MAX PB_PATH_MAX_WATCHES

static uint64_t mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

/* ---------- the sender: the prober's probes without the prober ---------- */

struct sender {
    int fd, n;
    uint8_t frame[SEND_MAX][PB_ARP_PROBE_LEN];
    struct sockaddr_ll to[SEND_MAX];
    struct iovec iov[SEND_MAX];
    struct mmsghdr msg[SEND_MAX];
};

struct sent {
    uint64_t frames, cpu, wall;
};

/* The probe addresses are derived as the prober derives them (veth keeps no permanent address). */
static int sender_open(struct sender *s, char *const *ifnames, char *const *targets, int n) {
    memset(s, 0, sizeof *s);
    if (n < 1 || n > SEND_MAX) return -EINVAL;
    s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (s->fd < 0) return -errno;
    for (int i = 0; i < n; i++) {
        uint8_t addr[4];
        if (inet_pton(AF_INET, targets[i], addr) != 1) return -EINVAL;
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifnames[i]);
        if (ioctl(s->fd, SIOCGIFINDEX, &ifr) < 0) return -errno;
        int ifindex = ifr.ifr_ifindex;
        if (ioctl(s->fd, SIOCGIFHWADDR, &ifr) < 0) return -errno;
        const uint8_t zero[PB_MAC_LEN] = {0};
        uint8_t mac[PB_MAC_LEN];
        pb_probe_mac(zero, (const uint8_t *)ifr.ifr_hwaddr.sa_data, ifindex, mac);
        s->iov[i].iov_base = s->frame[i];
        s->iov[i].iov_len = pb_frame_arp_probe(s->frame[i], sizeof s->frame[i], mac, addr);
        s->to[i].sll_family = AF_PACKET;
        s->to[i].sll_protocol = htons(ETH_P_ARP);
        s->to[i].sll_ifindex = ifindex;
        s->msg[i].msg_hdr.msg_name = &s->to[i];
        s->msg[i].msg_hdr.msg_namelen = sizeof s->to[i];
        s->msg[i].msg_hdr.msg_iov = &s->iov[i];
        s->msg[i].msg_hdr.msg_iovlen = 1;
    }
    s->n = n;
    return 0;
}

/* Rounds on the prober's grid (the multiples of the interval) for seconds. */
static struct sent sender_run(struct sender *s, int interval_ms, int seconds) {
    uint64_t step = (uint64_t)interval_ms * 1000000u;
    struct sent r = {0, 0, 0};
    uint64_t t0 = mono(), c0 = cpu_ns(), end = t0 + (uint64_t)seconds * 1000000000u;
    for (uint64_t next = (t0 / step + 1) * step; next < end; next += step) {
        struct timespec at = {.tv_sec = (time_t)(next / 1000000000u), .tv_nsec = (long)(next % 1000000000u)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
        }
        int k = sendmmsg(s->fd, s->msg, (unsigned)s->n, 0);
        if (k > 0) r.frames += (uint64_t)k;
    }
    r.cpu = cpu_ns() - c0;
    r.wall = mono() - t0;
    return r;
}

static int send_mode(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: path-bench send SECONDS INTERVAL_MS TARGET IFNAME...\n");
        return 2;
    }
    int seconds = atoi(argv[2]), interval = atoi(argv[3]);
    static struct sender s;
    static char *targets[SEND_MAX];
    for (int i = 0; i < argc - 5 && i < SEND_MAX; i++) targets[i] = argv[4];
    int rc = sender_open(&s, argv + 5, targets, argc - 5);
    if (seconds < 1 || seconds > 600 || interval < PB_PATH_INTERVAL_MIN || interval > PB_PATH_INTERVAL_MAX || rc < 0) {
        fprintf(stderr, "path-bench send: %s\n", rc < 0 ? strerror(-rc) : "SECONDS 1..600, INTERVAL_MS 10..60000");
        return 2;
    }
    struct sent r = sender_run(&s, interval, seconds);
    printf("frames %llu cpu_ns %llu wall_ns %llu\n", (unsigned long long)r.frames, (unsigned long long)r.cpu,
           (unsigned long long)r.wall);
    return 0;
}

/* ---------- the prober alone, in a namespace of its own ---------- */

/* Writes lines(f, arg) to a file and gives it to `ip -batch`: one process for every port. */
static int ip_batch(void (*lines)(FILE *f, int arg), int arg) {
    char path[] = "/tmp/path-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    lines(f, arg);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ip -batch %s", path);
    int rc = system(cmd);
    unlink(path);
    return rc;
}

static void setup_lines(FILE *f, int unused) {
    (void)unused;
    fprintf(f, "link set lo up\n");
    for (int i = 0; i < PORTS; i++) {
        fprintf(f, "link add p%d type veth peer name q%d\n", i, i);
        fprintf(f, "addr add 10.3.%d.100/24 dev q%d\n", i, i);
        fprintf(f, "link set p%d up\nlink set q%d up\n", i, i);
    }
}

static int setup(void) { return ip_batch(setup_lines, 0); }

static void arp_lines(FILE *f, int on) {
    for (int i = 0; i < PORTS; i++) fprintf(f, "link set q%d arp %s\n", i, on ? "on" : "off");
}

/* ARP on or off at every far end: off, they take a probe in and drop it without an answer. */
static int far_ends_answer(int on) { return ip_batch(arp_lines, on); }

/* Pumps events until every port is up; 0, or -1 on timeout or a down verdict. */
static int all_up(pb_ctx *ctx) {
    uint64_t end = mono() + (uint64_t)UP_WITHIN_MS * 1000000u;
    while (mono() < end) {
        struct pb_event ev;
        (void)pb_next_event(ctx, &ev, 50);
        struct pb_path_info info[PORTS];
        int up = 0;
        if (pb_path_list(ctx, info, PORTS) != PORTS) return -1;
        for (int i = 0; i < PORTS; i++) up += info[i].state == 1;
        if (up == PORTS) return 0;
    }
    return -1;
}

static int watch_all(pb_ctx *ctx, int interval_ms) {
    for (int i = 0; i < PORTS; i++) {
        char ifname[16], target[32];
        snprintf(ifname, sizeof ifname, "p%d", i);
        snprintf(target, sizeof target, "10.3.%d.100", i);
        if (pb_path_watch(ctx, ifname, "bond0", target, interval_ms, 3, 2) < 0) {
            fprintf(stderr, "watch %s: %s\n", ifname, pb_last_error(ctx));
            return -1;
        }
    }
    return 0;
}

static int sum(pb_ctx *ctx, uint64_t *rounds, uint64_t *answered, int *up) {
    struct pb_path_info info[PORTS];
    if (pb_path_list(ctx, info, PORTS) != PORTS) return -1;
    *rounds = *answered = 0;
    *up = 0;
    for (int i = 0; i < PORTS; i++) {
        *rounds += info[i].rounds;
        *answered += info[i].answered;
        *up += info[i].state == 1;
    }
    return 0;
}

/* The answers' share, in CPU ns per second: the sender against answering far ends, minus the
 * same against far ends with ARP off, each in two halves taken in turn (the load of the host
 * drifts). One target per far end, so each sends its own probe. */
static double answers_ns_per_s(int interval_ms, int seconds) {
    static struct sender s;
    char names[PORTS][16], addrs[PORTS][32];
    char *ifnames[PORTS], *targets[PORTS];
    for (int i = 0; i < PORTS; i++) {
        snprintf(names[i], sizeof names[i], "p%d", i);
        snprintf(addrs[i], sizeof addrs[i], "10.3.%d.100", i);
        ifnames[i] = names[i];
        targets[i] = addrs[i];
    }
    if (sender_open(&s, ifnames, targets, PORTS) < 0) return -1;
    double answered = 0, silent = 0;
    int half = seconds / 2 > 0 ? seconds / 2 : 1;
    for (int k = 0; k < 2; k++) {
        struct sent a = sender_run(&s, interval_ms, half);
        far_ends_answer(0);
        struct sent b = sender_run(&s, interval_ms, half);
        far_ends_answer(1);
        answered += (double)a.cpu / ((double)a.wall / 1e9);
        silent += (double)b.cpu / ((double)b.wall / 1e9);
    }
    close(s.fd);
    return (answered - silent) / 2;
}

/* The prober's share of one core at interval_ms in *share; 0 when the checks held. */
static int measure_prober(pb_ctx *ctx, int interval_ms, int seconds, double *share) {
    if (watch_all(ctx, interval_ms) < 0) return -1;
    if (all_up(ctx) < 0) {
        fprintf(stderr, "interval %d ms: not every port came up within %d ms\n", interval_ms, UP_WITHIN_MS);
        return -1;
    }
    uint64_t r0, a0, r1, a1;
    int up0, up1, downs = 0;
    sum(ctx, &r0, &a0, &up0);
    uint64_t c0 = cpu_ns(), t0 = mono(), end = t0 + (uint64_t)seconds * 1000000000u;
    for (uint64_t now = t0; now < end; now = mono()) {
        struct pb_event ev;
        uint64_t left_ms = (end - now) / 1000000u + 1;
        if (pb_next_event(ctx, &ev, (int)left_ms) == 1 && ev.type == PB_EV_PATH && !ev.carrier) downs++;
    }
    uint64_t c1 = cpu_ns(), t1 = mono();
    sum(ctx, &r1, &a1, &up1);
    double wall = (double)(t1 - t0) / 1e9;
    double cpu = (double)(c1 - c0) / 1e9;
    uint64_t rounds = r1 - r0, answered = a1 - a0;
    double expect = wall * 1000.0 / interval_ms * PORTS;
    printf("%d ports x 1 target @ %5d ms: %6.2f s, CPU %.3f s = %5.2f %% of one core; rounds %llu (expected %.0f), "
           "answered %llu\n",
           PORTS, interval_ms, wall, cpu, 100.0 * cpu / wall, (unsigned long long)rounds, expect,
           (unsigned long long)answered);
    *share = cpu / wall;
    fflush(stdout);
    int ok = 1;
    if (up1 != PORTS || downs) {
        fprintf(stderr, "  check: %d ports up at the end, %d down verdicts meanwhile\n", up1, downs);
        ok = 0;
    }
    if ((double)rounds < expect * 0.98 || (double)rounds > expect * 1.02 + PORTS) {
        fprintf(stderr, "  check: rounds off by more than 2 %% (short: the loop woke more than an interval late and"
                        " skipped rounds; a loaded host? try BENCH_RUN=\"chrt -f 10\")\n");
        ok = 0;
    }
    if (answered + PORTS < rounds) {
        fprintf(stderr, "  check: %llu rounds unanswered\n", (unsigned long long)(rounds - answered));
        ok = 0;
    }
    return ok ? 0 : -1;
}

/* The prober at interval_ms, then the answers' share; 0 when the checks held. */
static int measure(int interval_ms, int seconds) {
    pb_ctx *ctx;
    char err[256];
    if (pb_open_err("sim", "slots=2;paths=packet", &ctx, err, sizeof err) < 0) {
        fprintf(stderr, "path-bench: %s\n", err);
        return -1;
    }
    double prober = 0;
    int rc = measure_prober(ctx, interval_ms, seconds, &prober);
    pb_close(ctx);
    if (prober == 0) return -1;
    /* With the prober closed: its rings would take the sender's answers, on the sender's time. */
    double answers = answers_ns_per_s(interval_ms, seconds);
    if (answers < 0) {
        fprintf(stderr, "  check: the sender could not open the ports\n");
        return -1;
    }
    printf("    the far ends' answers (the same probes answered, minus ARP off at the far ends): %5.2f %%;\n"
           "    the prober without them: %5.2f %%\n",
           100.0 * answers / 1e9, 100.0 * (prober - answers / 1e9));
    return rc;
}

static int run(int seconds) {
    if (setup() != 0) {
        fprintf(stderr, "path-bench: setting up %d veth pairs failed\n", PORTS);
        return 1;
    }
    int rc = measure(100, seconds) | measure(10, seconds);
    return rc ? 1 : 0;
}

int main(int argc, char **argv) {
    if (geteuid() != 0) {
        fprintf(stderr, "path-bench: needs root (veth, AF_PACKET, a network namespace of its own)\n");
        return 2;
    }
    if (argc > 1 && strcmp(argv[1], "send") == 0) return send_mode(argc, argv);
    int seconds = argc > 1 ? atoi(argv[1]) : 10;
    if (seconds < 1 || seconds > 600) {
        fprintf(stderr, "usage: path-bench [SECONDS 1..600] | path-bench send SECONDS INTERVAL_MS TARGET IFNAME...\n");
        return 2;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) < 0) {
            fprintf(stderr, "path-bench: unshare(CLONE_NEWNET): %s\n", strerror(errno));
            _exit(2);
        }
        int rc = run(seconds);
        fflush(NULL);
        _exit(rc);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return 1;
    return WEXITSTATUS(st);
}

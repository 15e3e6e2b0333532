/* CPU cost of the packet prober: 84 watched ports (veth pairs in a private network namespace, the
 * far end of each holding its one target's address), 1 target each, for a while at 100 ms and then
 * at 10 ms. Prints the CPU time the process used (getrusage: user + system, which includes the
 * softirq work of the namespace's own answers when it runs on this process's time) as a % of one
 * core, and the rounds sent and answered. Checks its own inputs: every port up before and during
 * the measurement, rounds within 2 % of what the interval gives, every round answered but the
 * last in flight. Exit 0 when every check held. Needs root; no frame leaves the namespace. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "picmg_bridge.h"

#define PORTS 84
#define UP_WITHIN_MS 10000

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

static int setup(void) {
    char path[] = "/tmp/path-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "link set lo up\n");
    for (int i = 0; i < PORTS; i++) {
        fprintf(f, "link add p%d type veth peer name q%d\n", i, i);
        fprintf(f, "addr add 10.3.%d.100/24 dev q%d\n", i, i);
        fprintf(f, "link set p%d up\nlink set q%d up\n", i, i);
    }
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ip -batch %s", path);
    int rc = system(cmd);
    unlink(path);
    return rc;
}

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

static int sum(pb_ctx *ctx, uint64_t *rounds, uint64_t *answered, uint64_t *min_rounds, uint64_t *max_rounds, int *up) {
    struct pb_path_info info[PORTS];
    if (pb_path_list(ctx, info, PORTS) != PORTS) return -1;
    *rounds = *answered = *max_rounds = 0;
    *min_rounds = UINT64_MAX;
    *up = 0;
    for (int i = 0; i < PORTS; i++) {
        *rounds += info[i].rounds;
        *answered += info[i].answered;
        if (info[i].rounds < *min_rounds) *min_rounds = info[i].rounds;
        if (info[i].rounds > *max_rounds) *max_rounds = info[i].rounds;
        *up += info[i].state == 1;
    }
    return 0;
}

/* One measurement; 0 when its checks held. */
static int measure(pb_ctx *ctx, int interval_ms, int seconds) {
    if (watch_all(ctx, interval_ms) < 0) return -1;
    if (all_up(ctx) < 0) {
        fprintf(stderr, "interval %d ms: not every port came up within %d ms\n", interval_ms, UP_WITHIN_MS);
        return -1;
    }
    uint64_t r0, a0, mn0, mx0, r1, a1, mn1, mx1;
    int up0, up1, downs = 0;
    sum(ctx, &r0, &a0, &mn0, &mx0, &up0);
    uint64_t c0 = cpu_ns(), t0 = mono(), end = t0 + (uint64_t)seconds * 1000000000u;
    for (uint64_t now = t0; now < end; now = mono()) {
        struct pb_event ev;
        uint64_t left_ms = (end - now) / 1000000u + 1;
        if (pb_next_event(ctx, &ev, (int)left_ms) == 1 && ev.type == PB_EV_PATH && !ev.carrier) downs++;
    }
    uint64_t c1 = cpu_ns(), t1 = mono();
    sum(ctx, &r1, &a1, &mn1, &mx1, &up1);
    double wall = (double)(t1 - t0) / 1e9;
    double cpu = (double)(c1 - c0) / 1e9;
    uint64_t rounds = r1 - r0, answered = a1 - a0;
    double expect = wall * 1000.0 / interval_ms * PORTS;
    printf("%d ports x 1 target @ %5d ms: %6.2f s, CPU %.3f s = %5.2f %% of one core; rounds %llu (expected %.0f), "
           "answered %llu\n",
           PORTS, interval_ms, wall, cpu, 100.0 * cpu / wall, (unsigned long long)rounds, expect,
           (unsigned long long)answered);
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

static int run(int seconds) {
    if (setup() != 0) {
        fprintf(stderr, "path-bench: setting up %d veth pairs failed\n", PORTS);
        return 1;
    }
    pb_ctx *ctx;
    char err[256];
    if (pb_open_err("sim", "slots=2;paths=packet", &ctx, err, sizeof err) < 0) {
        fprintf(stderr, "path-bench: %s\n", err);
        return 1;
    }
    int rc = measure(ctx, 100, seconds) | measure(ctx, 10, seconds);
    pb_close(ctx);
    return rc ? 1 : 0;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 10;
    if (seconds < 1 || seconds > 600) {
        fprintf(stderr, "usage: path-bench [SECONDS 1..600]\n");
        return 2;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "path-bench: needs root (a network namespace of its own, veth, AF_PACKET)\n");
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

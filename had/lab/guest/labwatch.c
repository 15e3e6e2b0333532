/* labwatch: the lab's stopwatch inside the guest. Built statically by the lab (lib.sh).
 *
 *   labwatch watch            one line per kernel event, CLOCK_MONOTONIC nanoseconds first (the
 *                             time it was read: labwatch runs SCHED_FIFO, see realtime()):
 *                               NS uevent ACTION SUBSYSTEM DEVPATH [INTERFACE]
 *                               NS link IFNAME master=IFNAME|- carrier=0|1 up=0|1
 *                               NS addr|deladdr IFNAME A.B.C.D/LEN
 *                               NS dellink IFNAME
 *   labwatch now              prints CLOCK_MONOTONIC in nanoseconds
 *   labwatch frames MAC       one line per frame from MAC (a bond's address) that is not IPv4,
 *                             seen on any interface in either direction (outgoing on the slave
 *                             that sent it; received on a switch's port):
 *                               NS frame IFNAME in|out ETHERTYPE [garp|arp]
 *                             garp: an ARP whose sender and target addresses are the same (a
 *                             gratuitous ARP); ETHERTYPE 9000 is the bonding driver's learning frame
 *   labwatch wait FILE VALUE MS
 *                             polls FILE every millisecond until its first line is VALUE; prints
 *                             the time it was seen; exit 1 after MS milliseconds
 *   labwatch killon FILE TEXT PID MS
 *                             follows FILE from its end (every millisecond) until a line holding
 *                             TEXT is appended, then sends SIGKILL to PID at once; prints
 *                             "NS ready" once it follows, then the time and that line; exit 1
 *                             after MS milliseconds (PID left alone)
 *   labwatch aer DDDD:BB:DD.F correctable|nonfatal COUNT
 *                             makes the PCI function report COUNT AER errors through the
 *                             kernel's aer_inject module (/dev/aer_inject; load it first),
 *                             one at a time, each once the AER driver has counted the last in
 *                             the function's aer_dev_* file (an error it had not handled yet
 *                             would be merged into one report): correctable = a receiver error
 *                             (RxErr), nonfatal = a completion timeout (CmpltTO); exit 1 if an
 *                             error is not counted after 3 injections. The AER driver recovers
 *                             from a nonfatal one.
 *
 * The clock is the one had's audit records carry in "mono" (Java's System.nanoTime()), so a
 * kernel event and had's reaction to it can be subtracted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int nl_socket(int proto, unsigned groups) {
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, proto);
    if (s < 0) return -1;
    int rcvbuf = 4 << 20;
    if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = groups};
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) return -1;
    return s;
}

static void on_uevent(const char *buf, size_t len, long long t) {
    const char *action = "?", *subsys = "?", *devpath = "?", *ifname = NULL;
    for (size_t i = 0; i < len;) {
        const char *s = buf + i;
        size_t l = strnlen(s, len - i);
        if (!strncmp(s, "ACTION=", 7)) action = s + 7;
        else if (!strncmp(s, "SUBSYSTEM=", 10)) subsys = s + 10;
        else if (!strncmp(s, "DEVPATH=", 8)) devpath = s + 8;
        else if (!strncmp(s, "INTERFACE=", 10)) ifname = s + 10;
        i += l + 1;
    }
    printf("%lld uevent %s %s %s%s%s\n", t, action, subsys, devpath, ifname ? " " : "", ifname ? ifname : "");
}

static void on_rtnl(const char *buf, size_t len, long long t) {
    for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) {
            const struct ifinfomsg *ifi = NLMSG_DATA(h);
            int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi));
            char name[IF_NAMESIZE + 1] = "?", master[IF_NAMESIZE + 1] = "-";
            int carrier = -1;
            for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                if (a->rta_type == IFLA_IFNAME) snprintf(name, sizeof name, "%s", (const char *)RTA_DATA(a));
                else if (a->rta_type == IFLA_MASTER) {
                    unsigned idx = *(const unsigned *)RTA_DATA(a);
                    if (!if_indextoname(idx, master)) snprintf(master, sizeof master, "#%u", idx);
                } else if (a->rta_type == IFLA_CARRIER) carrier = *(const unsigned char *)RTA_DATA(a);
            }
            if (h->nlmsg_type == RTM_DELLINK) printf("%lld dellink %s\n", t, name);
            else printf("%lld link %s master=%s carrier=%d up=%d\n", t, name, master, carrier,
                        (ifi->ifi_flags & IFF_UP) ? 1 : 0);
        } else if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) {
            const struct ifaddrmsg *ifa = NLMSG_DATA(h);
            int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa));
            char name[IF_NAMESIZE + 1], addr[INET_ADDRSTRLEN] = "?";
            if (!if_indextoname(ifa->ifa_index, name)) snprintf(name, sizeof name, "#%u", ifa->ifa_index);
            for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
                if (a->rta_type == IFA_LOCAL && ifa->ifa_family == AF_INET)
                    inet_ntop(AF_INET, RTA_DATA(a), addr, sizeof addr);
            if (ifa->ifa_family == AF_INET)
                printf("%lld %s %s %s/%u\n", t, h->nlmsg_type == RTM_NEWADDR ? "addr" : "deladdr", name, addr,
                       ifa->ifa_prefixlen);
        }
    }
}

/* Netlink carries no timestamp: an event is timed when it is read. The stopwatch must not wait
 * for a CPU behind what it times (had runs at nice -10, as its unit gives it; the baseline's
 * handlers at 0): at the lowest real-time priority it reads an event as soon as the kernel sent
 * it, whoever else wants the CPU. */
static int realtime(void) {
    struct sched_param sp = {.sched_priority = 1};
    return sched_setscheduler(0, SCHED_FIFO, &sp);
}

static int watch(void) {
    int ue = nl_socket(NETLINK_KOBJECT_UEVENT, 1);
    int rt = nl_socket(NETLINK_ROUTE, RTMGRP_LINK | RTMGRP_IPV4_IFADDR);
    if (ue < 0 || rt < 0) {
        perror("labwatch: netlink");
        return 1;
    }
    if (realtime() < 0) {
        perror("labwatch: SCHED_FIFO");
        return 1;
    }
    printf("%lld ready\n", now_ns());
    fflush(stdout);
    static char buf[65536];
    for (;;) {
        struct pollfd p[2] = {{.fd = ue, .events = POLLIN}, {.fd = rt, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        /* Every event that is there is read (and timed) before any is written out: a write
         * to the state share is a round trip to the host, which the next event would wait for. */
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & POLLIN)) continue;
            for (;;) {
                ssize_t n = recv(p[i].fd, buf, sizeof buf, MSG_DONTWAIT);
                long long t = now_ns();
                if (n < 0) {
                    if (errno == ENOBUFS) printf("%lld overrun\n", t);
                    if (errno == EINTR || errno == ENOBUFS) continue;
                    break;
                }
                if (i == 0) on_uevent(buf, (size_t)n, t);
                else on_rtnl(buf, (size_t)n, t);
            }
        }
        fflush(stdout);
    }
}

static int wait_value(const char *file, const char *value, long ms) {
    long long deadline = now_ns() + ms * 1000000LL;
    char line[256];
    for (;;) {
        FILE *f = fopen(file, "r");
        if (f) {
            if (fgets(line, sizeof line, f)) {
                line[strcspn(line, "\n")] = 0;
                if (!strcmp(line, value)) {
                    fclose(f);
                    printf("%lld\n", now_ns());
                    return 0;
                }
            }
            fclose(f);
        }
        if (now_ns() > deadline) return 1;
        usleep(1000);
    }
}

/* A line of FILE written after the start that holds text: a process killed right after it wrote
 * a record, as a crash at that step would. Lines are read whole (a record is one line). */
static int kill_on(const char *file, const char *text, int pid, long ms) {
    long long deadline = now_ns() + ms * 1000000LL;
    FILE *f = fopen(file, "r");
    if (!f || fseek(f, 0, SEEK_END) < 0) {
        perror("labwatch: killon");
        return 2;
    }
    long pos = ftell(f);
    printf("%lld ready\n", now_ns()); /* from here on every appended line is seen */
    fflush(stdout);
    static char line[65536];
    for (;;) {
        clearerr(f);
        fseek(f, pos, SEEK_SET);
        while (fgets(line, sizeof line, f)) {
            size_t n = strlen(line);
            if (n == 0 || line[n - 1] != '\n') break; /* not whole yet: read again from pos */
            pos += (long)n;
            if (strstr(line, text)) {
                kill(pid, SIGKILL);
                printf("%lld %s", now_ns(), line);
                fclose(f);
                return 0;
            }
        }
        if (now_ns() > deadline) {
            fclose(f);
            return 1;
        }
        usleep(1000);
    }
}

/* The kernel's receive timestamp (CLOCK_REALTIME) moved to CLOCK_MONOTONIC with the offset
 * between the two read now: a frame is timed when the driver handed it over, not when this
 * process got to read it. */
static long long frame_mono(struct msghdr *m) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts, real;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            if (ts.tv_sec == 0) break;
            clock_gettime(CLOCK_REALTIME, &real);
            long long r = (long long)real.tv_sec * 1000000000LL + real.tv_nsec;
            long long mono = now_ns();
            return mono - (r - ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec));
        }
    }
    return now_ns();
}

static int frames(const char *mac) {
    unsigned char want[6];
    if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &want[0], &want[1], &want[2], &want[3], &want[4],
               &want[5]) != 6) {
        fprintf(stderr, "labwatch: bad MAC %s\n", mac);
        return 2;
    }
    /* In the kernel, not here: only frames from MAC that are not IPv4 are copied to this socket.
     * Every other frame (the pings, had's probes) would otherwise wake this process, which is the
     * guest's CPU taken from what the lab measures while it measures it. */
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8), /* source MAC, bytes 2..5 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)want[2] << 24 | (unsigned)want[3] << 16 | want[4] << 8 | want[5], 0, 4),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6), /* source MAC, bytes 0..1 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)want[0] << 8 | want[1], 0, 2),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), /* ethertype */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    int on = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
        setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) {
        perror("labwatch: packet socket");
        return 1;
    }
    printf("%lld ready\n", now_ns());
    fflush(stdout);
    unsigned char buf[2048];
    char ctl[256];
    for (;;) {
        struct sockaddr_ll sll;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
        struct msghdr m = {.msg_name = &sll, .msg_namelen = sizeof sll, .msg_iov = &iov, .msg_iovlen = 1,
                           .msg_control = ctl, .msg_controllen = sizeof ctl};
        ssize_t n = recvmsg(s, &m, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (n < 14 || memcmp(buf + 6, want, 6)) continue;
        unsigned type = (unsigned)buf[12] << 8 | buf[13];
        if (type == ETH_P_IP) continue;
        long long t = frame_mono(&m);
        char name[IF_NAMESIZE + 1];
        if (!if_indextoname((unsigned)sll.sll_ifindex, name)) snprintf(name, sizeof name, "#%d", sll.sll_ifindex);
        const char *what = "";
        /* ARP for IPv4 over Ethernet: sender address at 14+14, target address at 14+24 */
        if (type == ETH_P_ARP && n >= 42) what = memcmp(buf + 28, buf + 38, 4) ? " arp" : " garp";
        printf("%lld frame %s %s %04x%s\n", t, name, sll.sll_pkttype == PACKET_OUTGOING ? "out" : "in", type, what);
        fflush(stdout);
    }
}

/* The kernel's struct aer_error_inj (drivers/pci/pcie/aer_inject.c): what one write injects. */
struct aer_error_inj {
    unsigned char bus, dev, fn;
    unsigned int uncor_status, cor_status;
    unsigned int header_log[4];
    unsigned int domain;
};

/* The kernel's count of KIND errors of the function at ADDR (its aer_dev_* file's TOTAL_ERR_* line),
 * or -1 when it cannot be read. */
static long aer_total(const char *addr, int correctable) {
    char path[128], line[128];
    snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/%s", addr, correctable ? "aer_dev_correctable" : "aer_dev_nonfatal");
    FILE *f = fopen(path, "re");
    if (!f) return -1;
    long total = -1;
    const char *key = correctable ? "TOTAL_ERR_COR " : "TOTAL_ERR_NONFATAL ";
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key))) total = strtol(line + strlen(key), NULL, 10);
    fclose(f);
    return total;
}

static int aer(const char *addr, const char *kind, long count) {
    unsigned domain, bus, dev, fn;
    char end;
    if (sscanf(addr, "%x:%x:%x.%x%c", &domain, &bus, &dev, &fn, &end) != 4 || bus > 255 || dev > 31 || fn > 7) {
        fprintf(stderr, "labwatch aer: '%s' is not a PCI address DDDD:BB:DD.F\n", addr);
        return 2;
    }
    struct aer_error_inj e;
    memset(&e, 0, sizeof e);
    e.domain = domain;
    e.bus = (unsigned char)bus;
    e.dev = (unsigned char)dev;
    e.fn = (unsigned char)fn;
    if (!strcmp(kind, "correctable")) e.cor_status = 0x1;        /* PCI_ERR_COR_RCVR */
    else if (!strcmp(kind, "nonfatal")) e.uncor_status = 0x4000; /* PCI_ERR_UNC_COMP_TIME */
    else {
        fprintf(stderr, "labwatch aer: '%s': correctable or nonfatal\n", kind);
        return 2;
    }
    if (count < 1 || count > 100000) {
        fprintf(stderr, "labwatch aer: count 1..100000\n");
        return 2;
    }
    int fd = open("/dev/aer_inject", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        perror("labwatch aer: /dev/aer_inject (modprobe aer_inject)");
        return 1;
    }
    /* One at a time, each until the kernel has counted it: errors that reach the AER driver before
     * it handled the last one are merged into one report (a "multiple" flag) and counted once, which
     * a busy emulated guest does even 50 ms apart; the card then reported fewer than asked. An error
     * not counted within 500 ms is injected again, three times at most. */
    int correctable = e.cor_status != 0;
    for (long i = 0; i < count; i++) {
        long before = aer_total(addr, correctable);
        int counted = 0;
        for (int try = 0; try < 3 && !counted; try++) {
            if (write(fd, &e, sizeof e) != (ssize_t)sizeof e) {
                perror("labwatch aer: inject");
                close(fd);
                return 1;
            }
            if (before < 0) {
                counted = 1; /* no count to follow: as injected */
                usleep(50000);
                break;
            }
            for (int ms = 0; ms < 500 && !counted; ms++) {
                usleep(1000);
                counted = aer_total(addr, correctable) > before;
            }
        }
        if (!counted) {
            fprintf(stderr, "labwatch aer: error %ld of %ld not counted by the kernel after 3 injections\n", i + 1, count);
            close(fd);
            return 1;
        }
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "watch")) return watch();
    if (argc == 2 && !strcmp(argv[1], "now")) {
        printf("%lld\n", now_ns());
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "frames")) return frames(argv[2]);
    if (argc == 5 && !strcmp(argv[1], "wait")) return wait_value(argv[2], argv[3], atol(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "killon")) return kill_on(argv[2], argv[3], atoi(argv[4]), atol(argv[5]));
    if (argc == 5 && !strcmp(argv[1], "aer")) return aer(argv[2], argv[3], atol(argv[4]));
    fprintf(stderr, "usage: labwatch watch | now | frames MAC | wait FILE VALUE MS | killon FILE TEXT PID MS"
                    " | aer DDDD:BB:DD.F correctable|nonfatal COUNT\n");
    return 2;
}

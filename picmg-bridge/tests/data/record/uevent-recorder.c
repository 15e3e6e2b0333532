/* uevent-recorder: write every raw NETLINK_KOBJECT_UEVENT datagram the kernel multicasts on
 * group 1 to OUTDIR/NNNN.bin, byte for byte, one file per datagram, and one line per datagram to
 * OUTDIR/index.txt ("NNNN LEN first-string"). Built statically and run inside the lab guest by
 * record.sh. Creates OUTDIR/ready once the socket is bound; stops on SIGTERM or SIGINT.
 *
 *     uevent-recorder OUTDIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    int rcvbuf = 4 << 20;
    if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_nl sa_nl;
    memset(&sa_nl, 0, sizeof sa_nl);
    sa_nl.nl_family = AF_NETLINK;
    sa_nl.nl_groups = 1; /* the kernel's uevents; udev's re-broadcasts are on group 2 */
    if (bind(s, (struct sockaddr *)&sa_nl, sizeof sa_nl) < 0) {
        perror("bind");
        return 1;
    }

    char path[4096];
    snprintf(path, sizeof path, "%s/index.txt", dir);
    FILE *index = fopen(path, "w");
    if (!index) {
        perror(path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/ready", dir);
    int rfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (rfd >= 0) close(rfd);

    static char buf[65536];
    unsigned n = 0;
    while (!stop) {
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        int pr = poll(&pfd, 1, 1000);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) continue;
        struct sockaddr_nl from;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
        struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
        ssize_t len = recvmsg(s, &mh, MSG_TRUNC);
        if (len < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                fprintf(index, "ENOBUFS: datagrams lost\n");
                fflush(index);
                continue;
            }
            perror("recvmsg");
            break;
        }
        if (from.nl_pid != 0) continue; /* only the kernel speaks on group 1 */
        size_t keep = (size_t)len > sizeof buf ? sizeof buf : (size_t)len;
        n++;
        snprintf(path, sizeof path, "%s/%04u.bin", dir, n);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, buf, keep) < 0 || fsync(fd) < 0) {
            perror(path);
            return 1;
        }
        close(fd);
        fprintf(index, "%04u %zd %.*s%s\n", n, len, (int)strnlen(buf, keep), buf,
                (mh.msg_flags & MSG_TRUNC) ? " TRUNCATED" : "");
        fflush(index);
        fsync(fileno(index));
    }
    fclose(index);
    close(s);
    return 0;
}

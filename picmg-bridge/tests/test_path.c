/* Path supervision without a network: frames byte for byte, the answer matcher, the socket filter
 * run by a small classic-BPF interpreter, the verdicts with time given by hand, the API's argument
 * checks, and the sim prober through the simulated backplane. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "kernel_rig.h"
#include "path.h"
#include "sim_rig.h"

#define MS 1000000ull

/* 0x.. bytes from "aa bb cc" text: the frames below are written the way a capture shows them. */
static size_t hex(const char *s, uint8_t *out, size_t cap) {
    size_t n = 0;
    while (*s && n < cap) {
        if (*s == ' ' || *s == '\n' || *s == '|') {
            s++;
            continue;
        }
        char b[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(b, NULL, 16);
        s += 2;
    }
    return n;
}

static const uint8_t probe_mac[6] = {0x02, 0x1b, 0x21, 0xaa, 0xb9, 0xcf};

/* ---------- probe address ---------- */

TEST(path_probe_mac) {
    const uint8_t perm[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}, cur[6] = {0x02, 0, 0, 0, 0, 0x99};
    const uint8_t zero[6] = {0};
    uint8_t out[6];
    pb_probe_mac(perm, cur, 0x10203, out); /* only the low 16 bits of the index count */
    const uint8_t mixed[6] = {0x02, 0x19, 0x22, 0xaa, 0xbb, 0xcc};
    CHECK(memcmp(out, mixed, 6) == 0);
    /* Two ports of one card: consecutive addresses at consecutive indexes keep their own. */
    const uint8_t p0[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x00}, p1[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x01};
    uint8_t m0[6], m1[6];
    pb_probe_mac(p0, p0, 15, m0);
    pb_probe_mac(p1, p1, 14, m1);
    CHECK(memcmp(m0, m1, 6) != 0);
    CHECK(memcmp(m0, p0, 6) != 0 && memcmp(m0, p1, 6) != 0 && memcmp(m1, p0, 6) != 0 && memcmp(m1, p1, 6) != 0);
    /* No permanent address (veth): the current one; the group bit goes, the local bit comes. */
    const uint8_t mcast[6] = {0x03, 0x00, 0x00, 0x00, 0x00, 0x10};
    pb_probe_mac(zero, mcast, 1, out);
    const uint8_t want[6] = {0x02, 0x00, 0x01, 0x00, 0x00, 0x10};
    CHECK(memcmp(out, want, 6) == 0);
}

/* ---------- probes ---------- */

TEST(path_arp_probe_bytes) {
    uint8_t want[64], f[64];
    size_t wn = hex("ff ff ff ff ff ff | 02 1b 21 aa b9 cf | 08 06 |"
                    "00 01 08 00 06 04 00 01 | 02 1b 21 aa b9 cf | 00 00 00 00 | 00 00 00 00 00 00 | 0a 00 01 64",
                    want, sizeof want);
    const uint8_t target[4] = {10, 0, 1, 100};
    CHECK_INT(wn, 42);
    CHECK_INT(pb_frame_arp_probe(f, sizeof f, probe_mac, target), 42);
    CHECK(memcmp(f, want, 42) == 0);
    CHECK_INT(pb_frame_arp_probe(f, 41, probe_mac, target), 0);
}

/* RFC 1071: the one's complement sum over pseudo-header and message is all ones when right. */
static int icmp6_sum_ok(const uint8_t *ip6, size_t icmp_len) {
    uint32_t sum = 0;
    for (int i = 8; i < 40; i += 2) sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
    sum += (uint32_t)icmp_len + 58;
    for (size_t i = 0; i < icmp_len; i += 2) sum += (uint32_t)ip6[40 + i] << 8 | ip6[40 + i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

TEST(path_ns_bytes) {
    uint8_t want[128], f[128];
    /* The checksum 0xc3f3 was worked out apart from this code. */
    size_t wn = hex("33 33 ff 00 01 00 | 02 1b 21 aa b9 cf | 86 dd |"
                    "60 00 00 00 00 20 3a ff |"
                    "fe 80 00 00 00 00 00 00 00 1b 21 ff fe aa b9 cf |"
                    "ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 01 00 |"
                    "87 00 c3 f3 00 00 00 00 | fd 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 |"
                    "01 01 02 1b 21 aa b9 cf",
                    want, sizeof want);
    uint8_t target[16] = {0xfd, 0x00};
    target[14] = 0x01;
    CHECK_INT(wn, PB_NS_LEN);
    CHECK_INT(pb_frame_ns(f, sizeof f, probe_mac, target), PB_NS_LEN);
    CHECK(memcmp(f, want, PB_NS_LEN) == 0);
    CHECK(icmp6_sum_ok(f + 14, 32));
    f[70] ^= 1; /* a target byte */
    CHECK(!icmp6_sum_ok(f + 14, 32));
    CHECK_INT(pb_frame_ns(f, PB_NS_LEN - 1, probe_mac, target), 0);
}

/* ---------- answers ---------- */

#define ARP_REPLY                                                                                   \
    "02 1b 21 aa b9 cf | aa bb cc dd ee 01 | 08 06 |"                                               \
    "00 01 08 00 06 04 00 02 | aa bb cc dd ee 01 | 0a 00 01 64 | 02 1b 21 aa b9 cf | 00 00 00 00 |" \
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
#define NA                                                                                          \
    "02 1b 21 aa b9 cf | aa bb cc dd ee 01 | 86 dd |"                                               \
    "60 00 00 00 00 20 3a ff |"                                                                     \
    "fd 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 |"                                             \
    "fe 80 00 00 00 00 00 00 00 1b 21 ff fe aa b9 cf |"                                             \
    "88 00 12 34 60 00 00 00 | fd 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 |"                  \
    "02 01 aa bb cc dd ee 01"

struct match_rig {
    struct pb_path_target t[2];
    struct pb_probe_peer peers[2];
};

static void match_rig(struct match_rig *m) {
    char err[128];
    memset(m, 0, sizeof *m);
    pb_path_parse_targets("10.0.1.100,fd00::100", m->t, err, sizeof err);
    /* peer 0: another port of the group, peer 1: the one probed */
    const uint8_t other[6] = {0x02, 0x1b, 0x21, 0xaa, 0xb9, 0xce};
    memcpy(m->peers[0].mac, other, 6);
    m->peers[0].targets = m->t;
    m->peers[0].ntargets = 1;
    memcpy(m->peers[1].mac, probe_mac, 6);
    m->peers[1].targets = m->t;
    m->peers[1].ntargets = 2;
}

static int match(const struct match_rig *m, const uint8_t *f, size_t n, int *peer, int *target) {
    *peer = *target = -1;
    /* An exact copy: ASan sees a read past the frame. */
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, f, n);
    int r = pb_answer_match(copy, n, m->peers, 2, peer, target);
    free(copy);
    return r;
}

TEST(path_answers_accepted) {
    struct match_rig m;
    match_rig(&m);
    uint8_t f[128];
    int peer, target;
    size_t n = hex(ARP_REPLY, f, sizeof f);
    CHECK_INT(n, 60);
    CHECK_INT(match(&m, f, n, &peer, &target), 1);
    CHECK_INT(peer, 1);
    CHECK_INT(target, 0);
    CHECK_INT(match(&m, f, 42, &peer, &target), 1); /* without the padding */
    n = hex(NA, f, sizeof f);
    CHECK_INT(n, 86);
    CHECK_INT(match(&m, f, n, &peer, &target), 1);
    CHECK_INT(peer, 1);
    CHECK_INT(target, 1);
    CHECK_INT(match(&m, f, 78, &peer, &target), 0); /* the IPv6 payload length says 32 */
    f[19] = 24;                                     /* no options: still a whole NA */
    CHECK_INT(match(&m, f, 78, &peer, &target), 1);
}

TEST(path_answers_refused) {
    struct match_rig m;
    match_rig(&m);
    uint8_t f[128];
    int peer, target;
    size_t n;
#define REFUSED(base, off, val)                                 \
    do {                                                        \
        n = hex(base, f, sizeof f);                             \
        f[off] = (uint8_t)(val);                                \
        CHECK_INT(match(&m, f, n, &peer, &target), 0);          \
    } while (0)
    REFUSED(ARP_REPLY, 31, 101);  /* from 10.0.1.101: not a target */
    REFUSED(ARP_REPLY, 5, 0xd0);  /* to an address that is no probe address */
    REFUSED(ARP_REPLY, 37, 0xd0); /* target hardware address and Ethernet destination differ */
    REFUSED(ARP_REPLY, 21, 1);    /* op 1: a request, not an answer */
    REFUSED(ARP_REPLY, 15, 6);    /* hardware type 6 */
    REFUSED(ARP_REPLY, 18, 8);    /* hardware address length 8 */
    REFUSED(NA, 21, 254);         /* hop limit 254: forwarded, not from the link */
    REFUSED(NA, 54, 135);         /* a solicitation */
    REFUSED(NA, 55, 1);           /* code 1 */
    REFUSED(NA, 20, 0);           /* hop-by-hop options before ICMPv6 */
    REFUSED(NA, 14, 0x40);        /* version 4 */
    REFUSED(NA, 77, 0x01);        /* fd00::101: not a target */
    REFUSED(NA, 5, 0xd0);         /* not to a probe address */
    /* fd00::100 answering the port that probes 10.0.1.100 only */
    n = hex(NA, f, sizeof f);
    f[5] = 0xce;
    CHECK_INT(match(&m, f, n, &peer, &target), 0);
    /* cut short, anywhere */
    n = hex(ARP_REPLY, f, sizeof f);
    for (size_t k = 0; k < 42; k++) CHECK_INT(match(&m, f, k, &peer, &target), 0);
    n = hex(NA, f, sizeof f);
    for (size_t k = 0; k < 78; k++) CHECK_INT(match(&m, f, k, &peer, &target), 0);
    /* A VLAN-tagged reply: 802.1Q where the type was */
    uint8_t tagged[128];
    n = hex(ARP_REPLY, f, sizeof f);
    memcpy(tagged, f, 12);
    const uint8_t tag[4] = {0x81, 0x00, 0x00, 0x64};
    memcpy(tagged + 12, tag, 4);
    memcpy(tagged + 16, f + 12, n - 12);
    CHECK_INT(match(&m, tagged, n + 4, &peer, &target), 0);
    CHECK_INT(pb_answer_match(NULL, 0, m.peers, 2, &peer, &target), 0);
#undef REFUSED
}

TEST(path_targets_parse) {
    struct pb_path_target t[PB_MAX_TARGETS];
    char err[160];
    CHECK_INT(pb_path_parse_targets("10.0.1.100,FD00:0::1", t, err, sizeof err), 2);
    CHECK_INT(t[0].family, AF_INET);
    CHECK_STR(t[0].text, "10.0.1.100");
    CHECK_INT(t[1].family, AF_INET6);
    CHECK_STR(t[1].text, "fd00::1");
    CHECK_INT(pb_path_parse_targets(" 10.0.1.1 , fd00::2", t, err, sizeof err), 2);
    CHECK_INT(pb_path_parse_targets("10.0.1.1,fd00::1,10.0.1.1", t, err, sizeof err), -EINVAL);
    CHECK_STR(err, "targets: 10.0.1.1 given twice");
    CHECK_INT(pb_path_parse_targets("fd00::1,fd00:0:0::1", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("10.0.1.1,", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("10.0.1", t, err, sizeof err), -EINVAL);
    CHECK_STR(err, "targets: '10.0.1' is not an IPv4 or IPv6 address");
    CHECK_INT(pb_path_parse_targets("host.example", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("0.0.0.0", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("255.255.255.255", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("224.0.0.1", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("127.0.0.1", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("::", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("::1", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets("ff02::1", t, err, sizeof err), -EINVAL);
    CHECK_INT(pb_path_parse_targets(NULL, t, err, sizeof err), -EINVAL);
    char many[512] = "";
    for (int i = 1; i <= 17; i++) snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.0.%d", i > 1 ? "," : "", i);
    CHECK_INT(pb_path_parse_targets(many, t, err, sizeof err), -EINVAL);
    *strrchr(many, ',') = '\0';
    CHECK_INT(pb_path_parse_targets(many, t, err, sizeof err), 16);
}

/* ---------- the socket filter ---------- */

/* Classic BPF, the instructions pb_path_filter uses and no more (anything else fails the test);
 * out-of-frame loads drop the frame, as in the kernel. */
static int bpf_run(const struct sock_filter *p, int n, const uint8_t *f, size_t len, uint32_t pkttype, uint32_t vlan) {
    uint32_t a = 0;
    for (int pc = 0; pc < n; pc++) {
        const struct sock_filter *i = &p[pc];
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)) a = pkttype;
            else if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)) a = vlan;
            else if (i->k + 4 <= len) a = (uint32_t)f[i->k] << 24 | (uint32_t)f[i->k + 1] << 16 | (uint32_t)f[i->k + 2] << 8 | f[i->k + 3];
            else return 0;
            break;
        case BPF_LD | BPF_H | BPF_ABS:
            if (i->k + 2 > len) return 0;
            a = (uint32_t)f[i->k] << 8 | f[i->k + 1];
            break;
        case BPF_LD | BPF_B | BPF_ABS:
            if (i->k + 1 > len) return 0;
            a = f[i->k];
            break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
        case BPF_RET | BPF_K: return (int)i->k;
        default: return -1;
        }
        if (pc + 1 >= n && i->code != (BPF_RET | BPF_K)) return -1; /* fell off the end */
    }
    return -1;
}

TEST(path_filter) {
    struct match_rig m;
    match_rig(&m);
    struct sock_filter p[PB_PATH_FILTER_LEN(2)];
    CHECK_INT(pb_path_filter(p, PB_PATH_FILTER_LEN(2) - 1, m.peers, 2), -ENOSPC);
    CHECK_INT(pb_path_filter(p, PB_PATH_FILTER_LEN(2), m.peers, -1), -ENOSPC);
    int n = pb_path_filter(p, PB_PATH_FILTER_LEN(2), m.peers, 2);
    CHECK_INT(n, PB_PATH_FILTER_LEN(2));
    uint8_t f[128];
    size_t len = hex(ARP_REPLY, f, sizeof f);
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OTHERHOST, 0), PB_ANSWER_SNAP);
    /* sent to the first peer's probe address, to no probe address, to everybody */
    f[5] = 0xce;
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OTHERHOST, 0), PB_ANSWER_SNAP);
    f[5] = 0xcd;
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OTHERHOST, 0), 0);
    f[5] = 0xcf;
    f[1] ^= 1; /* the first four bytes differ */
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OTHERHOST, 0), 0);
    memset(f, 0xff, 6);
    CHECK_INT(bpf_run(p, n, f, len, PACKET_BROADCAST, 0), 0);
    len = hex(ARP_REPLY, f, sizeof f);
    /* a port of a group of one hears no answer sent to another port's address */
    struct sock_filter p1[PB_PATH_FILTER_LEN(1)];
    int n1 = pb_path_filter(p1, PB_PATH_FILTER_LEN(1), m.peers, 1);
    CHECK_INT(bpf_run(p1, n1, f, len, PACKET_OTHERHOST, 0), 0);
    int n0 = pb_path_filter(p1, PB_PATH_FILTER_LEN(1), m.peers, 0);
    CHECK_INT(bpf_run(p1, n0, f, len, PACKET_OTHERHOST, 0), 0);
    CHECK_INT(bpf_run(p, n, f, len, PACKET_HOST, 0), PB_ANSWER_SNAP);
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OUTGOING, 0), 0); /* our own frames */
    CHECK_INT(bpf_run(p, n, f, len, PACKET_HOST, 1), 0);     /* tagged, the tag taken off by the NIC */
    f[21] = 1;                                               /* an ARP request */
    CHECK_INT(bpf_run(p, n, f, len, PACKET_BROADCAST, 0), 0);
    uint8_t probe[64];
    const uint8_t target[4] = {10, 0, 1, 100};
    pb_frame_arp_probe(probe, sizeof probe, probe_mac, target);
    CHECK_INT(bpf_run(p, n, probe, PB_ARP_PROBE_LEN, PACKET_BROADCAST, 0), 0);
    len = hex(NA, f, sizeof f);
    CHECK_INT(bpf_run(p, n, f, len, PACKET_OTHERHOST, 0), PB_ANSWER_SNAP);
    f[54] = 135; /* a solicitation */
    CHECK_INT(bpf_run(p, n, f, len, PACKET_MULTICAST, 0), 0);
    f[54] = 136;
    f[20] = 17; /* UDP */
    CHECK_INT(bpf_run(p, n, f, len, PACKET_HOST, 0), 0);
    /* an IPv4 frame */
    uint8_t ip4[60] = {0};
    memcpy(ip4, probe_mac, 6);
    ip4[12] = 0x08;
    ip4[14] = 0x45;
    CHECK_INT(bpf_run(p, n, ip4, sizeof ip4, PACKET_HOST, 0), 0);
    ip4[12] = 0x81; /* 802.1Q in the frame itself */
    CHECK_INT(bpf_run(p, n, ip4, sizeof ip4, PACKET_HOST, 0), 0);
    CHECK_INT(bpf_run(p, n, f, 13, PACKET_HOST, 0), 0); /* too short for a type */
}

/* ---------- verdicts, time by hand ---------- */

/* One round at t (ms): the probe of target 0 leaves; answered after rtt_us unless rtt_us < 0.
 * Returns what changed: 'd' the round's start decided, 'a' the answer decided, '-' nothing. */
static char round_at(struct pb_verdict *v, uint64_t t_ms, int rtt_us) {
    char c = '-';
    if (pb_verdict_round(v, t_ms * MS)) c = 'd';
    pb_verdict_sent(v, 0, t_ms * MS);
    if (rtt_us >= 0 && pb_verdict_answer(v, 0, t_ms * MS + (uint64_t)rtt_us * 1000u)) c = 'a';
    return c;
}

TEST(path_verdict_thresholds) {
    struct pb_verdict v;
    pb_verdict_init(&v, 3, 2);
    CHECK_INT(v.state, -1);
    CHECK_INT(round_at(&v, 100, 50), '-');
    CHECK_INT(v.state, -1); /* one answered round of two */
    CHECK_INT(round_at(&v, 110, 70), 'a');
    CHECK_INT(v.state, 1);
    CHECK_INT(v.rtt_ns, 70000);
    CHECK_INT(v.changed_ns, 110 * MS + 70000);
    CHECK_INT(pb_verdict_since(&v), 100 * MS + 50000); /* the first answer of the run */
    CHECK_INT(round_at(&v, 120, -1), '-');
    CHECK_INT(round_at(&v, 130, -1), '-'); /* ends round 120: one missed */
    CHECK_INT(round_at(&v, 140, -1), '-'); /* two */
    CHECK_INT(round_at(&v, 150, -1), 'd'); /* three: down, decided as round 150 begins */
    CHECK_INT(v.state, 0);
    CHECK_INT(pb_verdict_since(&v), 120 * MS); /* the send time of the first unanswered round */
    CHECK_INT(v.changed_ns, 150 * MS);
    CHECK_INT(v.rtt_ns, 70000);                /* the last answer's, kept */
    CHECK_INT(v.last_target, 0);
    CHECK_INT(v.rounds, 6);
    CHECK_INT(v.answered, 2);
}

TEST(path_verdict_no_flapping) {
    struct pb_verdict v;
    pb_verdict_init(&v, 2, 3);
    for (int i = 0; i < 3; i++) round_at(&v, 10 * (uint64_t)i, -1);
    CHECK_INT(v.state, 0);
    /* one lucky reply in a dead path changes nothing */
    CHECK_INT(round_at(&v, 30, 100), '-');
    CHECK_INT(round_at(&v, 40, -1), '-');
    CHECK_INT(round_at(&v, 50, 100), '-');
    CHECK_INT(round_at(&v, 60, 100), '-');
    CHECK_INT(v.state, 0);
    CHECK_INT(round_at(&v, 70, 100), 'a'); /* the third in a row */
    CHECK_INT(pb_verdict_since(&v), 50 * MS + 100000);
    /* and one lost round in a live path changes nothing either */
    CHECK_INT(round_at(&v, 80, -1), '-');
    CHECK_INT(round_at(&v, 90, 100), '-');
    CHECK_INT(round_at(&v, 100, -1), '-');
    CHECK_INT(round_at(&v, 110, -1), '-');
    CHECK_INT(v.state, 1);
    CHECK_INT(round_at(&v, 120, -1), 'd');
    CHECK_INT(pb_verdict_since(&v), 100 * MS);
}

TEST(path_verdict_first_verdict_down) {
    struct pb_verdict v;
    pb_verdict_init(&v, 1, 1);
    CHECK_INT(round_at(&v, 5, -1), '-'); /* the first round ends only when the next begins */
    CHECK_INT(round_at(&v, 15, -1), 'd');
    CHECK_INT(v.state, 0);
    CHECK_INT(pb_verdict_since(&v), 5 * MS);
    CHECK_INT(v.rtt_ns, 0);
    CHECK_INT(v.last_target, -1);
}

TEST(path_verdict_pause) {
    struct pb_verdict v;
    pb_verdict_init(&v, 3, 2);
    round_at(&v, 0, 50);
    round_at(&v, 10, 50);
    CHECK_INT(v.state, 1);
    CHECK_INT(round_at(&v, 20, -1), '-');
    CHECK_INT(round_at(&v, 30, -1), '-'); /* two missed */
    pb_verdict_pause(&v);                 /* the carrier went: round 30 is dropped, the run too */
    CHECK_INT(round_at(&v, 100, -1), '-'); /* the carrier is back: round 100 ends nothing */
    CHECK_INT(round_at(&v, 110, -1), '-'); /* one missed */
    CHECK_INT(round_at(&v, 120, -1), '-'); /* two */
    CHECK_INT(v.state, 1);
    CHECK_INT(round_at(&v, 130, -1), 'd');
    CHECK_INT(pb_verdict_since(&v), 100 * MS); /* from the first round on the live link */
    /* and answers: a pause between two answered rounds makes the run start over */
    CHECK_INT(round_at(&v, 140, 50), '-');
    pb_verdict_pause(&v);
    CHECK_INT(pb_verdict_answer(&v, 0, 141 * MS), 0); /* the dropped round's answer counts for nothing */
    CHECK_INT(round_at(&v, 200, 50), '-');
    CHECK_INT(v.state, 0);
    CHECK_INT(round_at(&v, 210, 50), 'a');
}

TEST(path_verdict_would_fall) {
    struct pb_verdict v;
    pb_verdict_init(&v, 3, 1);
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* no round yet */
    round_at(&v, 0, 50);
    CHECK_INT(v.state, 1);
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* this round was answered */
    round_at(&v, 10, -1);
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* ending it is the first miss */
    round_at(&v, 20, -1);
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* the second */
    round_at(&v, 30, -1);
    CHECK_INT(pb_verdict_would_fall(&v), 1); /* the third: down when round 40 begins */
    pb_verdict_pause(&v);
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* dropped: nothing to end */
    CHECK_INT(round_at(&v, 40, -1), '-');
    CHECK_INT(v.state, 1);
    round_at(&v, 50, -1);
    round_at(&v, 60, -1);
    CHECK_INT(round_at(&v, 70, -1), 'd');
    CHECK_INT(pb_verdict_would_fall(&v), 0); /* down already */
}

TEST(path_verdict_answers_that_do_not_count) {
    struct pb_verdict v;
    pb_verdict_init(&v, 1, 1);
    CHECK_INT(pb_verdict_answer(&v, 0, 1 * MS), 0); /* before any round */
    pb_verdict_round(&v, 10 * MS);
    pb_verdict_sent(&v, 0, 10 * MS);
    CHECK_INT(pb_verdict_answer(&v, 1, 11 * MS), 0); /* target 1's probe never left */
    CHECK_INT(pb_verdict_answer(&v, -1, 11 * MS), 0);
    CHECK_INT(pb_verdict_answer(&v, PB_MAX_TARGETS, 11 * MS), 0);
    CHECK_INT(v.state, -1);
    CHECK_INT(pb_verdict_answer(&v, 0, 12 * MS), 1);
    CHECK_INT(v.rtt_ns, 2 * MS);
    CHECK_INT(pb_verdict_answer(&v, 0, 15 * MS), 0); /* a duplicate: the first copy's time stays */
    CHECK_INT(v.rtt_ns, 2 * MS);
    CHECK_INT(v.answered, 1);
    /* two targets: the last that answered is reported */
    pb_verdict_round(&v, 20 * MS);
    pb_verdict_sent(&v, 0, 20 * MS);
    pb_verdict_sent(&v, 1, 20 * MS + 10);
    CHECK_INT(pb_verdict_answer(&v, 1, 21 * MS), 0);
    CHECK_INT(pb_verdict_answer(&v, 0, 23 * MS), 0);
    CHECK_INT(v.last_target, 0);
    CHECK_INT(v.rtt_ns, 3 * MS);
    CHECK_INT(v.answered, 2);
}

/* ---------- the API ---------- */

TEST(path_api_arguments) {
    pb_ctx *ctx;
    CHECK_INT(pb_open("sim", "slots=2", &ctx), 0);
    if (!ctx) return;
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 100, 3, 2), 0);
    CHECK_INT(pb_path_watch(ctx, "", "bond0", "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "ifname: an interface name of 1 to 15 bytes expected");
    CHECK_INT(pb_path_watch(ctx, "a-name-too-long0", "bond0", "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_INT(pb_path_watch(ctx, "eth/0", "bond0", "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_INT(pb_path_watch(ctx, NULL, "bond0", "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_INT(pb_path_watch(ctx, "eth0", NULL, "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "group: a bond name of 1 to 15 bytes expected");
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", NULL, 100, 3, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "targets: missing");
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 9, 3, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "interval_ms: 9 is not from 10 to 60000");
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 60001, 3, 2), -EINVAL);
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 100, 0, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "missed: 0 is not from 1 to 255");
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 100, 256, 2), -EINVAL);
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 100, 3, 0), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "answered: 0 is not from 1 to 255");
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100,10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_STR(pb_last_error(ctx), "targets: 10.0.1.100 given twice");
    struct pb_path_info info[2];
    CHECK_INT(pb_path_list(ctx, info, 2), 1); /* the refused calls changed nothing */
    CHECK_INT(info[0].state, -1);
    CHECK_INT(info[0].interval_ms, 100);
    CHECK_STR(info[0].group, "bond0");
    CHECK_STR(info[0].target, "");
    CHECK_INT(pb_path_list(ctx, NULL, 0), 1);
    CHECK_INT(pb_path_list(ctx, NULL, 1), -EINVAL);
    CHECK_INT(pb_path_list(ctx, info, -1), -EINVAL);
    CHECK_INT(pb_path_unwatch(ctx, "eth9"), -ENOENT);
    CHECK_STR(pb_last_error(ctx), "eth9: not watched");
    CHECK_INT(pb_path_unwatch(ctx, "eth0"), 0);
    CHECK_INT(pb_path_unwatch(ctx, "eth0"), -ENOENT);
    CHECK_INT(pb_path_unwatch(ctx, NULL), -ENOENT);
    CHECK_INT(pb_path_list(ctx, info, 2), 0);
    /* 256 ports, not one more */
    for (int i = 0; i < PB_PATH_MAX_WATCHES; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        CHECK_INT(pb_path_watch(ctx, name, "bond0", "10.0.1.100", 1000, 3, 2), 0);
    }
    CHECK_INT(pb_path_watch(ctx, "p256", "bond0", "10.0.1.100", 1000, 3, 2), -ENOSPC);
    CHECK_STR(pb_last_error(ctx), "p256: 256 ports are watched already (the most a context takes)");
    CHECK_INT(pb_path_watch(ctx, "p7", "bond1", "10.0.1.100", 1000, 3, 2), 0); /* a change is no new port */
    CHECK_INT(pb_path_list(ctx, NULL, 0), 256);
    CHECK_INT(pb_path_watch(NULL, "eth0", "bond0", "10.0.1.100", 100, 3, 2), -EINVAL);
    CHECK_INT(pb_path_unwatch(NULL, "eth0"), -EINVAL);
    CHECK_INT(pb_path_list(NULL, NULL, 0), -EINVAL);
    pb_close(ctx); /* frees 256 watches: ASan's leak check says if it did */
}

/* What the wake-up counter holds, emptied (0: the event thread would not be woken). */
static uint64_t take_wake(pb_ctx *ctx) {
    uint64_t v = 0;
    if (read(ctx->wake_fd, &v, sizeof v) != (ssize_t)sizeof v) return 0;
    return v;
}

TEST(path_unwatch_wakes_only_for_the_last_port) {
    pb_ctx *ctx;
    CHECK_INT(pb_open("sim", "slots=2", &ctx), 0);
    if (!ctx) return;
    CHECK_INT(pb_path_watch(ctx, "eth0", "bond0", "10.0.1.100", 100, 3, 2), 0);
    CHECK_INT(pb_path_watch(ctx, "eth1", "bond0", "10.0.1.100", 100, 3, 2), 0);
    CHECK(take_wake(ctx) > 0); /* a new port's first round is due: woken */
    CHECK_INT(pb_path_unwatch(ctx, "eth0"), 0);
    CHECK(take_wake(ctx) == 0); /* eth1's round wakes it soon enough */
    CHECK_INT(pb_path_unwatch(ctx, "eth9"), -ENOENT);
    CHECK(take_wake(ctx) == 0);
    CHECK_INT(pb_path_unwatch(ctx, "eth1"), 0);
    CHECK(take_wake(ctx) > 0); /* no round left: woken to close what was left to it */
    pb_close(ctx);
}

TEST(path_open_options) {
    pb_ctx *ctx = NULL;
    char err[256];
    CHECK_INT(pb_open_err("sim", "slots=2;paths=icmp", &ctx, err, sizeof err), -EINVAL);
    CHECK_STR(err, "option paths: the sim backend takes paths=sim|packet");
    CHECK_INT(pb_open_err("sim", "slots=2;path_rtt_us=1000001", &ctx, err, sizeof err), -EINVAL);
    CHECK_STR(err, "option path_rtt_us: microseconds from 0 to 1000000");
    CHECK_INT(pb_open_err("sim", "slots=2;paths=packet;path_rtt_us=5", &ctx, err, sizeof err), -EINVAL);
    CHECK_STR(err, "unknown option 'path_rtt_us'");
    CHECK_INT(pb_open_err("sim", "slots=2;paths=packet", &ctx, err, sizeof err), 0);
    pb_close(ctx);
    CHECK_INT(pb_open_err("sim", "slots=2;paths=sim;path_rtt_us=0", &ctx, err, sizeof err), 0);
    pb_close(ctx);
}

TEST(path_kernel_takes_packet_only) {
    struct krig r;
    CHECK_INT(krig_init(&r, "sysfs-1-cards"), 0);
    CHECK_INT(krig_open(&r, "paths=sim"), -EINVAL);
    CHECK_INT(krig_open(&r, "paths=packet"), 0);
    if (r.ctx) {
        /* a port that does not exist: watched, and down after its rounds go unanswered */
        CHECK_INT(pb_path_watch(r.ctx, "nosuch0", "bond0", "10.0.1.100", 10, 1, 1), 0);
        struct pb_event ev;
        int got = 0;
        for (int i = 0; i < 200 && !got; i++) got = pb_next_event(r.ctx, &ev, 5) == 1 && ev.type == PB_EV_PATH;
        CHECK(got);
        CHECK_INT(ev.carrier, 0);
        CHECK_INT(ev.slot, 0);
    }
    krig_destroy(&r);
}

/* ---------- the sim prober through the simulated backplane ---------- */

/* Pumps until an event of type arrives (or ms pass); returns it. */
static const struct pb_event *await(struct rig *r, int type, int ms) {
    for (int i = 0; i < ms; i++) {
        struct pb_event ev;
        if (pb_next_event(r->ctx, &ev, 1) == 1 && r->nev < RIG_MAX_EVENTS) {
            r->ev[r->nev++] = ev;
            if (ev.type == type) return &r->ev[r->nev - 1];
        }
    }
    return NULL;
}

static uint64_t mono_ns(void) { return pb_now_ns(); }

TEST(path_sim_cut_and_link) {
    struct rig r;
    char reply[512];
    CHECK_INT(rig_open(&r, "path_rtt_us=250"), 0);
    if (!r.ctx) return;
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:10d3 2", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    rig_events(&r);
    /* eth0 is slot 2's function 1 */
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100,fd00::100", 10, 3, 2), 0);
    const struct pb_event *up = await(&r, PB_EV_PATH, 500);
    CHECK(up != NULL);
    if (!up) goto out;
    CHECK_INT(up->carrier, 1);
    CHECK_INT(up->slot, 2);
    CHECK_INT(up->nfunctions, 1);
    CHECK_STR(up->functions[0].address, "0000:02:00.1");
    CHECK_INT(up->rtt_ns, 250000);                 /* the simulated figure */
    CHECK_STR(up->target, "10.0.1.100");           /* every target answers, in order: the first decides */
    /* two answered rounds, 10 ms apart on the grid (a round may leave late; the grid does not move) */
    CHECK(up->monotonic_ns - up->since_ns >= 8 * MS);
    CHECK(up->monotonic_ns - up->since_ns < 30 * MS);
    CHECK_STR(rig_events(&r), "PATH 2 eth0 fn1 up");
    /* the wire cut, carrier kept */
    uint64_t cut_at = mono_ns();
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    const struct pb_event *down = await(&r, PB_EV_PATH, 500);
    CHECK(down != NULL);
    if (!down) goto out;
    CHECK_INT(down->carrier, 0);
    CHECK_STR(down->target, "fd00::100");
    CHECK_INT(down->rtt_ns, 250000);
    CHECK(down->since_ns >= cut_at && down->since_ns < cut_at + 15 * MS); /* the first round after the cut */
    CHECK(down->monotonic_ns - down->since_ns >= 25 * MS);               /* three rounds unanswered */
    CHECK(down->monotonic_ns - down->since_ns < 60 * MS);
    CHECK_STR(rig_events(&r), "SIMPATH 2 eth0 fn1 down; PATH 2 eth0 fn1 down");
    CHECK_INT(rig_ctl(&r, fd, "slots", reply, sizeof reply), 0);
    CHECK(strstr(reply, "netdevs=eth1/eth0,path_cut=1 ") != NULL);
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0); /* no change, no event */
    CHECK_INT(rig_ctl(&r, fd, "path 2 2 down", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 2 has 2 ports (0..1)");
    CHECK_INT(rig_ctl(&r, fd, "path 12 0 down", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 12 is empty");
    /* the cut outlives a power cycle */
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(pb_slot_power(r.ctx, 2, 1), 0);
    rig_drain(&r, 50);
    CHECK_STR(rig_events(&r), "NETDEV- 2 eth0 fn1; NETDEV- 2 eth1 fn0; INSERTED 2 [0000:02:00.0 0000:02:00.1]; "
                              "NETDEV+ 2 eth0 fn1; NETDEV+ 2 eth1 fn0; LINK 2 eth0 fn1 up; LINK 2 eth1 fn0 up");
    struct pb_path_info info;
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK_INT(info.state, 0);
    /* restored: up after two answered rounds */
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 up", reply, sizeof reply), 0);
    up = await(&r, PB_EV_PATH, 500);
    CHECK(up != NULL && up->carrier == 1);
    CHECK_STR(rig_events(&r), "SIMPATH 2 eth0 fn1 up; PATH 2 eth0 fn1 up");
    /* the link down pauses the rounds: its carrier tells, the path's verdict stands */
    CHECK_INT(rig_ctl(&r, fd, "link 2 1 down", reply, sizeof reply), 0);
    CHECK(await(&r, PB_EV_PATH, 100) == NULL);
    CHECK_STR(rig_events(&r), "LINK 2 eth0 fn1 down");
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    uint64_t paused = info.rounds;
    rig_drain(&r, 50);
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK_INT(info.state, 1);
    CHECK(info.rounds == paused); /* five rounds' time: none run */
    /* a cut while the link is down is found once the link is back, after `missed` rounds of it */
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0);
    rig_drain(&r, 50);
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK_INT(info.state, 1);
    rig_events(&r);
    uint64_t back_at = mono_ns(); /* no round runs between this and the link's return */
    CHECK_INT(rig_ctl(&r, fd, "link 2 1 up", reply, sizeof reply), 0);
    down = await(&r, PB_EV_PATH, 500);
    CHECK(down != NULL && down->carrier == 0);
    if (down) CHECK(down->since_ns >= back_at); /* the misses counted are the live link's only */
    CHECK_STR(rig_events(&r), "LINK 2 eth0 fn1 up; PATH 2 eth0 fn1 down");
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 up", reply, sizeof reply), 0);
    CHECK(await(&r, PB_EV_PATH, 500) != NULL);
    rig_events(&r);
    /* the same watch again: nothing changes; another interval: it starts over */
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    uint64_t rounds = info.rounds;
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100,fd00::100", 10, 3, 2), 0);
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK_INT(info.state, 1);
    CHECK(info.rounds >= rounds);
    CHECK(info.answered > 0);
    CHECK_STR(info.target, "fd00::100");
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100,fd00::100", 20, 3, 2), 0);
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK_INT(info.state, -1);
    CHECK_INT(info.rounds, 0);
    CHECK_INT(info.interval_ms, 20);
    /* a pulled card's ports lose their carrier first: no more rounds, no verdict of their own */
    CHECK(await(&r, PB_EV_PATH, 500) != NULL);
    rig_events(&r);
    CHECK_INT(rig_ctl(&r, fd, "remove 2", reply, sizeof reply), 0);
    CHECK(await(&r, PB_EV_PATH, 100) == NULL);
    CHECK_STR(rig_events(&r), "LINK 2 eth0 fn1 down; NETDEV- 2 eth0 fn1; LINK 2 eth1 fn0 down; NETDEV- 2 eth1 fn0; REMOVED 2");
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    paused = info.rounds;
    rig_drain(&r, 50);
    CHECK_INT(pb_path_list(r.ctx, &info, 1), 1);
    CHECK(info.rounds == paused);
out:
    close(fd);
    rig_close(&r);
}

TEST(path_sim_missing_port_and_resync) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    if (!r.ctx) return;
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(&r);
    /* watched before it exists: down */
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100", 10, 2, 1), 0);
    const struct pb_event *ev = await(&r, PB_EV_PATH, 500);
    CHECK(ev != NULL && ev->carrier == 0 && ev->slot == 0);
    if (ev) {
        CHECK_STR(ev->target, "10.0.1.100"); /* none answered: the first configured */
        CHECK_INT(ev->rtt_ns, 0);
    }
    rig_events(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:10d3 1", reply, sizeof reply), 0);
    ev = await(&r, PB_EV_PATH, 500);
    CHECK(ev != NULL && ev->carrier == 1 && ev->slot == 2);
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    CHECK(await(&r, PB_EV_PATH, 500) != NULL);
    rig_events(&r);
    CHECK_INT(pb_path_watch(r.ctx, "eth7", "bond0", "10.0.1.100", 60000, 2, 1), 0); /* undecided: not reported */
    CHECK_INT(pb_resync(r.ctx), 0);
    rig_drain(&r, 5);
    CHECK_STR(rig_events(&r), "INSERTED 2 [0000:02:00.0]; NETDEV+ 2 eth0 fn0; LINK 2 eth0 fn0 up; "
                              "SIMPATH 2 eth0 fn0 down; PATH 2 eth0 fn0 down; RESYNC");
    close(fd);
    rig_close(&r);
}

/* Slot 2 holds an e1000e card of nports ports (eth0 is its function 1 when it has two), on a
 * simulated backplane opened with options: the control connection, or -1 without one. */
static int card_in_slot2(int *pb_failed_, struct rig *r, const char *options, int nports) {
    char cmd[64], reply[512];
    CHECK_INT(rig_open(r, options), 0);
    if (!r->ctx) return -1;
    CHECK_INT(pb_sim_driver(r->ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(r);
    snprintf(cmd, sizeof cmd, "insert 2 8086:10d3 %d", nports);
    CHECK_INT(rig_ctl(r, fd, cmd, reply, sizeof reply), 0);
    rig_drain(r, 30);
    return fd;
}

/* Slot 2 holds a one-port card (eth0) probed every interval_ms (missed 3, answered 1) whose first
 * verdict is in: the control connection, or -1 without a simulated backplane. */
static int one_port_watched(int *pb_failed_, struct rig *r, int interval_ms) {
    int fd = card_in_slot2(pb_failed_, r, NULL, 1);
    if (fd < 0) return -1;
    CHECK_INT(pb_path_hold(r->ctx, "eth0", 1), -ENOENT);
    CHECK_INT(pb_path_watch(r->ctx, "eth0", "bond0", "10.0.1.100", interval_ms, 3, 1), 0);
    CHECK(await(r, PB_EV_PATH, 500) != NULL);
    rig_events(r);
    return fd;
}

/* Misses counted before the carrier went do not count after it is back: the run starts over. */
TEST(path_sim_link_loss_restarts_the_count) {
    struct rig r;
    char reply[512];
    int fd = one_port_watched(pb_failed_, &r, 50);
    if (fd < 0) return;
    /* one or two rounds missed (a round ends 50 to 100 ms after the cut; three take 150) */
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    rig_drain(&r, 110);
    CHECK_INT(rig_ctl(&r, fd, "link 2 0 down", reply, sizeof reply), 0);
    rig_drain(&r, 120);
    uint64_t back_at = mono_ns();
    CHECK_INT(rig_ctl(&r, fd, "link 2 0 up", reply, sizeof reply), 0);
    const struct pb_event *down = await(&r, PB_EV_PATH, 500);
    CHECK(down != NULL);
    if (down) {
        CHECK_INT(down->carrier, 0);
        CHECK(down->since_ns >= back_at);
        CHECK(down->monotonic_ns - back_at >= 100 * MS); /* three rounds of the live link */
    }
    close(fd);
    rig_close(&r);
}

/* A port its owner is changing (had enslaving it resets it) is not judged by what its probes see
 * meanwhile: held, a cut costs nothing; once the hold is over the misses count afresh. */
TEST(path_sim_hold_counts_nothing_meanwhile) {
    struct rig r;
    char reply[512];
    int fd = one_port_watched(pb_failed_, &r, 10);
    if (fd < 0) return;
    CHECK_INT(pb_path_hold(r.ctx, "eth0", 1), 0);
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    CHECK(await(&r, PB_EV_PATH, 150) == NULL); /* fifteen rounds of the cut, none counted */
    uint64_t over_at = mono_ns();
    CHECK_INT(pb_path_hold(r.ctx, "eth0", 0), 0);
    const struct pb_event *down = await(&r, PB_EV_PATH, 500);
    CHECK(down != NULL);
    if (down) {
        CHECK_INT(down->carrier, 0);
        CHECK(down->since_ns >= over_at);                   /* its misses all after the hold */
        CHECK(down->monotonic_ns - over_at >= 25 * MS);     /* three rounds of them */
    }
    close(fd);
    rig_close(&r);
}

/* Waits up to ms for the PATH events of n ports with that verdict; 1 when all came. */
static int await_verdicts(struct rig *r, int up, int n, struct pb_event *out, int ms) {
    int got = 0;
    for (uint64_t end = mono_ns() + (uint64_t)ms * MS; got < n && mono_ns() < end;) {
        struct pb_event ev;
        if (pb_next_event(r->ctx, &ev, 5) == 1 && ev.type == PB_EV_PATH && ev.carrier == up) out[got++] = ev;
    }
    return got == n;
}

/* Every probed port silent at once is more likely the machine's own stall than every path's: the
 * verdicts wait (up to 500 ms from the first miss) for anybody to be answered. Someone answered
 * again ends the doubt for the others, whose verdicts then fall dated from their first miss. */
TEST(path_sim_silence_everywhere_is_doubted) {
    struct rig r;
    char reply[256];
    struct pb_event ev[2];
    int fd = card_in_slot2(pb_failed_, &r, "path_rtt_us=0", 2);
    if (fd < 0) return;
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100", 10, 3, 1), 0);
    CHECK_INT(pb_path_watch(r.ctx, "eth1", "bond0", "10.0.1.100", 10, 3, 1), 0);
    CHECK(await_verdicts(&r, 1, 2, ev, 1000));
    /* both cut: nothing is heard anywhere; three rounds (30 ms) would do, the doubt holds them */
    uint64_t cut_at = mono_ns();
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0);
    CHECK(!await_verdicts(&r, 0, 1, ev, 400));
    CHECK(await_verdicts(&r, 0, 2, ev, 600));
    for (int i = 0; i < 2; i++) {
        CHECK(ev[i].monotonic_ns - ev[i].since_ns >= 500 * MS);
        CHECK(ev[i].since_ns >= cut_at && ev[i].since_ns < cut_at + 25 * MS);
    }
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 up", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 up", reply, sizeof reply), 0);
    CHECK(await_verdicts(&r, 1, 2, ev, 1000));
    /* both cut, one (eth1: slot 2's function 0) back after 150 ms: the other falls at once then */
    cut_at = mono_ns();
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0);
    CHECK(!await_verdicts(&r, 0, 1, ev, 150));
    uint64_t back_at = mono_ns();
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 up", reply, sizeof reply), 0);
    CHECK(await_verdicts(&r, 0, 1, ev, 300));
    CHECK_STR(ev[0].ifname, "eth0");
    CHECK(ev[0].monotonic_ns - back_at < 100 * MS);
    CHECK(ev[0].since_ns >= cut_at && ev[0].since_ns < cut_at + 25 * MS);
    close(fd);
    rig_close(&r);
}

/* Ports watched at different times share one grid of rounds once their first round (one to two
 * intervals long) is over: one wake-up begins the rounds of both, so a card pulled from under
 * them takes both paths down at the same round. */
TEST(path_sim_one_grid) {
    struct rig r;
    char reply[256];
    int fd = card_in_slot2(pb_failed_, &r, "path_rtt_us=0", 2);
    if (fd < 0) return;
    CHECK_INT(pb_path_watch(r.ctx, "eth0", "bond0", "10.0.1.100", 100, 2, 2), 0);
    uint64_t first = mono_ns(), apart = 0;
    /* Out of step by at least 3 ms, had each port a grid of its own (a loaded host may sleep long). */
    for (int tries = 0; tries < 10 && (apart < 3 * MS || apart > 97 * MS); tries++) {
        if (tries > 0) CHECK_INT(pb_path_unwatch(r.ctx, "eth1"), 0);
        usleep(7000);
        CHECK_INT(pb_path_watch(r.ctx, "eth1", "bond0", "10.0.1.100", 100, 2, 2), 0);
        apart = (mono_ns() - first) % (100 * MS);
    }
    CHECK(apart >= 3 * MS && apart <= 97 * MS);
    struct pb_event ev[2];
    /* Up after two answered rounds: the second on the grid, where every later round of both is. */
    CHECK(await_verdicts(&r, 1, 2, ev, 1000));
    /* both paths cut, carrier kept (a pulled card's carrier would pause them), well inside one
     * 100 ms round: the two lines take a millisecond or so */
    CHECK_INT(rig_ctl(&r, fd, "path 2 0 down", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "path 2 1 down", reply, sizeof reply), 0);
    CHECK(await_verdicts(&r, 0, 2, ev, 1000));
    CHECK(strcmp(ev[0].ifname, ev[1].ifname) != 0);
    CHECK_INT(ev[0].since_ns, ev[1].since_ns);         /* the same first unanswered round */
    CHECK_INT(ev[0].monotonic_ns, ev[1].monotonic_ns); /* decided on the same wake-up */
    close(fd);
    rig_close(&r);
}

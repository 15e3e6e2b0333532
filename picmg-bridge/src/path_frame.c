/* Probes and answers as bytes: the ARP probe (RFC 5227), the Neighbor Solicitation (RFC 4861),
 * the answers had accepts, the socket filter that lets only those through, and the probe address.
 * Pure functions: no I/O, no allocation (fuzz/fuzz_path.c drives the answer side). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "path.h"

/* Ethernet */
#define ETH_HLEN_ 14
#define ETH_DST 0
#define ETH_SRC 6
#define ETH_TYPE 12
#define ETHERTYPE_ARP_ 0x0806
#define ETHERTYPE_IPV6_ 0x86dd
#define MAC_LOCAL 0x02     /* locally administered bit of the first byte */
#define MAC_MULTICAST 0x01 /* group bit of the first byte */

/* ARP for IPv4 over Ethernet, offsets from the frame's start */
#define ARP_HTYPE 14
#define ARP_PTYPE 16
#define ARP_HLEN 18
#define ARP_PLEN 19
#define ARP_OP 20
#define ARP_SHA 22
#define ARP_SPA 28
#define ARP_THA 32
#define ARP_TPA 38
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

/* IPv6 and ICMPv6 neighbour discovery, offsets from the frame's start */
#define IP6 14
#define IP6_HLEN 40
#define IP6_PLEN 18
#define IP6_NEXT 20
#define IP6_HOPS 21
#define IP6_SRC 22
#define IP6_DST 38
#define ICMP6 (IP6 + IP6_HLEN)
#define ICMP6_TYPE ICMP6
#define ICMP6_CODE (ICMP6 + 1)
#define ICMP6_CSUM (ICMP6 + 2)
#define ND_TARGET (ICMP6 + 8)
#define ND_OPTS (ICMP6 + 24)
#define ND_MSG_LEN 24       /* type, code, checksum, flags/reserved, target */
#define ND_OPT_SLLA 1       /* source link-layer address option, 8 bytes with an Ethernet address */
#define ND_OPT_SLLA_LEN 8
#define IPPROTO_ICMPV6_ 58
#define ND_NS 135
#define ND_NA 136
#define ND_HOP_LIMIT 255    /* RFC 4861 7.1.1: anything else was forwarded, so not from the link */

static void put16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

void pb_probe_mac(const uint8_t perm[PB_MAC_LEN], const uint8_t cur[PB_MAC_LEN], int ifindex,
                  uint8_t out[PB_MAC_LEN]) {
    static const uint8_t zero[PB_MAC_LEN];
    memcpy(out, memcmp(perm, zero, PB_MAC_LEN) ? perm : cur, PB_MAC_LEN);
    out[0] = (uint8_t)((out[0] | MAC_LOCAL) & ~MAC_MULTICAST);
    /* The index goes into the manufacturer's bytes, not the last ones: the ports of one card have
     * consecutive addresses and usually consecutive indexes, and XORed into the same bytes the two
     * differences can cancel out (…:00 at index 15 and …:01 at index 14 gave one probe address to
     * both ports, so one port's answers counted for the other). With the local bit set those bytes
     * name no manufacturer, and ports that share them still differ in their last three. */
    out[1] ^= (uint8_t)((unsigned)ifindex >> 8);
    out[2] ^= (uint8_t)ifindex;
}

static void eth_header(uint8_t *f, const uint8_t dst[PB_MAC_LEN], const uint8_t src[PB_MAC_LEN], unsigned type) {
    memcpy(f + ETH_DST, dst, PB_MAC_LEN);
    memcpy(f + ETH_SRC, src, PB_MAC_LEN);
    put16(f + ETH_TYPE, type);
}

size_t pb_frame_arp_probe(uint8_t *f, size_t cap, const uint8_t mac[PB_MAC_LEN], const uint8_t target[4]) {
    static const uint8_t broadcast[PB_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (cap < PB_ARP_PROBE_LEN) return 0;
    memset(f, 0, PB_ARP_PROBE_LEN); /* sender protocol address 0.0.0.0, target hardware address 0 */
    eth_header(f, broadcast, mac, ETHERTYPE_ARP_);
    put16(f + ARP_HTYPE, ARP_HTYPE_ETHER);
    put16(f + ARP_PTYPE, 0x0800);
    f[ARP_HLEN] = PB_MAC_LEN;
    f[ARP_PLEN] = 4;
    put16(f + ARP_OP, ARP_OP_REQUEST);
    memcpy(f + ARP_SHA, mac, PB_MAC_LEN);
    memcpy(f + ARP_TPA, target, 4);
    return PB_ARP_PROBE_LEN;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len) {
    for (size_t i = 0; i + 1 < len; i += 2) sum += get16(p + i);
    if (len & 1) sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

uint16_t pb_icmp6_checksum(const uint8_t *ip6, size_t icmp_len) {
    uint8_t pseudo[8] = {0};
    pseudo[0] = (uint8_t)(icmp_len >> 24);
    pseudo[1] = (uint8_t)(icmp_len >> 16);
    pseudo[2] = (uint8_t)(icmp_len >> 8);
    pseudo[3] = (uint8_t)icmp_len;
    pseudo[7] = IPPROTO_ICMPV6_;
    uint32_t sum = sum16(0, ip6 + (IP6_SRC - IP6), 32); /* source and destination */
    sum = sum16(sum, pseudo, sizeof pseudo);
    sum = sum16(sum, ip6 + IP6_HLEN, icmp_len);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 appendix A). */
static void link_local(uint8_t out[16], const uint8_t mac[PB_MAC_LEN]) {
    memset(out, 0, 16);
    out[0] = 0xfe;
    out[1] = 0x80;
    out[8] = mac[0] ^ MAC_LOCAL;
    out[9] = mac[1];
    out[10] = mac[2];
    out[11] = 0xff;
    out[12] = 0xfe;
    out[13] = mac[3];
    out[14] = mac[4];
    out[15] = mac[5];
}

/* ff02::1:ffXX:XXXX and its Ethernet group 33:33:ff:XX:XX:XX (RFC 4291 2.7.1, RFC 2464 7). */
static void solicited_node(uint8_t ip[16], uint8_t mac[PB_MAC_LEN], const uint8_t target[16]) {
    static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    memcpy(ip, prefix, sizeof prefix);
    memcpy(ip + 13, target + 13, 3);
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, ip + 12, 4);
}

size_t pb_frame_ns(uint8_t *f, size_t cap, const uint8_t mac[PB_MAC_LEN], const uint8_t target[16]) {
    if (cap < PB_NS_LEN) return 0;
    memset(f, 0, PB_NS_LEN);
    uint8_t group_mac[PB_MAC_LEN];
    solicited_node(f + IP6_DST, group_mac, target);
    eth_header(f, group_mac, mac, ETHERTYPE_IPV6_);
    const size_t icmp_len = ND_MSG_LEN + ND_OPT_SLLA_LEN;
    f[IP6] = 0x60; /* version 6, traffic class and flow label 0 */
    put16(f + IP6_PLEN, (unsigned)icmp_len);
    f[IP6_NEXT] = IPPROTO_ICMPV6_;
    f[IP6_HOPS] = ND_HOP_LIMIT;
    link_local(f + IP6_SRC, mac);
    f[ICMP6_TYPE] = ND_NS;
    memcpy(f + ND_TARGET, target, 16);
    f[ND_OPTS] = ND_OPT_SLLA;
    f[ND_OPTS + 1] = 1; /* in units of 8 bytes */
    memcpy(f + ND_OPTS + 2, mac, PB_MAC_LEN);
    put16(f + ICMP6_CSUM, pb_icmp6_checksum(f + IP6, icmp_len));
    return PB_NS_LEN;
}

static int parse_arp_reply(const uint8_t *f, size_t len, struct pb_answer *out) {
    if (len < PB_ARP_PROBE_LEN) return 0;
    if (get16(f + ARP_HTYPE) != ARP_HTYPE_ETHER || get16(f + ARP_PTYPE) != 0x0800) return 0;
    if (f[ARP_HLEN] != PB_MAC_LEN || f[ARP_PLEN] != 4 || get16(f + ARP_OP) != ARP_OP_REPLY) return 0;
    if (memcmp(f + ARP_THA, f + ETH_DST, PB_MAC_LEN) != 0) return 0;
    memset(out, 0, sizeof *out);
    out->family = AF_INET;
    memcpy(out->addr, f + ARP_SPA, 4);
    memcpy(out->dst, f + ETH_DST, PB_MAC_LEN);
    return 1;
}

static int parse_na(const uint8_t *f, size_t len, struct pb_answer *out) {
    if (len < ND_OPTS || (f[IP6] >> 4) != 6) return 0;
    size_t plen = get16(f + IP6_PLEN);
    if (plen < ND_MSG_LEN || ICMP6 + plen > len) return 0;
    if (f[IP6_NEXT] != IPPROTO_ICMPV6_ || f[IP6_HOPS] != ND_HOP_LIMIT) return 0;
    if (f[ICMP6_TYPE] != ND_NA || f[ICMP6_CODE] != 0) return 0;
    memset(out, 0, sizeof *out);
    out->family = AF_INET6;
    memcpy(out->addr, f + ND_TARGET, 16);
    memcpy(out->dst, f + ETH_DST, PB_MAC_LEN);
    return 1;
}

int pb_answer_parse(const uint8_t *f, size_t len, struct pb_answer *out) {
    if (f == NULL || len < ETH_HLEN_) return 0;
    switch (get16(f + ETH_TYPE)) {
    case ETHERTYPE_ARP_: return parse_arp_reply(f, len, out);
    case ETHERTYPE_IPV6_: return parse_na(f, len, out);
    default: return 0;
    }
}

int pb_answer_target(const struct pb_answer *a, const struct pb_path_target *t, int n) {
    size_t alen = a->family == AF_INET ? 4 : 16;
    for (int i = 0; i < n; i++)
        if (t[i].family == a->family && memcmp(t[i].addr, a->addr, alen) == 0) return i;
    return -1;
}

int pb_answer_match(const uint8_t *f, size_t len, const struct pb_probe_peer *peers, int n, int *peer,
                    int *target) {
    struct pb_answer a;
    if (!pb_answer_parse(f, len, &a)) return 0;
    for (int i = 0; i < n; i++) {
        if (memcmp(peers[i].mac, a.dst, PB_MAC_LEN) != 0) continue;
        int t = pb_answer_target(&a, peers[i].targets, peers[i].ntargets);
        if (t < 0) return 0;
        *peer = i;
        *target = t;
        return 1;
    }
    return 0;
}

/* Classic BPF. Jumps count the instructions to skip, so each test names where it goes. */
#define LD_ANC(what) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + (what)))
#define LDW(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define LDH(off) BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (off))
#define LDB(off) BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (off))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(k) BPF_STMT(BPF_RET | BPF_K, (k))

int pb_path_filter(struct sock_filter *prog, int max, const struct pb_probe_peer *peers, int n) {
    enum { L_ARP = 6, L_IP6 = 8, L_DROP = 13, L_DST = 14, N = 14 };
#define TO(label, here) (uint8_t)((label) - (here) - 1)
    const struct sock_filter p[N] = {
        /* 0 */ LD_ANC(SKF_AD_PKTTYPE),
        /* 1 */ JEQ(PACKET_OUTGOING, TO(L_DROP, 1), 0),
        /* 2 */ LD_ANC(SKF_AD_VLAN_TAG_PRESENT), /* a tag the NIC took off is still a tag */
        /* 3 */ JEQ(0, 0, TO(L_DROP, 3)),
        /* 4 */ LDH(ETH_TYPE),
        /* 5 */ JEQ(ETHERTYPE_ARP_, 0, TO(L_IP6, 5)),
        /* 6 */ LDH(ARP_OP),
        /* 7 */ JEQ(ARP_OP_REPLY, TO(L_DST, 7), TO(L_DROP, 7)),
        /* 8 */ JEQ(ETHERTYPE_IPV6_, 0, TO(L_DROP, 8)),
        /* 9 */ LDB(IP6_NEXT),
        /* 10 */ JEQ(IPPROTO_ICMPV6_, 0, TO(L_DROP, 10)),
        /* 11 */ LDB(ICMP6_TYPE),
        /* 12 */ JEQ(ND_NA, TO(L_DST, 12), TO(L_DROP, 12)),
        /* 13 */ RET(0),
    };
#undef TO
    if (n < 0 || max < PB_PATH_FILTER_LEN(n)) return -ENOSPC;
    memcpy(prog, p, sizeof p);
    /* From L_DST: one test of the destination per probe address, each accepting on its own (a
     * jump reaches 255 instructions at most), then the drop. */
    struct sock_filter *q = prog + N;
    for (int i = 0; i < n; i++) {
        const uint8_t *m = peers[i].mac;
        *q++ = (struct sock_filter)LDW(ETH_DST);
        *q++ = (struct sock_filter)JEQ((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3], 0, 3);
        *q++ = (struct sock_filter)LDH(ETH_DST + 4);
        *q++ = (struct sock_filter)JEQ((uint32_t)m[4] << 8 | m[5], 0, 1);
        *q++ = (struct sock_filter)RET(PB_ANSWER_SNAP);
    }
    *q++ = (struct sock_filter)RET(0);
    return (int)(q - prog);
}

static int usable_target(const struct pb_path_target *t) {
    if (t->family == AF_INET) {
        uint32_t a = (uint32_t)t->addr[0] << 24 | (uint32_t)t->addr[1] << 16 | (uint32_t)t->addr[2] << 8 | t->addr[3];
        return a != 0 && a != 0xffffffffu && (a >> 24) != 127 && (a >> 28) != 0xe;
    }
    static const uint8_t any[16], loop[16] = {[15] = 1};
    return memcmp(t->addr, any, 16) && memcmp(t->addr, loop, 16) && t->addr[0] != 0xff;
}

static int parse_one_target(const char *s, size_t n, struct pb_path_target *t, char *err, size_t errlen) {
    char buf[PB_TARGET_LEN];
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "targets: '%.*s' is not an IPv4 or IPv6 address", (int)(n > 46 ? 46 : n), s);
        return -EINVAL;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(t, 0, sizeof *t);
    if (inet_pton(AF_INET, buf, t->addr) == 1) t->family = AF_INET;
    else if (inet_pton(AF_INET6, buf, t->addr) == 1) t->family = AF_INET6;
    else {
        snprintf(err, errlen, "targets: '%s' is not an IPv4 or IPv6 address", buf);
        return -EINVAL;
    }
    if (!usable_target(t)) {
        snprintf(err, errlen, "targets: %s cannot answer a probe (unspecified, loopback, multicast or broadcast)",
                 buf);
        return -EINVAL;
    }
    inet_ntop(t->family, t->addr, t->text, sizeof t->text);
    return 0;
}

int pb_path_parse_targets(const char *s, struct pb_path_target *out, char *err, size_t errlen) {
    if (s == NULL) {
        snprintf(err, errlen, "targets: missing");
        return -EINVAL;
    }
    int n = 0;
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (n == PB_MAX_TARGETS) {
            snprintf(err, errlen, "targets: more than %d", PB_MAX_TARGETS);
            return -EINVAL;
        }
        int rc = parse_one_target(p, len, &out[n], err, errlen);
        if (rc < 0) return rc;
        for (int i = 0; i < n; i++) {
            if (out[i].family == out[n].family && memcmp(out[i].addr, out[n].addr, sizeof out[n].addr) == 0) {
                snprintf(err, errlen, "targets: %s given twice", out[n].text);
                return -EINVAL;
            }
        }
        n++;
        if (!comma) return n;
        p = comma + 1;
    }
}

/* Path supervision (had/doc/path-supervision.md): probe rounds per watched port and the verdicts
 * they lead to (path.c), the verdict hysteresis as a pure state machine (path_verdict.c), the
 * probes and answers as bytes (path_frame.c), and the probers behind an ops table: "packet"
 * (path_packet.c, ARP and NS over AF_PACKET) and "sim" (path_sim.c, answers from the simulated
 * backplane). Everything below runs with ctx->lock held. */
#ifndef PB_PATH_H
#define PB_PATH_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "pb_internal.h"

#define PB_PATH_MAX_WATCHES 256
#define PB_PATH_INTERVAL_MIN 10
#define PB_PATH_INTERVAL_MAX 60000
#define PB_PATH_COUNT_MAX 255 /* missed, answered */
#define PB_MAC_LEN 6

/* ---------- verdicts (path_verdict.c): no clock, no I/O, time comes in as arguments ---------- */

struct pb_verdict {
    int need_missed, need_answered;
    int state;                  /* 1 up, 0 down, -1 not decided */
    /* the round in progress */
    int round_open;
    int round_answered;
    uint64_t round_sent_ns;
    uint64_t sent_ns[PB_MAX_TARGETS];  /* 0: that target's probe did not leave in this round */
    uint32_t answered_mask;            /* targets that answered in this round */
    /* the runs of consecutive rounds */
    int run_missed, run_answered;
    uint64_t missed_since_ns;   /* send time of the first unanswered round of the run */
    uint64_t answered_since_ns; /* receive time of the first answer of the run */
    /* what is reported */
    uint64_t rtt_ns, rounds, answered, changed_ns;
    int last_target;            /* index of the target that answered last, -1: none yet */
};

void pb_verdict_init(struct pb_verdict *v, int need_missed, int need_answered);
/* Ends the round in progress (unanswered unless an answer came) and begins one at now. 1 when
 * the end of the old round changed the verdict. */
int pb_verdict_round(struct pb_verdict *v, uint64_t now);
/* As pb_verdict_round, but a run of misses long enough to turn the verdict down does not do it
 * yet (the caller doubts the misses); the next round that ends unanswered undoubted does, dated
 * from the run's first miss as always. */
void pb_verdict_round_doubted(struct pb_verdict *v, uint64_t now);
/* Target t's probe of the round in progress left at now. */
void pb_verdict_sent(struct pb_verdict *v, int t, uint64_t now);
/* Target t answered at now: counts for the round in progress if t's probe left in it (once per
 * target and round). 1 when it changed the verdict. */
int pb_verdict_answer(struct pb_verdict *v, int t, uint64_t now);
/* 1 when the round in progress, ending unanswered, would turn the verdict down. */
int pb_verdict_would_fall(const struct pb_verdict *v);
/* When the current verdict began to be true (0 while undecided). */
uint64_t pb_verdict_since(const struct pb_verdict *v);
/* The port lost its carrier: the round in progress is dropped and the runs start over, so what
 * the link's absence did to the probes counts neither way; the verdict stands. */
void pb_verdict_pause(struct pb_verdict *v);

/* ---------- targets and watches ---------- */

struct pb_path_target {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    char text[PB_TARGET_LEN];
};

/* Parses "10.0.1.100,fd00::1" (1..PB_MAX_TARGETS, no duplicates; no unspecified, loopback,
 * multicast or broadcast address). Count, or -EINVAL with a reason in err. */
int pb_path_parse_targets(const char *s, struct pb_path_target *out, char *err, size_t errlen);

struct pb_path_args {
    char ifname[PB_IFNAME_LEN];
    char group[PB_IFNAME_LEN];
    int ntargets;
    struct pb_path_target targets[PB_MAX_TARGETS];
    int interval_ms, missed, answered;
};

struct pb_path_watch {
    struct pb_path_args a;
    struct pb_verdict v;
    int link; /* the port's carrier: 1, 0 (no rounds), -1 not known (rounds as if it had one) */
    int held; /* pb_path_hold: its owner is changing the port; no rounds, the verdict stands */
    uint64_t next_round_ns;
    int regroup; /* its group changed: the prober is told by the wait loop, not by the caller */
    void *probe; /* the prober's per-port state */
};

struct pb_prober_ops;

struct pb_paths {
    const struct pb_prober_ops *ops;
    void *prober; /* the prober's own state */
    int n;
    struct pb_path_watch *w[PB_PATH_MAX_WATCHES];
    struct pb_closing closing; /* what detached ports left to close (pb_paths_take_closing) */
    uint64_t last_answer_ns;   /* when any port's answer last counted (0: never) */
};

/* A prober: how probes leave and answers come back. The common code owns the rounds and calls
 * send() once per wake-up with every round that begins then; the prober reports answers with
 * pb_path_answer(). */
struct pb_prober_ops {
    const char *name;
    /* Reads the prober's options (unused ones are refused by the caller), sets ctx->paths->prober. */
    int (*open)(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen);
    void (*close)(pb_ctx *ctx);
    /* Sets w->probe (nothing is opened yet: send() does that). 0 or -ENOMEM. */
    int (*attach)(pb_ctx *ctx, struct pb_path_watch *w);
    /* Frees w->probe; its sockets go to ctx->paths->closing. */
    void (*detach)(pb_ctx *ctx, struct pb_path_watch *w);
    /* The rounds of w[0..n) begin: one probe per target of each (pb_verdict_sent for each that
     * left), opening a port first if it is not open. A probe that cannot leave leaves its round
     * unanswered; a port that cannot be opened is retried at its next round. */
    void (*send)(pb_ctx *ctx, struct pb_path_watch *const *w, int n, uint64_t now);
    /* w's verdict changed (its event is queued). May be NULL. */
    void (*verdict_changed)(pb_ctx *ctx, struct pb_path_watch *w);
    /* The watches of group changed (one came, went, or learnt its probe address). Called by the
     * wait loop, before its next poll or round, once per group however many changes it had: a
     * command thread (pb_path_watch, pb_path_unwatch) only marks the group. May be NULL. */
    void (*group_changed)(pb_ctx *ctx, const char *group);
    /* As the backend's: fds to poll, its next timer. */
    int (*pollfds)(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns);
    void (*dispatch)(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now);
    /* Takes in every answer already there, polled or not: called before rounds end, so that an
     * answer that came in time counts even when the loop wakes for the round's timer first. */
    void (*collect)(pb_ctx *ctx, uint64_t now);
    /* w's port has carrier now: 1, 0, or -1 when the prober cannot tell. Asked only when a verdict
     * is about to fall, so it may cost a system call. May be NULL (-1). */
    int (*carrier)(pb_ctx *ctx, const struct pb_path_watch *w);
};

extern const struct pb_prober_ops pb_prober_packet;
extern const struct pb_prober_ops pb_prober_sim;

/* Target t of w answered at now. */
void pb_path_answer(pb_ctx *ctx, struct pb_path_watch *w, int t, uint64_t now);

/* ---------- frames (path_frame.c): pure functions ---------- */

#define PB_ARP_PROBE_LEN 42 /* Ethernet header + ARP for IPv4 */
#define PB_NS_LEN 86        /* Ethernet + IPv6 + NS + source link-layer address option */
#define PB_ANSWER_SNAP 128  /* bytes of an answer the filter copies: an NA with options fits */

/* The probe address of a port: its permanent address (else its current one when the permanent
 * one is all zero), locally administered, unicast, the low 16 bits of ifindex XORed into its
 * second and third bytes (never into the last ones, where the ports of one card differ). */
void pb_probe_mac(const uint8_t perm[PB_MAC_LEN], const uint8_t cur[PB_MAC_LEN], int ifindex,
                  uint8_t out[PB_MAC_LEN]);
/* An RFC 5227 ARP probe for target (IPv4) from mac. Returns PB_ARP_PROBE_LEN, or 0 if cap is short. */
size_t pb_frame_arp_probe(uint8_t *buf, size_t cap, const uint8_t mac[PB_MAC_LEN], const uint8_t target[4]);
/* A Neighbor Solicitation for target (IPv6) from fe80::EUI-64(mac) to its solicited-node group.
 * Returns PB_NS_LEN, or 0 if cap is short. */
size_t pb_frame_ns(uint8_t *buf, size_t cap, const uint8_t mac[PB_MAC_LEN], const uint8_t target[16]);
/* The ICMPv6 checksum of an ICMPv6 message in an IPv6 packet without extension headers. */
uint16_t pb_icmp6_checksum(const uint8_t *ip6, size_t icmp_len);

struct pb_answer {
    int family;              /* AF_INET: an ARP reply; AF_INET6: a Neighbor Advertisement */
    uint8_t addr[16];        /* who answered: the ARP sender / the NA's target */
    uint8_t dst[PB_MAC_LEN]; /* to whom: the probe address it was sent to */
};

/* An ARP reply (Ethernet/IPv4, op 2, target hardware address = Ethernet destination) or a Neighbor
 * Advertisement (no extension header, hop limit 255, code 0, whole) without a VLAN tag. 1 and *out
 * filled, else 0. */
int pb_answer_parse(const uint8_t *frame, size_t len, struct pb_answer *out);
/* Index of the target in t[0..n) that a is from, -1 if none. */
int pb_answer_target(const struct pb_answer *a, const struct pb_path_target *t, int n);

/* A port of a group as the matcher sees it: its probe address and its targets. */
struct pb_probe_peer {
    uint8_t mac[PB_MAC_LEN];
    const struct pb_path_target *targets;
    int ntargets;
};

/* Whether frame answers a probe of one of peers[0..n): a well-formed answer (pb_answer_parse),
 * sent to a peer's probe address, from one of that peer's targets. 1 with *peer and *target set,
 * else 0. */
int pb_answer_match(const uint8_t *frame, size_t len, const struct pb_probe_peer *peers, int n, int *peer,
                    int *target);

/* The socket filter: incoming ARP replies and Neighbor Advertisements without a VLAN tag, sent to
 * the probe address of one of peers[0..n), nothing else (so nothing but the group's answers ever
 * reaches a port's ring). Fills prog (at most max instructions, of struct sock_filter); returns the
 * count, PB_PATH_FILTER_LEN(n), or -ENOSPC. */
#define PB_PATH_FILTER_LEN(n) (15 + 5 * (n))
struct sock_filter;
int pb_path_filter(struct sock_filter *prog, int max, const struct pb_probe_peer *peers, int n);

#endif

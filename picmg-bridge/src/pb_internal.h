/* Internal interfaces of picmg-bridge: the context, the backend vtable, options, helpers. */
#ifndef PB_INTERNAL_H
#define PB_INTERNAL_H

#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "picmg_bridge.h"

struct msghdr;

#define PB_ERR_LEN 256
#define PB_ERR_THREADS 8

/* ---- options: "key=value;key=value" ---- */
#define PB_OPTIONS_MAX_LEN 1024
#define PB_OPT_MAX 16
#define PB_OPT_KEY_LEN 32
#define PB_OPT_VALUE_LEN 256

struct pb_opt {
    char key[PB_OPT_KEY_LEN];
    char value[PB_OPT_VALUE_LEN];
    int used;
};

struct pb_opts {
    int n;
    struct pb_opt opt[PB_OPT_MAX];
};

/* Parses s (may be NULL). 0 or -EINVAL with a message in err. */
int pb_opts_parse(const char *s, struct pb_opts *out, char *err, size_t errlen);
/* Value of key (marking it used) or NULL. */
const char *pb_opts_get(struct pb_opts *o, const char *key);
/* -EINVAL naming the first key nobody asked for. */
int pb_opts_check_unused(const struct pb_opts *o, char *err, size_t errlen);
/* Strict unsigned decimal: digits only, no sign, no spaces, value <= max. 0 or -EINVAL. */
int pb_parse_uint(const char *s, size_t len, unsigned long max, unsigned long *out);
/* Exactly four hex digits. 0 or -EINVAL. */
int pb_parse_hex16(const char *s, size_t len, int *out);

/* ---- backends ---- */
struct pb_prober_ops;

struct pb_backend_ops {
    const char *name;
    /* Sets ctx->backend; the options left unused are refused by the caller. */
    int (*open)(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen);
    void (*close)(pb_ctx *ctx);
    /* The functions below run with ctx->lock held. */
    /* Adds the backend's fds (at most max) and lowers *deadline_ns to its next timer (0 = none). */
    int (*pollfds)(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns);
    /* Handles what poll() reported for the fds pollfds() gave, and timers due at now. */
    void (*dispatch)(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now);
    /* Queues the complete current state (after PB_EV_RESYNC). */
    void (*snapshot)(pb_ctx *ctx, uint64_t now);
    int (*slot_power)(pb_ctx *ctx, int slot, int on);
    int (*slot_led)(pb_ctx *ctx, int slot, int on);
    int (*slot_attention)(pb_ctx *ctx, int slot, int on);
    int (*request_extraction)(pb_ctx *ctx, int slot);
    int (*list_slots)(pb_ctx *ctx, struct pb_slot_info *out, int max);
    int (*sim_driver)(pb_ctx *ctx, const char *module, const char *ids, int loaded); /* may be NULL */
    /* Fills slot, nfunctions and functions[0] of ev for interface ifname, as for its PB_EV_LINK;
     * leaves them 0 for an interface not on a card. */
    void (*port_of)(pb_ctx *ctx, const char *ifname, struct pb_event *ev);
    /* The carrier of interface ifname as its PB_EV_LINK would tell it: 1, 0, or -1 when not known. */
    int (*carrier_of)(pb_ctx *ctx, const char *ifname);
    /* The path probers it takes (option paths=NAME), the default first; NULL-terminated. */
    const struct pb_prober_ops *const *probers;
};

extern const struct pb_backend_ops pb_sim_ops;
extern const struct pb_backend_ops pb_kernel_ops;

struct pb_ctx {
    pthread_mutex_t lock;
    const struct pb_backend_ops *ops;
    void *backend;
    int wake_fd;              /* eventfd: command threads wake the waiting thread */
    struct pb_event *queue;   /* ring of events not yet delivered */
    size_t qcap, qhead, qlen;
    int overflowed;           /* events were dropped: deliver snapshot + RESYNC next */
    int snapshotting;         /* queueing an inventory: the queue grows rather than drops */
    int waiting;              /* a thread is inside pb_next_event */
    int interrupted;          /* pb_interrupt: the (next) pb_next_event returns 0 */
    struct pb_paths *paths;   /* path supervision (path.h) */
    /* Failure messages, one per thread that failed (the PB_ERR_THREADS most recent threads):
     * pb_last_error gives a thread its own newest message. */
    struct pb_err {
        char msg[PB_ERR_LEN];
        pthread_t owner;
        uint64_t seq; /* 0: never set */
    } err[PB_ERR_THREADS];
    uint64_t err_seq;
};

/* sim: runs one control line as if a socket client had sent it (tests, fuzzing); takes the lock.
 * 0 for an "ok" reply, -EINVAL for "err". */
int pb_sim_ctl_line(pb_ctx *ctx, const char *line, size_t len, char *reply, size_t replylen);

/* ---- path supervision (path.c), with ctx->lock held ---- */
/* The sockets of ports no longer watched, left for the event thread to close outside the lock:
 * closing a packet socket waits for an RCU grace period (packet_release: synchronize_net), tens
 * of milliseconds on a busy controller, which the caller of pb_path_unwatch (had's core, in the
 * middle of an extraction) must not wait for. Full, a socket is closed at once. */
#define PB_CLOSING_MAX 32
struct pb_closing {
    int n;
    int fd[PB_CLOSING_MAX];
    void *map[PB_CLOSING_MAX]; /* its receive ring, unmapped with it (NULL: none) */
    size_t len[PB_CLOSING_MAX];
};
void pb_closing_add(struct pb_closing *c, int fd, void *map, size_t len);
/* Closes and unmaps everything in c; no lock needed (c is the caller's own). */
void pb_closing_run(struct pb_closing *c);
/* Moves what waits to be closed into *out (the caller runs it once the lock is released). */
void pb_paths_take_closing(pb_ctx *ctx, struct pb_closing *out);
/* Picks the prober (option paths) and reads its options. */
int pb_paths_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen);
void pb_paths_close(pb_ctx *ctx);
int pb_paths_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns);
/* Answers on the fds pollfds gave, then the rounds due at now. */
void pb_paths_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now);
/* A PB_EV_PATH for every decided watch (part of an inventory). */
void pb_paths_snapshot(pb_ctx *ctx, uint64_t now);
/* A port's carrier as a PB_EV_LINK tells it. Without carrier no probe leaves or comes back: the rounds of a port with
 * no carrier are not run, and count neither way. The carrier is the verdict of that time; the
 * path's verdict stands until rounds on a live link decide again. So taking a port down and up
 * (enslaving it, or the bonding driver closing a released slave) does not make its path flap. */
void pb_paths_link(pb_ctx *ctx, const char *ifname, int carrier);

/* sim: 1 when a probe sent from ifname would be answered: it is an ethN of the simulated
 * backplane, its link is up and its path not cut. */
int pb_sim_path_ok(pb_ctx *ctx, const char *ifname);

/* kernel, tests only: the backend's netlink reads go through fn, which keeps recvmsg()'s contract
 * (-1 and errno on failure), instead of recvmsg() itself; NULL restores recvmsg(). Lets a test
 * make a read fail with ENOBUFS, which no socketpair can. Takes the lock; -EINVAL if ctx is not
 * a kernel context. */
typedef ssize_t (*pb_kernel_recvmsg_fn)(void *arg, int fd, struct msghdr *msg, int flags);
int pb_kernel_set_recvmsg(pb_ctx *ctx, pb_kernel_recvmsg_fn fn, void *arg);

/* With ctx->lock held: queues an event (stamped by the caller). */
void pb_emit(pb_ctx *ctx, const struct pb_event *ev);
/* With ctx->lock held: records the message for this thread's role; returns -err. */
int pb_fail(pb_ctx *ctx, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Wakes the thread waiting in pb_next_event (timers or fds changed, events queued). */
void pb_wake(pb_ctx *ctx);
uint64_t pb_now_ns(void);
/* snprintf that never fails the build on truncation warnings and always terminates. */
void pb_strlcpy(char *dst, const char *src, size_t size);

#endif

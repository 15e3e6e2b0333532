/*
 * picmg-bridge: PICMG 2.12 hot-swap events in, slot power and indicators out.
 *
 * One context (pb_ctx) talks to one backend: "sim" (a simulated backplane, see README.md) or
 * "kernel" (Linux PCI hot-plug, uevents and rtnetlink). Rules every function keeps:
 *   - errors are returned as a negative errno; pb_last_error() then tells what happened;
 *   - nothing is printed, nothing exits, no state lives outside the context;
 *   - one thread may block in pb_next_event() while other threads call the command functions
 *     (pb_slot_*, pb_request_extraction, pb_list_slots, pb_sim_driver, pb_resync, pb_path_*,
 *     pb_interrupt);
 *   - pb_close() must not race with any other call on the same context.
 * The structures have a fixed layout (only int32_t, uint64_t and char arrays, no padding) so that
 * bindings (jnr-ffi, ctypes) can map them field by field; pb_event_size(), pb_slot_info_size() and
 * pb_path_info_size() let a binding check its mapping at run time.
 */
#ifndef PICMG_BRIDGE_H
#define PICMG_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PB_API __attribute__((visibility("default")))

#define PB_MAX_FUNCTIONS 8  /* PCI functions per card (one Ethernet port each) */
#define PB_ADDR_LEN 16      /* "0000:BB:DD.F" plus NUL, padded */
#define PB_IFNAME_LEN 16    /* IFNAMSIZ */
#define PB_DRIVER_LEN 32    /* kernel module name */
#define PB_ID_UNKNOWN (-1)  /* a PCI id the source did not report */
#define PB_MAX_TARGETS 16   /* path probe targets of one port */
#define PB_TARGET_LEN 48    /* an IPv4 or IPv6 address as text, NUL-terminated, padded */

enum pb_event_type {
    PB_EV_CARD_INSERTED = 1,   /* card present and powered; functions[] filled */
    PB_EV_EXTRACT_REQUEST = 2, /* handle opened (or pb_request_extraction) */
    PB_EV_EXTRACT_CANCEL = 3,  /* handle closed again while the slot is still powered */
    PB_EV_CARD_REMOVED = 4,    /* card gone from the slot (after power-off, or surprise) */
    PB_EV_NETDEV_ADDED = 5,    /* ifname + functions[0] (the PCI function it belongs to) */
    PB_EV_NETDEV_REMOVED = 6,  /* ifname + functions[0] */
    PB_EV_LINK = 7,            /* ifname, carrier, functions[0] when on a card (slot 0 if not) */
    PB_EV_RESYNC = 8,          /* ends an inventory: everything present was just reported again */
    PB_EV_PATH = 9,      /* a port's path verdict: ifname, carrier = 1 path up / 0 down, rtt_ns, since_ns,
                            target; slot and functions[0] as for PB_EV_LINK (slot 0 if not on a card) */
    PB_EV_SIM_PATH = 10, /* sim only: the simulated wire beyond a port was cut (carrier = 0) or restored (1),
                            ifname/slot/functions[0] as for LINK; lets a simulated kernel model its ARP monitor */
    PB_EV_CARD_OFF = 11, /* a card present in a powered-off slot: in an inventory, or when a powered card's
                            functions went with its power and the slot still holds it; functions[] as far as
                            known (none when the bus cannot read an unpowered card). PB_EV_CARD_REMOVED
                            follows when it is pulled. An inventory also gives PB_EV_EXTRACT_REQUEST for a
                            powered card whose handle is open. */
    PB_EV_AER = 12       /* a card's function reported PCIe AER errors since its last PB_EV_AER (or since the
                            backend first read it): slot, functions[0], aer_new[], aer_total[] */
};

/* The kinds of PCIe AER errors, as the kernel counts them per device (aer_dev_correctable,
 * aer_dev_nonfatal, aer_dev_fatal): the index into pb_event's aer_new and aer_total. */
enum pb_aer_kind { PB_AER_CORRECTABLE = 0, PB_AER_NONFATAL = 1, PB_AER_FATAL = 2, PB_AER_KINDS = 3 };

struct pb_function {
    char address[PB_ADDR_LEN]; /* "0000:BB:DD.F", NUL-terminated */
    int32_t function;          /* F, 0..7 */
    int32_t vendor;            /* 0..0xffff */
    int32_t device;
    int32_t subvendor;         /* PB_ID_UNKNOWN when not reported */
    int32_t subdevice;
    int32_t pci_class;         /* 24-bit class code, e.g. 0x020000 Ethernet */
};

struct pb_event {
    int32_t type;           /* enum pb_event_type */
    int32_t slot;           /* chassis slot, 0 when the event concerns no slot */
    uint64_t monotonic_ns;  /* CLOCK_MONOTONIC (Java: System.nanoTime() on Linux) */
    int32_t nfunctions;     /* valid entries in functions[] */
    int32_t carrier;        /* PB_EV_LINK: 1 up, 0 down */
    char ifname[PB_IFNAME_LEN];
    struct pb_function functions[PB_MAX_FUNCTIONS];
    uint64_t rtt_ns;        /* PB_EV_PATH: last answer's round-trip time, 0 if none yet */
    uint64_t since_ns;      /* PB_EV_PATH: when the verdict began to be true: down -> the send time of the
                               first unanswered round of the run; up -> the receive time of the first answer
                               of the run */
    char target[PB_TARGET_LEN]; /* PB_EV_PATH: up -> the target that answered last; down -> the target that
                               answered last before the loss (else the first configured) */
    uint64_t aer_new[PB_AER_KINDS];   /* PB_EV_AER: errors of each kind since the function's last PB_EV_AER */
    uint64_t aer_total[PB_AER_KINDS]; /* PB_EV_AER: the kernel's totals for the function */
};

struct pb_slot_function {
    struct pb_function fn;
    char driver[PB_DRIVER_LEN]; /* bound driver, "" when none */
    char ifname[PB_IFNAME_LEN]; /* its network interface, "" when none */
};

struct pb_slot_info {
    int32_t slot;
    int32_t present;
    int32_t powered;
    int32_t led;        /* blue hot-swap LED */
    int32_t attention;
    int32_t latch_open; /* handle open */
    int32_t nfunctions;
    int32_t reserved;
    struct pb_slot_function functions[PB_MAX_FUNCTIONS];
};

struct pb_path_info {        /* 120 bytes, fixed layout */
    char ifname[PB_IFNAME_LEN];
    char group[PB_IFNAME_LEN];   /* the bond */
    int32_t state;               /* 1 up, 0 down, -1 not decided yet */
    int32_t interval_ms;
    uint64_t rtt_ns;             /* last answer's round-trip time, 0 if none yet */
    uint64_t rounds;             /* probe rounds sent */
    uint64_t answered;           /* rounds answered */
    uint64_t changed_ns;         /* CLOCK_MONOTONIC of the last verdict, 0 if none */
    char target[PB_TARGET_LEN];  /* the target that answered last, "" if none */
};

typedef struct pb_ctx pb_ctx;

/* Opens a backend ("sim" or "kernel"). options: "key=value;key=value" (see README.md), may be
 * NULL or "". 0 or -errno; on failure *out is NULL. */
PB_API int pb_open(const char *backend, const char *options, pb_ctx **out);

/* pb_open() that also tells why it failed: the message goes to err (errlen bytes, NUL-terminated). */
PB_API int pb_open_err(const char *backend, const char *options, pb_ctx **out, char *err, size_t errlen);

/* Waits up to timeout_ms (-1: forever, 0: just look) for an event.
 * 1: *ev filled; 0: timeout; <0: -errno (-EBUSY if another thread is already waiting). */
PB_API int pb_next_event(pb_ctx *ctx, struct pb_event *ev, int timeout_ms);

/* Makes the pb_next_event() in progress return 0 at once (after any event it already holds), or
 * the next call when none is waiting: a thread that waits without a timeout can be stopped. 0. */
PB_API int pb_interrupt(pb_ctx *ctx);

PB_API int pb_slot_power(pb_ctx *ctx, int slot, int on);
PB_API int pb_slot_led(pb_ctx *ctx, int slot, int on);
PB_API int pb_slot_attention(pb_ctx *ctx, int slot, int on);
/* Software extraction request, as if the card's handle had been opened. */
PB_API int pb_request_extraction(pb_ctx *ctx, int slot);
/* Fills up to max entries; returns the number of slots of the chassis (may exceed max). */
PB_API int pb_list_slots(pb_ctx *ctx, struct pb_slot_info *out, int max);
/* Drops queued events and queues the current state followed by PB_EV_RESYNC. */
PB_API int pb_resync(pb_ctx *ctx);
/* sim only (-ENOTSUP elsewhere): kernel module loaded (1) or unloaded (0); ids "VVVV:DDDD,..." */
PB_API int pb_sim_driver(pb_ctx *ctx, const char *module, const char *ids, int loaded);

/* Starts (or changes) the supervision of ifname's path. group: the bond it belongs to (answers to any
 * probe address of a group count for the port that owns that address). targets: "10.0.1.100,fd00::1"
 * (1..16, IPv4 and/or IPv6, no duplicates). interval_ms 10..60000, missed 1..255, answered 1..255.
 * Watching a port again with the same arguments changes nothing (its verdict and counters stay);
 * with different ones it starts over (undecided). 0 or -errno (-EINVAL with a message naming the bad
 * argument). An interface that does not exist (yet, or any more) is not an error: its rounds go
 * unanswered (so its path goes down) and the watch keeps trying to open it every round. */
PB_API int pb_path_watch(pb_ctx *ctx, const char *ifname, const char *group, const char *targets,
                         int interval_ms, int missed, int answered);
/* Stops it: 0, or -ENOENT if ifname was not watched. No event. */
PB_API int pb_path_unwatch(pb_ctx *ctx, const char *ifname);
/* held 1: the caller is changing ifname itself (enslaving a port into a bond or releasing it resets
 * many drivers' ports, and takes the port's probes down with it): no rounds until it is over, the
 * verdict stands, so what the change does to the port is not taken for its path. held 0: the change
 * is over; rounds go on, counted afresh (the runs begun before it are dropped). 0, or -ENOENT if
 * ifname is not watched. No event. */
PB_API int pb_path_hold(pb_ctx *ctx, const char *ifname, int held);
/* Fills up to max entries; returns the number of watched ports (may exceed max). */
PB_API int pb_path_list(pb_ctx *ctx, struct pb_path_info *out, int max);

/* Message of the newest failure on ctx that the calling thread got (else of any thread; "" if
 * none): each thread sees its own, the waiting one included (up to 8 threads that fail). Valid
 * until that thread's next failure; never NULL. */
PB_API const char *pb_last_error(pb_ctx *ctx);

PB_API void pb_close(pb_ctx *ctx);

PB_API size_t pb_event_size(void);
PB_API size_t pb_slot_info_size(void);
PB_API size_t pb_path_info_size(void);

#ifdef __cplusplus
}
#endif

#endif

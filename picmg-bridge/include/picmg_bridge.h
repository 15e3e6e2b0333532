/*
 * picmg-bridge: PICMG 2.12 hot-swap events in, slot power and indicators out.
 *
 * One context (pb_ctx) talks to one backend: "sim" (a simulated backplane, see README.md) or
 * "kernel" (Linux PCI hot-plug, uevents and rtnetlink). Rules every function keeps:
 *   - errors are returned as a negative errno; pb_last_error() then tells what happened;
 *   - nothing is printed, nothing exits, no state lives outside the context;
 *   - one thread may block in pb_next_event() while other threads call the command functions
 *     (pb_slot_*, pb_request_extraction, pb_list_slots, pb_sim_driver, pb_resync);
 *   - pb_close() must not race with any other call on the same context.
 * The structures have a fixed layout (only int32_t, uint64_t and char arrays, no padding) so that
 * bindings (jnr-ffi, ctypes) can map them field by field; pb_event_size() and pb_slot_info_size()
 * let a binding check its mapping at run time.
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

enum pb_event_type {
    PB_EV_CARD_INSERTED = 1,   /* card present and powered; functions[] filled */
    PB_EV_EXTRACT_REQUEST = 2, /* handle opened (or pb_request_extraction) */
    PB_EV_EXTRACT_CANCEL = 3,  /* handle closed again while the slot is still powered */
    PB_EV_CARD_REMOVED = 4,    /* card gone from the slot (after power-off, or surprise) */
    PB_EV_NETDEV_ADDED = 5,    /* ifname + functions[0] (the PCI function it belongs to) */
    PB_EV_NETDEV_REMOVED = 6,  /* ifname + functions[0] */
    PB_EV_LINK = 7,            /* ifname, carrier, functions[0] when on a card (slot 0 if not) */
    PB_EV_RESYNC = 8           /* ends an inventory: everything present was just reported again */
};

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

typedef struct pb_ctx pb_ctx;

/* Opens a backend ("sim" or "kernel"). options: "key=value;key=value" (see README.md), may be
 * NULL or "". 0 or -errno; on failure *out is NULL. */
PB_API int pb_open(const char *backend, const char *options, pb_ctx **out);

/* pb_open() that also tells why it failed: the message goes to err (errlen bytes, NUL-terminated). */
PB_API int pb_open_err(const char *backend, const char *options, pb_ctx **out, char *err, size_t errlen);

/* Waits up to timeout_ms (-1: forever, 0: just look) for an event.
 * 1: *ev filled; 0: timeout; <0: -errno (-EBUSY if another thread is already waiting). */
PB_API int pb_next_event(pb_ctx *ctx, struct pb_event *ev, int timeout_ms);

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

/* Message of the newest failure on ctx that the calling thread got (else of any thread; "" if
 * none): each thread sees its own, the waiting one included (up to 8 threads that fail). Valid
 * until that thread's next failure; never NULL. */
PB_API const char *pb_last_error(pb_ctx *ctx);

PB_API void pb_close(pb_ctx *ctx);

PB_API size_t pb_event_size(void);
PB_API size_t pb_slot_info_size(void);

#ifdef __cplusplus
}
#endif

#endif

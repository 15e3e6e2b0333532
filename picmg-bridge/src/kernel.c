/* The "kernel" backend: Linux PCI hot-plug slots, kobject uevents and rtnetlink. Its parsers
 * are not in yet, so opening it answers -ENOTSUP; the vtable is complete so the rest of the
 * library (and its bindings) can be built and tested against it. */
#include <errno.h>
#include <stdio.h>

#include "pb_internal.h"

static int k_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    (void)ctx;
    (void)opts;
    snprintf(err, errlen, "the kernel backend is not available in this build");
    return -ENOTSUP;
}

static void k_close(pb_ctx *ctx) { (void)ctx; }

static int k_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    (void)ctx; (void)fds; (void)max; (void)deadline_ns;
    return 0;
}

static void k_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    (void)ctx; (void)fds; (void)n; (void)now;
}

static void k_snapshot(pb_ctx *ctx, uint64_t now) { (void)ctx; (void)now; }

static int k_slot(pb_ctx *ctx, int slot, int on) {
    (void)on;
    return pb_fail(ctx, ENOTSUP, "kernel backend: slot %d: not available in this build", slot);
}

static int k_extract(pb_ctx *ctx, int slot) { return k_slot(ctx, slot, 0); }

static int k_list(pb_ctx *ctx, struct pb_slot_info *out, int max) {
    (void)out; (void)max;
    return pb_fail(ctx, ENOTSUP, "kernel backend: not available in this build");
}

const struct pb_backend_ops pb_kernel_ops = {
    .name = "kernel",
    .open = k_open,
    .close = k_close,
    .pollfds = k_pollfds,
    .dispatch = k_dispatch,
    .snapshot = k_snapshot,
    .slot_power = k_slot,
    .slot_led = k_slot,
    .slot_attention = k_slot,
    .request_extraction = k_extract,
    .list_slots = k_list,
    .sim_driver = NULL,
};

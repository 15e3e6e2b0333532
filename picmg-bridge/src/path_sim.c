/* The "sim" prober: the simulated backplane answers. A probe round of a port is answered when the
 * port is an ethN of the backplane whose link is up and whose path is not cut (sim.c); the answer
 * comes path_rtt_us after the probes, from every target in the order they were given. The round
 * trip is a figure of the simulation, not a measurement. An answer still due when the port's next
 * round begins is lost, as a real one that late would belong to no round. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#define RTT_US_DEFAULT 100
#define RTT_US_MAX 1000000

struct sim_prober {
    uint64_t rtt_ns;
};

struct sim_port {
    uint64_t answer_ns; /* when the round's answers arrive; 0: none due */
};

static struct sim_prober *prober_of(pb_ctx *ctx) { return ctx->paths->prober; }

static int sp_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    unsigned long us = RTT_US_DEFAULT;
    const char *v = pb_opts_get(opts, "path_rtt_us");
    if (v && pb_parse_uint(v, strlen(v), RTT_US_MAX, &us) < 0) {
        snprintf(err, errlen, "option path_rtt_us: microseconds from 0 to %d", RTT_US_MAX);
        return -EINVAL;
    }
    struct sim_prober *sp = calloc(1, sizeof *sp);
    if (sp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    sp->rtt_ns = (uint64_t)us * 1000u;
    ctx->paths->prober = sp;
    return 0;
}

static void sp_close(pb_ctx *ctx) {
    free(ctx->paths->prober);
    ctx->paths->prober = NULL;
}

static int sp_attach(pb_ctx *ctx, struct pb_path_watch *w) {
    (void)ctx;
    w->probe = calloc(1, sizeof(struct sim_port));
    return w->probe ? 0 : -ENOMEM;
}

static void sp_detach(pb_ctx *ctx, struct pb_path_watch *w) {
    (void)ctx;
    free(w->probe);
    w->probe = NULL;
}

static void sp_send_one(pb_ctx *ctx, struct pb_path_watch *w, uint64_t now) {
    struct sim_port *port = w->probe;
    port->answer_ns = 0;
    if (!pb_sim_path_ok(ctx, w->a.ifname)) return;
    for (int t = 0; t < w->a.ntargets; t++) pb_verdict_sent(&w->v, t, now);
    port->answer_ns = now + prober_of(ctx)->rtt_ns;
    if (port->answer_ns == 0) port->answer_ns = 1;
}

static void sp_send(pb_ctx *ctx, struct pb_path_watch *const *w, int n, uint64_t now) {
    for (int i = 0; i < n; i++) sp_send_one(ctx, w[i], now);
}

static int sp_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    (void)fds;
    (void)max;
    const struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++) {
        const struct sim_port *port = p->w[i]->probe;
        if (port->answer_ns && port->answer_ns < *deadline_ns) *deadline_ns = port->answer_ns;
    }
    return 0;
}

static void sp_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    (void)fds;
    (void)n;
    struct pb_paths *p = ctx->paths;
    for (int i = 0; i < p->n; i++) {
        struct pb_path_watch *w = p->w[i];
        struct sim_port *port = w->probe;
        if (!port->answer_ns || port->answer_ns > now) continue;
        uint64_t at = port->answer_ns;
        port->answer_ns = 0;
        for (int t = 0; t < w->a.ntargets; t++) pb_path_answer(ctx, w, t, at);
    }
}

static void sp_collect(pb_ctx *ctx, uint64_t now) { sp_dispatch(ctx, NULL, 0, now); }

/* The simulated backplane's own word on the port's link. */
static int sp_carrier(pb_ctx *ctx, const struct pb_path_watch *w) {
    return ctx->ops->carrier_of ? ctx->ops->carrier_of(ctx, w->a.ifname) : -1;
}

const struct pb_prober_ops pb_prober_sim = {
    .name = "sim",
    .open = sp_open,
    .close = sp_close,
    .attach = sp_attach,
    .detach = sp_detach,
    .send = sp_send,
    .verdict_changed = NULL,
    .group_changed = NULL,
    .pollfds = sp_pollfds,
    .dispatch = sp_dispatch,
    .collect = sp_collect,
    .carrier = sp_carrier,
};

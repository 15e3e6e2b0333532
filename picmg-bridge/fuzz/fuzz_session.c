/* libFuzzer target: a whole control session against the sim state machine. The input is split
 * into lines; each runs as a control command (a pb_sim_driver call when it starts with '!'),
 * then events are drained. Invariants: every reply is one "ok"/"err" line, slot state stays
 * consistent with pb_list_slots, events are well formed. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_event(const struct pb_event *ev) {
    if (ev->type < PB_EV_CARD_INSERTED || ev->type > PB_EV_SIM_PATH) abort();
    if (ev->nfunctions < 0 || ev->nfunctions > PB_MAX_FUNCTIONS) abort();
    if (memchr(ev->ifname, '\0', sizeof ev->ifname) == NULL) abort();
    for (int f = 0; f < ev->nfunctions; f++)
        if (memchr(ev->functions[f].address, '\0', PB_ADDR_LEN) == NULL) abort();
    if (memchr(ev->target, '\0', sizeof ev->target) == NULL) abort();
    if (ev->type == PB_EV_PATH && (ev->carrier < 0 || ev->carrier > 1 || ev->target[0] == '\0')) abort();
    if ((ev->type == PB_EV_NETDEV_ADDED || ev->type == PB_EV_LINK || ev->type == PB_EV_SIM_PATH ||
         ev->type == PB_EV_PATH) && strncmp(ev->ifname, "eth", 3) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pb_ctx *ctx;
    if (pb_open("sim", "slots=1,2,3;probe_ms=0;queue=64;path_rtt_us=0", &ctx) < 0) abort();
    /* Watched ports: cuts, links and removals reach the path rounds too. */
    if (pb_path_watch(ctx, "eth0", "bond0", "10.0.0.1", 10, 1, 1) < 0) abort();
    if (pb_path_watch(ctx, "eth1", "bond0", "10.0.0.1,fd00::1", 10, 1, 1) < 0) abort();
    const char *p = (const char *)data, *end = p + size;
    int lines = 0;
    while (p < end && lines++ < 64) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char reply[4096];
        if (len > 0 && p[0] == '!') {
            /* "!+name ids" loads, "!-name" unloads */
            char buf[300];
            size_t n = len - 1 < sizeof buf - 1 ? len - 1 : sizeof buf - 1;
            memcpy(buf, p + 1, n);
            buf[n] = '\0';
            char *sp = strchr(buf, ' ');
            if (sp) *sp = '\0';
            int load = buf[0] == '+';
            (void)pb_sim_driver(ctx, buf[0] ? buf + 1 : buf, sp ? sp + 1 : NULL, load);
        } else {
            int rc = pb_sim_ctl_line(ctx, p, len, reply, sizeof reply);
            if (strnlen(reply, sizeof reply) == sizeof reply) abort();
            if (strchr(reply, '\n')) abort();
            if (rc == 0 ? strncmp(reply, "ok", 2) != 0 : strncmp(reply, "err ", 4) != 0) abort();
        }
        struct pb_event ev;
        while (pb_next_event(ctx, &ev, 0) == 1) check_event(&ev);
        p = nl ? nl + 1 : end;
    }
    struct pb_slot_info info[3];
    if (pb_list_slots(ctx, info, 3) != 3) abort();
    for (int i = 0; i < 3; i++) {
        if (!info[i].present && (info[i].powered || info[i].nfunctions)) abort();
        for (int f = 0; f < info[i].nfunctions; f++)
            if (info[i].functions[f].ifname[0] && !info[i].functions[f].driver[0]) abort();
    }
    pb_close(ctx);
    return 0;
}

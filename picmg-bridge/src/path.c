/* Path supervision, the common part: the table of watched ports, their probe rounds on the wait
 * loop's clock, the verdicts and their events. How probes leave and answers come back is the
 * prober's business (struct pb_prober_ops). A port's first round begins when it is watched; every
 * later one falls on a grid shared by all ports, the multiples of the interval on the monotonic
 * clock. One wake-up thus begins the rounds of every port with that interval (and of every port
 * whose interval divides it) and hands them to the prober together, instead of one wake-up per
 * port. A late wake-up does not shift later rounds; rounds of the grid that passed while nobody
 * was waiting are skipped, never sent, and so counted neither way. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "path.h"

#define TARGETS_MAX_LEN 1024
#define MS 1000000u

static struct pb_paths *paths_of(pb_ctx *ctx) { return ctx->paths; }

static int find(const struct pb_paths *p, const char *ifname) {
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->w[i]->a.ifname, ifname) == 0) return i;
    return -1;
}

/* ---------- events ---------- */

static void fill_path_event(pb_ctx *ctx, const struct pb_path_watch *w, uint64_t now, struct pb_event *ev) {
    const struct pb_verdict *v = &w->v;
    memset(ev, 0, sizeof *ev);
    ev->type = PB_EV_PATH;
    ev->monotonic_ns = now;
    pb_strlcpy(ev->ifname, w->a.ifname, sizeof ev->ifname);
    if (ctx->ops->port_of) ctx->ops->port_of(ctx, w->a.ifname, ev);
    ev->carrier = v->state == 1;
    ev->rtt_ns = v->rtt_ns;
    ev->since_ns = pb_verdict_since(v);
    int t = v->last_target >= 0 ? v->last_target : 0;
    pb_strlcpy(ev->target, w->a.targets[t].text, sizeof ev->target);
}

static void emit_verdict(pb_ctx *ctx, struct pb_path_watch *w, uint64_t now) {
    struct pb_event ev;
    fill_path_event(ctx, w, now, &ev);
    pb_emit(ctx, &ev);
    const struct pb_prober_ops *ops = paths_of(ctx)->ops;
    if (ops->verdict_changed) ops->verdict_changed(ctx, w);
}

void pb_path_answer(pb_ctx *ctx, struct pb_path_watch *w, int t, uint64_t now) {
    uint32_t before = w->v.answered_mask;
    int changed = pb_verdict_answer(&w->v, t, now);
    if (w->v.answered_mask != before) paths_of(ctx)->last_answer_ns = now;
    if (changed) emit_verdict(ctx, w, now);
}

/* ---------- rounds ---------- */

static uint64_t interval_ns(const struct pb_path_watch *w) { return (uint64_t)w->a.interval_ms * MS; }

/* The first grid point after the round that was due at due and began at now, at least an
 * interval after due: the first round, off the grid, lasts one to two intervals, so that its
 * answers have at least an interval to come back. */
static uint64_t next_round(const struct pb_path_watch *w, uint64_t due, uint64_t now) {
    uint64_t step = interval_ns(w);
    uint64_t after = due + step - 1 > now ? due + step - 1 : now;
    return (after / step + 1) * step;
}

/* The kernel reports a carrier change up to a second late (linkwatch batches them), and a port
 * that is up without carrier takes probes without a word (they are dropped, not refused): a run of
 * misses that would bring a verdict down is checked against the carrier as it is now, and a port
 * without one says nothing about its path, as when its link event came in time. Enslaving a port
 * does exactly this to many drivers (the port is reset to take the bond's address). */
static int carrier_now(pb_ctx *ctx, const struct pb_path_watch *w) {
    const struct pb_prober_ops *ops = paths_of(ctx)->ops;
    return ops->carrier ? ops->carrier(ctx, w) : -1;
}

/* Nothing answered any port since this port's run of misses began, and other ports are probed:
 * a silence this machine's own more likely than every path's at once (its network receive work
 * waits behind other work under load: 130 to 200 ms seen in the lab's emulated chassis, every
 * port at once). The verdict waits, at most SILENCE_DOUBT_NS from the first miss: when any
 * port is answered again, or the wait is over, it falls as usual, dated from its first miss. A
 * port alone has nobody to compare with and is never doubted. */
#define SILENCE_DOUBT_NS (500u * MS)
static int silence_doubted(const struct pb_paths *p, const struct pb_path_watch *w, uint64_t now) {
    if (p->n < 2) return 0;
    uint64_t first = w->v.run_missed > 0 ? w->v.missed_since_ns : w->v.round_sent_ns;
    return p->last_answer_ns < first && now - first < SILENCE_DOUBT_NS;
}

static void run_due_rounds(pb_ctx *ctx, uint64_t now) {
    struct pb_paths *p = paths_of(ctx);
    struct pb_path_watch *due[PB_PATH_MAX_WATCHES];
    int n = 0;
    for (int i = 0; i < p->n; i++) {
        struct pb_path_watch *w = p->w[i];
        if (w->next_round_ns > now) continue;
        w->next_round_ns = next_round(w, w->next_round_ns, now);
        if (w->link == 0 || w->held) continue;
        if (pb_verdict_would_fall(&w->v) && carrier_now(ctx, w) == 0) pb_verdict_pause(&w->v);
        if (pb_verdict_would_fall(&w->v) && silence_doubted(p, w, now)) pb_verdict_round_doubted(&w->v, now);
        else if (pb_verdict_round(&w->v, now)) emit_verdict(ctx, w, now);
        due[n++] = w;
    }
    if (n > 0) p->ops->send(ctx, due, n, now);
}

void pb_paths_link(pb_ctx *ctx, const char *ifname, int carrier) {
    struct pb_paths *p = paths_of(ctx);
    int i = p ? find(p, ifname) : -1;
    if (i < 0) return;
    struct pb_path_watch *w = p->w[i];
    if (w->link == (carrier != 0)) return;
    w->link = carrier != 0;
    if (!w->link) pb_verdict_pause(&w->v);
}

/* ---------- with the wait loop ---------- */

/* Tells the prober of every group marked since the last time, once each. */
static void regroup_due(pb_ctx *ctx) {
    struct pb_paths *p = paths_of(ctx);
    for (int i = 0; i < p->n; i++) {
        if (!p->w[i]->regroup) continue;
        const char *group = p->w[i]->a.group;
        for (int j = i; j < p->n; j++)
            if (strcmp(p->w[j]->a.group, group) == 0) p->w[j]->regroup = 0;
        if (p->ops->group_changed) p->ops->group_changed(ctx, group);
    }
}

int pb_paths_pollfds(pb_ctx *ctx, struct pollfd *fds, int max, uint64_t *deadline_ns) {
    struct pb_paths *p = paths_of(ctx);
    regroup_due(ctx);
    for (int i = 0; i < p->n; i++)
        if (p->w[i]->next_round_ns < *deadline_ns) *deadline_ns = p->w[i]->next_round_ns;
    return p->ops->pollfds(ctx, fds, max, deadline_ns);
}

static int round_due(const struct pb_paths *p, uint64_t now) {
    for (int i = 0; i < p->n; i++)
        if (p->w[i]->next_round_ns <= now) return 1;
    return 0;
}

void pb_paths_dispatch(pb_ctx *ctx, const struct pollfd *fds, int n, uint64_t now) {
    struct pb_paths *p = paths_of(ctx);
    regroup_due(ctx); /* a port watched while the loop waited: its group's filters before its round */
    p->ops->dispatch(ctx, fds, n, now);
    /* Answers first: one that came before the round's end counts for that round. */
    if (!round_due(p, now)) return;
    p->ops->collect(ctx, now);
    run_due_rounds(ctx, now);
}

void pb_paths_snapshot(pb_ctx *ctx, uint64_t now) {
    struct pb_paths *p = paths_of(ctx);
    for (int i = 0; i < p->n; i++)
        if (p->w[i]->v.state >= 0) emit_verdict(ctx, p->w[i], now);
}

/* ---------- open, close ---------- */

static const struct pb_prober_ops *find_prober(pb_ctx *ctx, const char *name) {
    for (const struct pb_prober_ops *const *o = ctx->ops->probers; *o; o++)
        if (name == NULL || strcmp((*o)->name, name) == 0) return *o;
    return NULL;
}

static void prober_names(pb_ctx *ctx, char *buf, size_t len) {
    size_t off = 0;
    buf[0] = '\0';
    for (const struct pb_prober_ops *const *o = ctx->ops->probers; *o && off < len; o++) {
        int k = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", (*o)->name);
        off = k < 0 ? len : off + (size_t)k;
    }
}

int pb_paths_open(pb_ctx *ctx, struct pb_opts *opts, char *err, size_t errlen) {
    const char *name = pb_opts_get(opts, "paths");
    const struct pb_prober_ops *ops = find_prober(ctx, name);
    if (ops == NULL) {
        char names[64];
        prober_names(ctx, names, sizeof names);
        snprintf(err, errlen, "option paths: the %s backend takes paths=%s", ctx->ops->name, names);
        return -EINVAL;
    }
    struct pb_paths *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    p->ops = ops;
    ctx->paths = p;
    int rc = ops->open(ctx, opts, err, errlen);
    if (rc < 0) {
        free(p);
        ctx->paths = NULL;
    }
    return rc;
}

static void drop_watch(pb_ctx *ctx, int i) {
    struct pb_paths *p = paths_of(ctx);
    struct pb_path_watch *w = p->w[i];
    p->ops->detach(ctx, w);
    p->w[i] = p->w[--p->n];
    free(w);
}

void pb_paths_close(pb_ctx *ctx) {
    struct pb_paths *p = paths_of(ctx);
    if (p == NULL) return;
    while (p->n > 0) drop_watch(ctx, p->n - 1);
    p->ops->close(ctx);
    pb_closing_run(&p->closing);
    free(p);
    ctx->paths = NULL;
}

void pb_closing_add(struct pb_closing *c, int fd, void *map, size_t len) {
    if (c->n == PB_CLOSING_MAX) {
        if (map) munmap(map, len);
        close(fd);
        return;
    }
    c->fd[c->n] = fd;
    c->map[c->n] = map;
    c->len[c->n] = len;
    c->n++;
}

void pb_closing_run(struct pb_closing *c) {
    for (int i = 0; i < c->n; i++) {
        if (c->map[i]) munmap(c->map[i], c->len[i]);
        close(c->fd[i]);
    }
    c->n = 0;
}

void pb_paths_take_closing(pb_ctx *ctx, struct pb_closing *out) {
    struct pb_paths *p = paths_of(ctx);
    if (p == NULL) {
        out->n = 0;
        return;
    }
    *out = p->closing;
    p->closing.n = 0;
}

/* ---------- commands ---------- */

static int valid_ifname(const char *s) {
    size_t n = strnlen(s, PB_IFNAME_LEN);
    if (n == 0 || n >= PB_IFNAME_LEN || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == ':' || (unsigned char)s[i] >= 0x7f) return 0;
    return 1;
}

static int in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

static int parse_args(pb_ctx *ctx, const char *ifname, const char *group, const char *targets, int interval_ms,
                      int missed, int answered, struct pb_path_args *a) {
    memset(a, 0, sizeof *a); /* compared whole with memcmp: no stray bytes */
    if (ifname == NULL || !valid_ifname(ifname))
        return pb_fail(ctx, EINVAL, "ifname: an interface name of 1 to %d bytes expected", PB_IFNAME_LEN - 1);
    if (group == NULL || !valid_ifname(group))
        return pb_fail(ctx, EINVAL, "group: a bond name of 1 to %d bytes expected", PB_IFNAME_LEN - 1);
    if (!in_range(interval_ms, PB_PATH_INTERVAL_MIN, PB_PATH_INTERVAL_MAX))
        return pb_fail(ctx, EINVAL, "interval_ms: %d is not from %d to %d", interval_ms, PB_PATH_INTERVAL_MIN,
                       PB_PATH_INTERVAL_MAX);
    if (!in_range(missed, 1, PB_PATH_COUNT_MAX))
        return pb_fail(ctx, EINVAL, "missed: %d is not from 1 to %d", missed, PB_PATH_COUNT_MAX);
    if (!in_range(answered, 1, PB_PATH_COUNT_MAX))
        return pb_fail(ctx, EINVAL, "answered: %d is not from 1 to %d", answered, PB_PATH_COUNT_MAX);
    if (targets != NULL && strnlen(targets, TARGETS_MAX_LEN) == TARGETS_MAX_LEN)
        return pb_fail(ctx, EINVAL, "targets: longer than %d bytes", TARGETS_MAX_LEN - 1);
    char err[PB_ERR_LEN];
    int n = pb_path_parse_targets(targets, a->targets, err, sizeof err);
    if (n < 0) return pb_fail(ctx, -n, "%s", err);
    pb_strlcpy(a->ifname, ifname, sizeof a->ifname);
    pb_strlcpy(a->group, group, sizeof a->group);
    a->ntargets = n;
    a->interval_ms = interval_ms;
    a->missed = missed;
    a->answered = answered;
    return 0;
}

/* A fresh start: undecided, no counters, first round at once. */
static int start_watch(pb_ctx *ctx, struct pb_path_watch *w, const struct pb_path_args *a) {
    w->a = *a;
    pb_verdict_init(&w->v, a->missed, a->answered);
    w->link = ctx->ops->carrier_of ? ctx->ops->carrier_of(ctx, a->ifname) : -1;
    w->next_round_ns = pb_now_ns();
    return paths_of(ctx)->ops->attach(ctx, w);
}

/* Marks the group for regroup_due(): replacing a group's filters costs system calls (and a BPF
 * compilation each) that the thread watching or unwatching a port, had's core, need not wait for.
 * A group left with no port needs nothing. */
static void group_changed(pb_ctx *ctx, const char *group) {
    struct pb_paths *p = paths_of(ctx);
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->w[i]->a.group, group) == 0) p->w[i]->regroup = 1;
}

static int restart_watch(pb_ctx *ctx, int i, const struct pb_path_args *a) {
    struct pb_paths *p = paths_of(ctx);
    struct pb_path_watch *w = p->w[i];
    char old_group[PB_IFNAME_LEN];
    pb_strlcpy(old_group, w->a.group, sizeof old_group);
    p->ops->detach(ctx, w);
    int rc = start_watch(ctx, w, a);
    if (rc < 0) {
        p->w[i] = p->w[--p->n];
        free(w);
        rc = pb_fail(ctx, -rc, "%s: out of memory", a->ifname);
    }
    group_changed(ctx, old_group);
    if (rc == 0 && strcmp(old_group, a->group) != 0) group_changed(ctx, a->group);
    return rc;
}

static int add_watch(pb_ctx *ctx, const struct pb_path_args *a) {
    struct pb_paths *p = paths_of(ctx);
    if (p->n == PB_PATH_MAX_WATCHES)
        return pb_fail(ctx, ENOSPC, "%s: %d ports are watched already (the most a context takes)", a->ifname,
                       PB_PATH_MAX_WATCHES);
    struct pb_path_watch *w = calloc(1, sizeof *w);
    if (w == NULL || start_watch(ctx, w, a) < 0) {
        free(w);
        return pb_fail(ctx, ENOMEM, "%s: out of memory", a->ifname);
    }
    p->w[p->n++] = w;
    group_changed(ctx, a->group);
    return 0;
}

static int watch_locked(pb_ctx *ctx, const char *ifname, const char *group, const char *targets, int interval_ms,
                        int missed, int answered) {
    struct pb_path_args a;
    int rc = parse_args(ctx, ifname, group, targets, interval_ms, missed, answered, &a);
    if (rc < 0) return rc;
    int i = find(paths_of(ctx), a.ifname);
    if (i < 0) return add_watch(ctx, &a);
    if (memcmp(&paths_of(ctx)->w[i]->a, &a, sizeof a) == 0) return 0;
    return restart_watch(ctx, i, &a);
}

static int unwatch_locked(pb_ctx *ctx, const char *ifname) {
    struct pb_paths *p = paths_of(ctx);
    int i = ifname ? find(p, ifname) : -1;
    if (i < 0) return pb_fail(ctx, ENOENT, "%.16s: not watched", ifname ? ifname : "(null)");
    char group[PB_IFNAME_LEN];
    pb_strlcpy(group, p->w[i]->a.group, sizeof group);
    drop_watch(ctx, i);
    group_changed(ctx, group);
    return 0;
}

static int hold_locked(pb_ctx *ctx, const char *ifname, int held) {
    struct pb_paths *p = paths_of(ctx);
    int i = ifname ? find(p, ifname) : -1;
    if (i < 0) return pb_fail(ctx, ENOENT, "%.16s: not watched", ifname ? ifname : "(null)");
    p->w[i]->held = held != 0;
    pb_verdict_pause(&p->w[i]->v);
    return 0;
}

static void fill_info(const struct pb_path_watch *w, struct pb_path_info *o) {
    memset(o, 0, sizeof *o);
    pb_strlcpy(o->ifname, w->a.ifname, sizeof o->ifname);
    pb_strlcpy(o->group, w->a.group, sizeof o->group);
    o->state = w->v.state;
    o->interval_ms = w->a.interval_ms;
    o->rtt_ns = w->v.rtt_ns;
    o->rounds = w->v.rounds;
    o->answered = w->v.answered;
    o->changed_ns = w->v.changed_ns;
    if (w->v.last_target >= 0) pb_strlcpy(o->target, w->a.targets[w->v.last_target].text, sizeof o->target);
}

static int list_locked(pb_ctx *ctx, struct pb_path_info *out, int max) {
    struct pb_paths *p = paths_of(ctx);
    if (max < 0 || (max > 0 && out == NULL)) return pb_fail(ctx, EINVAL, "bad path info buffer");
    for (int i = 0; i < p->n && i < max; i++) fill_info(p->w[i], &out[i]);
    return p->n;
}

int pb_path_watch(pb_ctx *ctx, const char *ifname, const char *group, const char *targets, int interval_ms,
                  int missed, int answered) {
    if (ctx == NULL) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    int rc = watch_locked(ctx, ifname, group, targets, interval_ms, missed, answered);
    pthread_mutex_unlock(&ctx->lock);
    pb_wake(ctx);
    return rc;
}

/* The event thread is woken only when no port is left to probe (nothing else would wake it to
 * close the socket). Otherwise what an unwatch leaves to it, the socket's close and the group's new
 * filters, waits for its next round, at most an interval: woken at once, it would take the lock to
 * replace those filters (a BPF compilation per port) while had's core, unwatching a card's ports
 * one after the other before its power-off, waits on that lock for the next one. */
int pb_path_unwatch(pb_ctx *ctx, const char *ifname) {
    if (ctx == NULL) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    int rc = unwatch_locked(ctx, ifname);
    int none_left = paths_of(ctx)->n == 0;
    pthread_mutex_unlock(&ctx->lock);
    if (rc == 0 && none_left) pb_wake(ctx);
    return rc;
}

int pb_path_hold(pb_ctx *ctx, const char *ifname, int held) {
    if (ctx == NULL) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    int rc = hold_locked(ctx, ifname, held);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

int pb_path_list(pb_ctx *ctx, struct pb_path_info *out, int max) {
    if (ctx == NULL) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    int rc = list_locked(ctx, out, max);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

size_t pb_path_info_size(void) { return sizeof(struct pb_path_info); }

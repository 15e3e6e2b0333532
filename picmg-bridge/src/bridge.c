/* The context: backend selection, the event queue, the wait loop shared by every backend,
 * error messages. A command thread and the waiting thread meet on ctx->lock; the eventfd
 * wakes the waiting thread when a command changed something it must look at. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "pb_internal.h"

_Static_assert(sizeof(struct pb_function) == 40, "pb_function layout");
_Static_assert(sizeof(struct pb_event) == 472, "pb_event layout");
_Static_assert(sizeof(struct pb_path_info) == 120, "pb_path_info layout");
_Static_assert(sizeof(struct pb_slot_function) == 88, "pb_slot_function layout");
_Static_assert(sizeof(struct pb_slot_info) == 736, "pb_slot_info layout");

#define PB_QUEUE_DEFAULT 1024
#define PB_QUEUE_MIN 16
#define PB_QUEUE_MAX 65536
#define PB_MAX_POLLFDS 64

uint64_t pb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pb_strlcpy(char *dst, const char *src, size_t size) {
    if (size == 0) return;
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int pb_fail(pb_ctx *ctx, int err, const char *fmt, ...) {
    /* This thread's slot, else the one of the thread that failed longest ago. */
    pthread_t self = pthread_self();
    struct pb_err *e = NULL;
    for (int i = 0; i < PB_ERR_THREADS && !e; i++)
        if (ctx->err[i].seq && pthread_equal(ctx->err[i].owner, self)) e = &ctx->err[i];
    for (int i = 0; i < PB_ERR_THREADS && !e; i++)
        if (!ctx->err[i].seq) e = &ctx->err[i];
    if (!e) {
        e = &ctx->err[0];
        for (int i = 1; i < PB_ERR_THREADS; i++)
            if (ctx->err[i].seq < e->seq) e = &ctx->err[i];
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->owner = pthread_self();
    e->seq = ++ctx->err_seq;
    return -err;
}

void pb_wake(pb_ctx *ctx) {
    uint64_t one = 1;
    ssize_t r = write(ctx->wake_fd, &one, sizeof one);
    (void)r; /* EAGAIN: the counter is already non-zero, the waiter wakes anyway */
}

/* Doubles the queue, keeping the events in order. An inventory must fit whole, or the reader
 * would be sent to resync again forever and never see its end. */
static int grow_queue(pb_ctx *ctx) {
    size_t cap = ctx->qcap * 2;
    struct pb_event *q = calloc(cap, sizeof *q);
    if (q == NULL) return -ENOMEM;
    for (size_t i = 0; i < ctx->qlen; i++) q[i] = ctx->queue[(ctx->qhead + i) % ctx->qcap];
    free(ctx->queue);
    ctx->queue = q;
    ctx->qcap = cap;
    ctx->qhead = 0;
    return 0;
}

void pb_emit(pb_ctx *ctx, const struct pb_event *ev) {
    /* Every carrier change passes here, from whichever backend: the probe rounds follow it even
     * when the queue is full. */
    if (ev->type == PB_EV_LINK) pb_paths_link(ctx, ev->ifname, ev->carrier);
    if (ctx->qlen == ctx->qcap && !(ctx->snapshotting && grow_queue(ctx) == 0)) {
        ctx->overflowed = 1;
        return;
    }
    ctx->queue[(ctx->qhead + ctx->qlen) % ctx->qcap] = *ev;
    ctx->qlen++;
}

static void queue_resync(pb_ctx *ctx) {
    uint64_t now = pb_now_ns();
    ctx->qlen = 0;
    ctx->qhead = 0;
    ctx->overflowed = 0;
    /* The inventory first, then the marker: a consumer that sees PB_EV_RESYNC knows it has
     * been told everything present and may treat any slot it was not told about as empty. */
    ctx->snapshotting = 1;
    ctx->ops->snapshot(ctx, now);
    pb_paths_snapshot(ctx, now);
    struct pb_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = PB_EV_RESYNC;
    ev.monotonic_ns = now;
    pb_emit(ctx, &ev);
    ctx->snapshotting = 0;
}

static const struct pb_backend_ops *find_backend(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, pb_sim_ops.name) == 0) return &pb_sim_ops;
    if (strcmp(name, pb_kernel_ops.name) == 0) return &pb_kernel_ops;
    return NULL;
}

int pb_open_err(const char *backend, const char *options, pb_ctx **out, char *err, size_t errlen) {
    char scratch[PB_ERR_LEN];
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    if (out == NULL) {
        snprintf(err, errlen, "no place for the context");
        return -EINVAL;
    }
    *out = NULL;
    const struct pb_backend_ops *ops = find_backend(backend);
    if (ops == NULL) {
        snprintf(err, errlen, "unknown backend '%.32s' (sim or kernel)", backend ? backend : "(null)");
        return -EINVAL;
    }
    struct pb_opts *opts = calloc(1, sizeof *opts);
    pb_ctx *ctx = calloc(1, sizeof *ctx);
    if (opts == NULL || ctx == NULL) {
        free(opts);
        free(ctx);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    int rc = pb_opts_parse(options, opts, err, errlen);
    if (rc < 0) goto fail_early;
    unsigned long qcap = PB_QUEUE_DEFAULT;
    const char *q = pb_opts_get(opts, "queue");
    if (q && (pb_parse_uint(q, strlen(q), PB_QUEUE_MAX, &qcap) < 0 || qcap < PB_QUEUE_MIN)) {
        snprintf(err, errlen, "option queue: a number of events from %d to %d", PB_QUEUE_MIN, PB_QUEUE_MAX);
        rc = -EINVAL;
        goto fail_early;
    }
    ctx->ops = ops;
    ctx->qcap = qcap;
    ctx->queue = calloc(qcap, sizeof *ctx->queue);
    if (ctx->queue == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = -ENOMEM;
        goto fail_early;
    }
    ctx->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ctx->wake_fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        goto fail_queue;
    }
    if ((rc = pthread_mutex_init(&ctx->lock, NULL)) != 0) {
        snprintf(err, errlen, "mutex: %s", strerror(rc));
        rc = -rc;
        goto fail_fd;
    }
    rc = ops->open(ctx, opts, err, errlen);
    if (rc < 0) goto fail_mutex;
    rc = pb_paths_open(ctx, opts, err, errlen);
    if (rc < 0) {
        ops->close(ctx);
        goto fail_mutex;
    }
    rc = pb_opts_check_unused(opts, err, errlen);
    if (rc < 0) {
        pb_paths_close(ctx);
        ops->close(ctx);
        goto fail_mutex;
    }
    free(opts);
    *out = ctx;
    return 0;
fail_mutex:
    pthread_mutex_destroy(&ctx->lock);
fail_fd:
    close(ctx->wake_fd);
fail_queue:
    free(ctx->queue);
fail_early:
    free(opts);
    free(ctx);
    return rc;
}

int pb_open(const char *backend, const char *options, pb_ctx **out) {
    return pb_open_err(backend, options, out, NULL, 0);
}

void pb_close(pb_ctx *ctx) {
    if (ctx == NULL) return;
    pb_paths_close(ctx);
    ctx->ops->close(ctx);
    pthread_mutex_destroy(&ctx->lock);
    close(ctx->wake_fd);
    free(ctx->queue);
    free(ctx);
}

const char *pb_last_error(pb_ctx *ctx) {
    if (ctx == NULL) return "no context";
    /* This thread's newest message; else the newest at all. A buffer is rewritten only by a
     * later failure of its own thread, or when more than PB_ERR_THREADS threads fail. */
    pthread_mutex_lock(&ctx->lock);
    pthread_t self = pthread_self();
    const struct pb_err *best = NULL;
    for (int i = 0; i < PB_ERR_THREADS; i++)
        if (ctx->err[i].seq && pthread_equal(ctx->err[i].owner, self)) best = &ctx->err[i];
    if (!best) {
        best = &ctx->err[0];
        for (int i = 1; i < PB_ERR_THREADS; i++)
            if (ctx->err[i].seq > best->seq) best = &ctx->err[i];
    }
    const char *m = best->seq ? best->msg : "";
    pthread_mutex_unlock(&ctx->lock);
    return m;
}

static int pop(pb_ctx *ctx, struct pb_event *ev) {
    if (ctx->overflowed) queue_resync(ctx);
    if (ctx->qlen == 0) return 0;
    *ev = ctx->queue[ctx->qhead];
    ctx->qhead = (ctx->qhead + 1) % ctx->qcap;
    ctx->qlen--;
    return 1;
}

int pb_next_event(pb_ctx *ctx, struct pb_event *ev, int timeout_ms) {
    if (ctx == NULL) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    if (ctx->waiting) {
        int rc = pb_fail(ctx, EBUSY, "another thread is already waiting for events");
        pthread_mutex_unlock(&ctx->lock);
        return rc;
    }
    ctx->waiting = 1;
    int rc;
    if (ev == NULL) {
        rc = pb_fail(ctx, EINVAL, "no event buffer");
        goto out;
    }
    uint64_t now = pb_now_ns();
    uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : now + (uint64_t)timeout_ms * 1000000u;
    struct pollfd fds[PB_MAX_POLLFDS];
    for (;;) {
        /* Timers due, then whatever is queued. */
        ctx->ops->dispatch(ctx, fds, 0, now);
        pb_paths_dispatch(ctx, fds, 0, now);
        if (pop(ctx, ev)) {
            rc = 1;
            goto out;
        }
        if (now >= deadline || ctx->interrupted) {
            ctx->interrupted = 0;
            rc = 0;
            goto out;
        }
        fds[0].fd = ctx->wake_fd;
        fds[0].events = POLLIN;
        fds[0].revents = 0;
        uint64_t wake_at = deadline;
        int n = ctx->ops->pollfds(ctx, fds + 1, PB_MAX_POLLFDS - 1, &wake_at);
        int np = pb_paths_pollfds(ctx, fds + 1 + n, PB_MAX_POLLFDS - 1 - n, &wake_at);
        if (wake_at > deadline) wake_at = deadline;
        int wait_ms;
        if (wake_at == UINT64_MAX) wait_ms = -1;
        else if (wake_at <= now) wait_ms = 0;
        else {
            uint64_t ms = (wake_at - now + 999999u) / 1000000u;
            wait_ms = ms > 3600000u ? 3600000 : (int)ms;
        }
        struct pb_closing closing;
        pb_paths_take_closing(ctx, &closing);
        pthread_mutex_unlock(&ctx->lock);
        pb_closing_run(&closing);
        int pr = poll(fds, (nfds_t)(n + np + 1), wait_ms);
        int perr = errno;
        pthread_mutex_lock(&ctx->lock);
        now = pb_now_ns();
        if (pr < 0) {
            if (perr == EINTR) continue;
            rc = pb_fail(ctx, perr, "poll: %s", strerror(perr));
            goto out;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(ctx->wake_fd, &v, sizeof v);
            (void)r;
        }
        if (pr > 0) {
            ctx->ops->dispatch(ctx, fds + 1, n, now);
            pb_paths_dispatch(ctx, fds + 1 + n, np, now);
        }
    }
out:
    ctx->waiting = 0;
    struct pb_closing closing;
    pb_paths_take_closing(ctx, &closing);
    pthread_mutex_unlock(&ctx->lock);
    pb_closing_run(&closing);
    return rc;
}

static int check_ctx(pb_ctx *ctx) {
    return ctx == NULL ? -EINVAL : 0;
}

#define COMMAND(call)                                   \
    do {                                                \
        if (check_ctx(ctx) < 0) return -EINVAL;         \
        pthread_mutex_lock(&ctx->lock);                 \
        int rc_ = (call);                               \
        pthread_mutex_unlock(&ctx->lock);               \
        pb_wake(ctx);                                   \
        return rc_;                                     \
    } while (0)

int pb_slot_power(pb_ctx *ctx, int slot, int on) { COMMAND(ctx->ops->slot_power(ctx, slot, on != 0)); }

int pb_slot_led(pb_ctx *ctx, int slot, int on) { COMMAND(ctx->ops->slot_led(ctx, slot, on != 0)); }

int pb_slot_attention(pb_ctx *ctx, int slot, int on) { COMMAND(ctx->ops->slot_attention(ctx, slot, on != 0)); }

int pb_request_extraction(pb_ctx *ctx, int slot) { COMMAND(ctx->ops->request_extraction(ctx, slot)); }

int pb_list_slots(pb_ctx *ctx, struct pb_slot_info *out, int max) {
    if (check_ctx(ctx) < 0) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    int rc;
    if (max < 0 || (max > 0 && out == NULL)) rc = pb_fail(ctx, EINVAL, "bad slot buffer");
    else rc = ctx->ops->list_slots(ctx, out, max);
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

int pb_interrupt(pb_ctx *ctx) {
    if (check_ctx(ctx) < 0) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    ctx->interrupted = 1;
    pthread_mutex_unlock(&ctx->lock);
    pb_wake(ctx);
    return 0;
}

int pb_resync(pb_ctx *ctx) {
    if (check_ctx(ctx) < 0) return -EINVAL;
    pthread_mutex_lock(&ctx->lock);
    queue_resync(ctx);
    pthread_mutex_unlock(&ctx->lock);
    pb_wake(ctx);
    return 0;
}

static int no_sim_driver(pb_ctx *ctx) {
    return pb_fail(ctx, ENOTSUP, "the %s backend has no simulated drivers", ctx->ops->name);
}

int pb_sim_driver(pb_ctx *ctx, const char *module, const char *ids, int loaded) {
    COMMAND(ctx->ops->sim_driver ? ctx->ops->sim_driver(ctx, module, ids, loaded != 0) : no_sim_driver(ctx));
}

size_t pb_event_size(void) { return sizeof(struct pb_event); }

size_t pb_slot_info_size(void) { return sizeof(struct pb_slot_info); }

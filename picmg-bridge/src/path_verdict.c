/* The verdict of a path from its rounds: down after need_missed consecutive unanswered rounds,
 * up after need_answered consecutive answered ones, undecided before either. A round counts as
 * answered at its first answer (so an up verdict needs no wait for the round's end); it counts as
 * unanswered only when it ends without one. Time is an argument: the tests drive it by hand. */
#include <limits.h>
#include <string.h>

#include "path.h"

void pb_verdict_init(struct pb_verdict *v, int need_missed, int need_answered) {
    memset(v, 0, sizeof *v);
    v->need_missed = need_missed;
    v->need_answered = need_answered;
    v->state = -1;
    v->last_target = -1;
}

static int decide(struct pb_verdict *v, int state, uint64_t now) {
    if (v->state == state) return 0;
    v->state = state;
    v->changed_ns = now;
    return 1;
}

static void count_miss(struct pb_verdict *v) {
    if (v->run_missed == 0) v->missed_since_ns = v->round_sent_ns;
    if (v->run_missed < INT_MAX) v->run_missed++;
    v->run_answered = 0;
}

static int end_unanswered_round(struct pb_verdict *v, uint64_t now) {
    count_miss(v);
    return v->run_missed >= v->need_missed ? decide(v, 0, now) : 0;
}

static void begin_round(struct pb_verdict *v, uint64_t now) {
    v->round_open = 1;
    v->round_answered = 0;
    v->round_sent_ns = now;
    memset(v->sent_ns, 0, sizeof v->sent_ns);
    v->answered_mask = 0;
    v->rounds++;
}

int pb_verdict_round(struct pb_verdict *v, uint64_t now) {
    int changed = v->round_open && !v->round_answered ? end_unanswered_round(v, now) : 0;
    begin_round(v, now);
    return changed;
}

void pb_verdict_round_doubted(struct pb_verdict *v, uint64_t now) {
    if (v->round_open && !v->round_answered) count_miss(v);
    begin_round(v, now);
}

void pb_verdict_sent(struct pb_verdict *v, int t, uint64_t now) {
    if (v->round_open && t >= 0 && t < PB_MAX_TARGETS) v->sent_ns[t] = now ? now : 1;
}

static int count_answered_round(struct pb_verdict *v, uint64_t now) {
    v->round_answered = 1;
    v->answered++;
    if (v->run_answered == 0) v->answered_since_ns = now;
    if (v->run_answered < INT_MAX) v->run_answered++;
    v->run_missed = 0;
    return v->run_answered >= v->need_answered ? decide(v, 1, now) : 0;
}

int pb_verdict_answer(struct pb_verdict *v, int t, uint64_t now) {
    if (!v->round_open || t < 0 || t >= PB_MAX_TARGETS || v->sent_ns[t] == 0) return 0;
    uint32_t bit = 1u << t;
    if (v->answered_mask & bit) return 0; /* a duplicate: the first copy timed the round trip */
    v->answered_mask |= bit;
    v->rtt_ns = now > v->sent_ns[t] ? now - v->sent_ns[t] : 0;
    v->last_target = t;
    return v->round_answered ? 0 : count_answered_round(v, now);
}

void pb_verdict_pause(struct pb_verdict *v) {
    v->round_open = 0;
    v->run_missed = 0;
    v->run_answered = 0;
}

int pb_verdict_would_fall(const struct pb_verdict *v) {
    return v->round_open && !v->round_answered && v->state != 0 && v->run_missed + 1 >= v->need_missed;
}

uint64_t pb_verdict_since(const struct pb_verdict *v) {
    if (v->state == 1) return v->answered_since_ns;
    if (v->state == 0) return v->missed_since_ns;
    return 0;
}

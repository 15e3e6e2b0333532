/* libFuzzer target: the path prober's input side. The first byte picks what the rest is:
 *   even: a received frame, through pb_answer_parse and pb_answer_match against a group of three
 *         ports (the seeds are answers to them), then fed to a verdict as the prober would;
 *   odd:  a targets string for pb_path_parse_targets.
 * Invariants: a match names a peer and a target that exist and whose address is the answer's;
 * parsed targets are NUL-terminated text that parses back to the same address. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pb_path_target targets[3];
static struct pb_probe_peer peers[3];

static void setup(void) {
    static int done;
    char err[160];
    if (done) return;
    done = 1;
    if (pb_path_parse_targets("10.0.1.100,fd00::100,10.0.1.101", targets, err, sizeof err) != 3) abort();
    const uint8_t base[6] = {0x02, 0x1b, 0x21, 0xaa, 0xb9, 0xcf};
    for (int i = 0; i < 3; i++) {
        memcpy(peers[i].mac, base, 6);
        peers[i].mac[5] = (uint8_t)(base[5] + i);
        peers[i].targets = targets;
        peers[i].ntargets = 3 - i; /* the last peer probes 10.0.1.100 only */
    }
}

static void frame(const uint8_t *f, size_t len) {
    struct pb_answer a;
    int parsed = pb_answer_parse(f, len, &a);
    int peer = -1, t = -1;
    int matched = pb_answer_match(f, len, peers, 3, &peer, &t);
    if (matched && !parsed) abort();
    if (!matched) return;
    if (peer < 0 || peer >= 3 || t < 0 || t >= peers[peer].ntargets) abort();
    if (memcmp(a.dst, peers[peer].mac, 6) != 0 || targets[t].family != a.family) abort();
    if (memcmp(targets[t].addr, a.addr, a.family == AF_INET ? 4 : 16) != 0) abort();
    /* What the prober does with it: an answer for the round in progress. */
    struct pb_verdict v;
    pb_verdict_init(&v, 1, 1);
    pb_verdict_round(&v, 1000);
    pb_verdict_sent(&v, t, 1000);
    if (pb_verdict_answer(&v, t, 1500) != 1 || v.state != 1 || v.rtt_ns != 500) abort();
}

static void target_list(const uint8_t *s, size_t len) {
    char *str = malloc(len + 1);
    if (!str) return;
    memcpy(str, s, len);
    str[len] = '\0';
    struct pb_path_target t[PB_MAX_TARGETS];
    char err[160];
    int n = pb_path_parse_targets(str, t, err, sizeof err);
    if (n == 0 || n > PB_MAX_TARGETS) abort();
    if (n < 0 && memchr(err, '\0', sizeof err) == NULL) abort();
    for (int i = 0; i < n; i++) {
        uint8_t back[16];
        if (memchr(t[i].text, '\0', sizeof t[i].text) == NULL) abort();
        if (inet_pton(t[i].family, t[i].text, back) != 1) abort();
        if (memcmp(back, t[i].addr, t[i].family == AF_INET ? 4 : 16) != 0) abort();
    }
    free(str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    if (size == 0) return 0;
    /* A private copy of exactly the bytes: ASan sees any read past the end. */
    uint8_t *buf = malloc(size - 1 ? size - 1 : 1);
    if (!buf) return 0;
    memcpy(buf, data + 1, size - 1);
    if (data[0] & 1) target_list(buf, size - 1);
    else frame(buf, size - 1);
    free(buf);
    return 0;
}

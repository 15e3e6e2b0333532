/* The control-line parser and the options parser, as pure functions. */
#include <errno.h>

#include "check.h"
#include "ctl_parse.h"
#include "pb_internal.h"

static int parse(const char *line, struct pb_ctl_cmd *c, char *err) {
    return pb_ctl_parse(line, strlen(line), c, err, 128);
}

TEST(ctl_insert_short_and_long_ids) {
    struct pb_ctl_cmd c;
    char err[128];
    CHECK_INT(parse("insert 2 8086:10d3 2", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_INSERT);
    CHECK_INT(c.slot, 2);
    CHECK_INT(c.vendor, 0x8086);
    CHECK_INT(c.device, 0x10d3);
    CHECK_INT(c.subvendor, -1);
    CHECK_INT(c.subdevice, -1);
    CHECK_INT(c.ports, 2);
    CHECK_INT(parse("  insert\t16 8086:105E:1057:A5B2 1\r", &c, err), 0);
    CHECK_INT(c.slot, 16);
    CHECK_INT(c.device, 0x105e);
    CHECK_INT(c.subvendor, 0x1057);
    CHECK_INT(c.subdevice, 0xa5b2);
    CHECK_INT(c.ports, 1);
}

TEST(ctl_other_commands) {
    struct pb_ctl_cmd c;
    char err[128];
    CHECK_INT(parse("handle 12 open", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_HANDLE);
    CHECK_INT(c.on, 1);
    CHECK_INT(parse("handle 12 close", &c, err), 0);
    CHECK_INT(c.on, 0);
    CHECK_INT(parse("remove 255", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_REMOVE);
    CHECK_INT(c.slot, 255);
    CHECK_INT(parse("link 2 1 down", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_LINK);
    CHECK_INT(c.port, 1);
    CHECK_INT(c.on, 0);
    CHECK_INT(parse("leds 2", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_LEDS);
    CHECK_INT(parse("slots", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_SLOTS);
    CHECK_INT(parse("help", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_HELP);
    CHECK_INT(parse("quit", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_QUIT);
    CHECK_INT(parse("aer 12 1 correctable 25", &c, err), 0);
    CHECK_INT(c.op, PB_CTL_AER);
    CHECK_INT(c.slot, 12);
    CHECK_INT(c.port, 1);
    CHECK_INT(c.aer_kind, PB_AER_CORRECTABLE);
    CHECK_INT(c.count, 25);
    CHECK_INT(parse("aer 2 0 nonfatal 1", &c, err), 0);
    CHECK_INT(c.aer_kind, PB_AER_NONFATAL);
    CHECK_INT(parse("aer 2 0 fatal 1000000", &c, err), 0);
    CHECK_INT(c.aer_kind, PB_AER_FATAL);
    CHECK_INT(parse("aer 2 0 fatal 0", &c, err), -EINVAL);
    CHECK_STR(err, "bad error count (1..1000000)");
    CHECK_INT(parse("aer 2 0 fatal 1000001", &c, err), -EINVAL);
    CHECK_INT(parse("aer 2 0 bogus 1", &c, err), -EINVAL);
    CHECK_STR(err, "aer: correctable, nonfatal or fatal");
    CHECK_INT(parse("aer 2 8 fatal 1", &c, err), -EINVAL);
    CHECK_INT(parse("aer 2 0 fatal", &c, err), -EINVAL);
    CHECK_STR(err, "usage: aer SLOT PORT correctable|nonfatal|fatal COUNT");
}

TEST(ctl_rejects_malformed_lines) {
    struct pb_ctl_cmd c;
    char err[128];
    const char *bad[] = {
        "", "   ", "\r", "bogus", "INSERT 2 8086:10d3 2", "insert", "insert 2 8086:10d3", "insert 2 8086:10d3 2 x",
        "insert 0 8086:10d3 2", "insert 256 8086:10d3 2", "insert -2 8086:10d3 2", "insert +2 8086:10d3 2",
        "insert 2 8086-10d3 2", "insert 2 808:10d3 2", "insert 2 8086:10d3:1057 2", "insert 2 g086:10d3 2",
        "insert 2 8086:10d3 0", "insert 2 8086:10d3 9", "insert 2 8086:10d3 99999999999999999999",
        "handle 2", "handle 2 ajar", "handle x open", "link 2 8 up", "link 2 0 sideways", "link 2 0",
        "remove", "remove 2 3", "leds", "slots 2", "help me", "a b c d e f g h",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = parse(bad[i], &c, err);
        if (rc != -EINVAL) fprintf(stderr, "accepted: '%s'\n", bad[i]);
        CHECK_INT(rc, -EINVAL);
        CHECK(err[0] != '\0');
    }
}

TEST(ctl_rejects_binary_and_oversized) {
    struct pb_ctl_cmd c;
    char err[128];
    const char nul[] = "leds 2\0x";
    CHECK_INT(pb_ctl_parse(nul, sizeof nul - 1, &c, err, sizeof err), -EINVAL);
    CHECK_INT(parse("leds \x82", &c, err), -EINVAL);
    CHECK_INT(parse("leds\x7f 2", &c, err), -EINVAL);
    char big[PB_CTL_MAX_LINE + 2];
    memset(big, ' ', sizeof big);
    memcpy(big, "slots", 5);
    CHECK_INT(pb_ctl_parse(big, PB_CTL_MAX_LINE, &c, err, sizeof err), 0);
    CHECK_INT(pb_ctl_parse(big, PB_CTL_MAX_LINE + 1, &c, err, sizeof err), -EINVAL);
    CHECK_STR(err, "line too long");
    CHECK_INT(pb_ctl_parse(NULL, 0, &c, err, sizeof err), -EINVAL);
    /* A tiny error buffer is still terminated. */
    char tiny[4];
    CHECK_INT(pb_ctl_parse("bogus", 5, &c, tiny, sizeof tiny), -EINVAL);
    CHECK_INT((int)strlen(tiny), 3);
}

TEST(options_parse) {
    struct pb_opts o;
    char err[128];
    CHECK_INT(pb_opts_parse(" slots = 2,12 ;probe_ms=20;; socket=/run/had/sim.sock;", &o, err, sizeof err), 0);
    CHECK_INT(o.n, 3);
    CHECK_STR(pb_opts_get(&o, "slots"), "2,12");
    CHECK_STR(pb_opts_get(&o, "socket"), "/run/had/sim.sock");
    CHECK_INT(pb_opts_check_unused(&o, err, sizeof err), -EINVAL);
    CHECK_STR(err, "unknown option 'probe_ms'");
    CHECK_STR(pb_opts_get(&o, "probe_ms"), "20");
    CHECK_INT(pb_opts_check_unused(&o, err, sizeof err), 0);
    CHECK(pb_opts_get(&o, "nope") == NULL);
    CHECK_INT(pb_opts_parse(NULL, &o, err, sizeof err), 0);
    CHECK_INT(o.n, 0);
    CHECK_INT(pb_opts_parse("", &o, err, sizeof err), 0);
}

TEST(options_reject) {
    struct pb_opts o;
    char err[128];
    CHECK_INT(pb_opts_parse("slots", &o, err, sizeof err), -EINVAL);
    CHECK_INT(pb_opts_parse("=3", &o, err, sizeof err), -EINVAL);
    CHECK_INT(pb_opts_parse("Slots=3", &o, err, sizeof err), -EINVAL);
    CHECK_INT(pb_opts_parse("a=1;a=2", &o, err, sizeof err), -EINVAL);
    CHECK_STR(err, "option 'a' given twice");
    CHECK_INT(pb_opts_parse("a=\x01", &o, err, sizeof err), -EINVAL);
    char many[400] = "";
    for (int i = 0; i < 17; i++) snprintf(many + strlen(many), sizeof many - strlen(many), "k%d=1;", i);
    CHECK_INT(pb_opts_parse(many, &o, err, sizeof err), -EINVAL);
    char longkey[64];
    memset(longkey, 'k', 40);
    memcpy(longkey + 40, "=1", 3);
    CHECK_INT(pb_opts_parse(longkey, &o, err, sizeof err), -EINVAL);
    char longval[300] = "v=";
    memset(longval + 2, 'x', 280);
    longval[282] = '\0';
    CHECK_INT(pb_opts_parse(longval, &o, err, sizeof err), -EINVAL);
    char huge[1100];
    memset(huge, ';', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    CHECK_INT(pb_opts_parse(huge, &o, err, sizeof err), -EINVAL);
}

TEST(numbers_strict) {
    unsigned long v;
    int h;
    CHECK_INT(pb_parse_uint("255", 3, 255, &v), 0);
    CHECK_INT(v, 255);
    CHECK_INT(pb_parse_uint("256", 3, 255, &v), -EINVAL);
    CHECK_INT(pb_parse_uint("", 0, 255, &v), -EINVAL);
    CHECK_INT(pb_parse_uint("1x", 2, 255, &v), -EINVAL);
    CHECK_INT(pb_parse_uint("99999999999", 11, 4000000000ul, &v), -EINVAL);
    CHECK_INT(pb_parse_hex16("fFfF", 4, &h), 0);
    CHECK_INT(h, 0xffff);
    CHECK_INT(pb_parse_hex16("fff", 3, &h), -EINVAL);
    CHECK_INT(pb_parse_hex16("fffg", 4, &h), -EINVAL);
}

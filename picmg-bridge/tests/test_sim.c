/* The sim backend end to end: through the C API and through real control-socket connections. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "pb_internal.h"
#include "sim_rig.h"

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define DUAL_UP                                                                                    \
    "INSERTED 2 [0000:02:00.0 0000:02:00.1]; NETDEV+ 2 eth0 fn1; NETDEV+ 2 eth1 fn0; LINK 2 eth0 fn1 up; " \
    "LINK 2 eth1 fn0 up"

/* Opens the rig, loads e1000e, connects a client, inserts a dual card in slot 2 and drains. */
static int dual_in_slot2(struct rig *r, int *fd, int *pb_failed_) {
    char reply[256];
    CHECK_INT(rig_open(r, ""), 0);
    if (!r->ctx) return -1;
    CHECK_INT(pb_sim_driver(r->ctx, "e1000e", "8086:10d3,8086:105e", 1), 0);
    *fd = rig_connect(r);
    CHECK(*fd >= 0);
    CHECK_INT(rig_ctl(r, *fd, "insert 2 8086:105e 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    rig_drain(r, 50);
    CHECK_STR(rig_events(r), DUAL_UP);
    return 0;
}

TEST(sim_open_errors) {
    pb_ctx *ctx = (pb_ctx *)1;
    char err[256];
    CHECK_INT(pb_open_err("sim", "", &ctx, err, sizeof err), -EINVAL);
    CHECK(ctx == NULL);
    CHECK_STR(err, "option slots is required (e.g. slots=2,12,16)");
    CHECK_INT(pb_open_err("sim", "slots=2;colour=blue", &ctx, err, sizeof err), -EINVAL);
    CHECK_STR(err, "unknown option 'colour'");
    CHECK_INT(pb_open_err("sim", "slots=2,2", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=2,0", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=2,", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=2;probe_ms=-1", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=2;queue=3", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=2;idle_ms=9", &ctx, err, sizeof err), -EINVAL);
    CHECK_STR(err, "option idle_ms: milliseconds from 10 to 3600000");
    CHECK_INT(pb_open_err("sim", "slots=2;idle_ms=3600001", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("sim", "slots=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
                                 "30,31,32,33", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("pci", "", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err(NULL, "", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open_err("kernel", "poll_ms=x", &ctx, err, sizeof err), -EINVAL);
    CHECK_INT(pb_open("sim", "slots=2", NULL), -EINVAL);
    CHECK_INT(pb_open("sim", "slots=2;socket=/nonexistent-dir/x.sock", &ctx), -ENOENT);
    CHECK_INT(pb_open("sim", "slots=2;probe_ms=0;queue=16", &ctx), 0);
    pb_close(ctx);
    pb_close(NULL);
    CHECK_STR(pb_last_error(NULL), "no context");
    CHECK_INT(pb_next_event(NULL, NULL, 0), -EINVAL);
    CHECK_INT(pb_slot_power(NULL, 2, 1), -EINVAL);
    CHECK_INT((int)pb_event_size(), 472);
    CHECK_INT((int)pb_path_info_size(), 120);
    CHECK_INT((int)pb_slot_info_size(), 736);
}

TEST(sim_insert_dual_card_events_in_order) {
    struct rig r;
    int fd = -1;
    uint64_t before = now_ns();
    CHECK_INT(rig_open(&r, ""), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3,8086:105e", 1), 0);
    fd = rig_connect(&r);
    char reply[256];
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:105e:1057:a5b2 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    rig_drain(&r, 50);
    uint64_t after = now_ns();
    CHECK_INT(r.nev, 5);
    /* Every field of the first two events, then the sequence as text. */
    const struct pb_event *ins = &r.ev[0];
    CHECK_INT(ins->type, PB_EV_CARD_INSERTED);
    CHECK_INT(ins->slot, 2);
    CHECK_INT(ins->nfunctions, 2);
    CHECK_STR(ins->functions[1].address, "0000:02:00.1");
    CHECK_INT(ins->functions[1].function, 1);
    CHECK_INT(ins->functions[1].vendor, 0x8086);
    CHECK_INT(ins->functions[1].device, 0x105e);
    CHECK_INT(ins->functions[1].subvendor, 0x1057);
    CHECK_INT(ins->functions[1].subdevice, 0xa5b2);
    CHECK_INT(ins->functions[1].pci_class, 0x020000);
    CHECK(ins->monotonic_ns >= before && ins->monotonic_ns <= after);
    /* The driver probes probe_ms after the insertion. */
    CHECK(r.ev[1].monotonic_ns >= ins->monotonic_ns + 5000000u);
    for (int i = 1; i < r.nev; i++) CHECK(r.ev[i].monotonic_ns >= r.ev[i - 1].monotonic_ns);
    CHECK_STR(rig_events(&r), DUAL_UP);
    CHECK_INT(rig_ctl(&r, fd, "leds 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=1 led=0 attention=0 latch=closed present=1");
    CHECK_INT(rig_ctl(&r, fd, "slots", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok 2:present=1,power=1,led=0,attention=0,latch=closed,id=8086:105e:1057:a5b2,ports=2,"
                     "netdevs=eth1/eth0 12:present=0,power=0,led=0,attention=0,latch=closed "
                     "16:present=0,power=0,led=0,attention=0,latch=closed");
    struct pb_slot_info info[4];
    CHECK_INT(pb_list_slots(r.ctx, info, 4), 3);
    CHECK_INT(info[0].slot, 2);
    CHECK_INT(info[0].present, 1);
    CHECK_INT(info[0].powered, 1);
    CHECK_INT(info[0].nfunctions, 2);
    CHECK_STR(info[0].functions[0].driver, "e1000e");
    CHECK_STR(info[0].functions[0].ifname, "eth1");
    CHECK_STR(info[0].functions[1].ifname, "eth0");
    CHECK_INT(info[1].slot, 12);
    CHECK_INT(info[1].present, 0);
    CHECK_INT(pb_list_slots(r.ctx, info, 1), 3);
    CHECK_INT(pb_list_slots(r.ctx, NULL, 0), 3);
    CHECK_INT(pb_list_slots(r.ctx, NULL, 2), -EINVAL);
    close(fd);
    rig_close(&r);
}

TEST(sim_handle_open_close_power_off_remove) {
    struct rig r;
    int fd;
    char reply[256];
    if (dual_in_slot2(&r, &fd, pb_failed_) < 0) return;
    CHECK_INT(rig_ctl(&r, fd, "handle 2 open", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    CHECK_INT(rig_ctl(&r, fd, "handle 2 open", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 2: handle already open");
    CHECK_INT(rig_ctl(&r, fd, "handle 2 close", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "handle 2 open", reply, sizeof reply), 0);
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "EXTRACT 2; CANCEL 2; EXTRACT 2");
    /* What had does: power off, light the blue LED. */
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(pb_slot_led(r.ctx, 2, 1), 0);
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "NETDEV- 2 eth0 fn1; NETDEV- 2 eth1 fn0");
    CHECK_INT(rig_ctl(&r, fd, "leds 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=1 attention=0 latch=open present=1");
    /* Closing the handle of an unpowered card cancels nothing. */
    CHECK_INT(rig_ctl(&r, fd, "handle 2 close", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "handle 2 open", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "remove 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "REMOVED 2");
    CHECK_INT(rig_ctl(&r, fd, "leds 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    CHECK_INT(rig_ctl(&r, fd, "remove 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 2 is empty");
    close(fd);
    rig_close(&r);
}

TEST(sim_surprise_removal) {
    struct rig r;
    int fd;
    char reply[256];
    if (dual_in_slot2(&r, &fd, pb_failed_) < 0) return;
    CHECK_INT(rig_ctl(&r, fd, "link 2 0 down", reply, sizeof reply), 0);
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "LINK 2 eth1 fn0 down");
    CHECK_INT(rig_ctl(&r, fd, "remove 2", reply, sizeof reply), 0);
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "LINK 2 eth0 fn1 down; NETDEV- 2 eth0 fn1; NETDEV- 2 eth1 fn0; REMOVED 2");
    close(fd);
    rig_close(&r);
}

TEST(sim_link_down_up) {
    struct rig r;
    int fd;
    char reply[256];
    if (dual_in_slot2(&r, &fd, pb_failed_) < 0) return;
    CHECK_INT(rig_ctl(&r, fd, "link 2 1 down", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "link 2 1 down", reply, sizeof reply), 0); /* no change, no event */
    CHECK_INT(rig_ctl(&r, fd, "link 2 1 up", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "link 2 2 up", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 2 has 2 ports (0..1)");
    CHECK_INT(rig_ctl(&r, fd, "link 12 0 up", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 12 is empty");
    CHECK_INT(rig_ctl(&r, fd, "link 3 0 up", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 3: no such slot (slots 2,12,16)");
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "LINK 2 eth0 fn1 down; LINK 2 eth0 fn1 up");
    /* A link that is down when the driver probes is reported down. */
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(rig_ctl(&r, fd, "link 2 0 down", reply, sizeof reply), 0);
    CHECK_INT(pb_slot_power(r.ctx, 2, 1), 0);
    rig_drain(&r, 50);
    CHECK_STR(rig_events(&r), "NETDEV- 2 eth0 fn1; NETDEV- 2 eth1 fn0; INSERTED 2 [0000:02:00.0 0000:02:00.1]; "
                              "NETDEV+ 2 eth0 fn1; NETDEV+ 2 eth1 fn0; LINK 2 eth0 fn1 up; LINK 2 eth1 fn0 down");
    close(fd);
    rig_close(&r);
}

TEST(sim_driver_loaded_later_and_unloaded) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 16 8086:10d3 1", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "INSERTED 16 [0000:10:00.0]");
    /* A driver for other ids changes nothing. */
    CHECK_INT(pb_sim_driver(r.ctx, "tg3", "14e4:1644", 1), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "");
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0); /* already loaded: no-op */
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "NETDEV+ 16 eth0 fn0; LINK 16 eth0 fn0 up");
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", NULL, 0), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "NETDEV- 16 eth0 fn0");
    struct pb_slot_info info[3];
    CHECK_INT(pb_list_slots(r.ctx, info, 3), 3);
    CHECK_STR(info[2].functions[0].driver, "");
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", NULL, 0), -ENOENT);
    CHECK_STR(pb_last_error(r.ctx), "module e1000e is not loaded");
    CHECK_INT(pb_sim_driver(r.ctx, "bad name", "8086:10d3", 1), -EINVAL);
    CHECK_INT(pb_sim_driver(r.ctx, "x", "8086:10d", 1), -EINVAL);
    CHECK_INT(pb_sim_driver(r.ctx, "x", "", 1), -EINVAL);
    CHECK_INT(pb_sim_driver(r.ctx, "x", "8086:10d3,", 1), -EINVAL);
    CHECK_INT(pb_sim_driver(r.ctx, "x", NULL, 1), -EINVAL);
    /* Subsystem-specific ids match only that board. */
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3:1057:a5b2", 1), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "");
    close(fd);
    rig_close(&r);
}

TEST(sim_names_lowest_free_and_power_on_reruns_insertion) {
    struct rig r;
    int fd;
    char reply[256];
    if (dual_in_slot2(&r, &fd, pb_failed_) < 0) return;
    CHECK_INT(rig_ctl(&r, fd, "insert 12 8086:10d3 1", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "INSERTED 12 [0000:0c:00.0]; NETDEV+ 12 eth2 fn0; LINK 12 eth2 fn0 up");
    CHECK_INT(rig_ctl(&r, fd, "insert 12 8086:10d3 1", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 12 is occupied");
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(rig_ctl(&r, fd, "insert 16 8086:10d3 2", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "NETDEV- 2 eth0 fn1; NETDEV- 2 eth1 fn0; INSERTED 16 [0000:10:00.0 0000:10:00.1]; "
                              "NETDEV+ 16 eth0 fn1; NETDEV+ 16 eth1 fn0; LINK 16 eth0 fn1 up; LINK 16 eth1 fn0 up");
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0); /* already off: nothing */
    CHECK_INT(pb_slot_power(r.ctx, 2, 1), 0);
    CHECK_INT(pb_slot_power(r.ctx, 2, 1), 0); /* already on: nothing */
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "INSERTED 2 [0000:02:00.0 0000:02:00.1]; NETDEV+ 2 eth3 fn1; NETDEV+ 2 eth4 fn0; "
                              "LINK 2 eth3 fn1 up; LINK 2 eth4 fn0 up");
    CHECK_INT(pb_slot_power(r.ctx, 4, 1), -ENODEV);
    CHECK_STR(pb_last_error(r.ctx), "slot 4: no such slot (slots 2,12,16)");
    CHECK_INT(rig_ctl(&r, fd, "remove 16", reply, sizeof reply), 0);
    rig_drain(&r, 10);
    rig_events(&r);
    CHECK_INT(pb_slot_power(r.ctx, 16, 1), -ENODEV);
    CHECK_STR(pb_last_error(r.ctx), "slot 16 is empty: nothing to power on");
    close(fd);
    rig_close(&r);
}

TEST(sim_power_off_before_probe_cancels_it) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, "queue=64"), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    /* The line runs without pumping events, so the probe timer cannot fire before the power-off
     * however loaded the host is (a client's reply is pumped for, and may take longer than probe_ms). */
    const char line[] = "insert 2 8086:10d3 1";
    CHECK_INT(pb_sim_ctl_line(r.ctx, line, sizeof line - 1, reply, sizeof reply), 0);
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "INSERTED 2 [0000:02:00.0]");
    rig_close(&r);
}

TEST(sim_request_extraction_and_indicators) {
    struct rig r;
    int fd;
    char reply[256];
    if (dual_in_slot2(&r, &fd, pb_failed_) < 0) return;
    CHECK_INT(pb_request_extraction(r.ctx, 2), 0);
    CHECK_INT(pb_request_extraction(r.ctx, 12), -ENODEV);
    CHECK_STR(pb_last_error(r.ctx), "slot 12 is empty");
    CHECK_INT(pb_slot_attention(r.ctx, 12, 1), 0);
    CHECK_INT(pb_slot_attention(r.ctx, 13, 1), -ENODEV);
    CHECK_INT(pb_slot_led(r.ctx, 13, 1), -ENODEV);
    rig_drain(&r, 20);
    CHECK_STR(rig_events(&r), "EXTRACT 2");
    CHECK_INT(rig_ctl(&r, fd, "leds 12", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=1 latch=closed present=0");
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(pb_request_extraction(r.ctx, 2), -EALREADY);
    close(fd);
    rig_close(&r);
}

TEST(sim_control_protocol_errors_and_limits) {
    struct rig r;
    char reply[512];
    CHECK_INT(rig_open(&r, ""), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "bogus", reply, sizeof reply), 0);
    CHECK_STR(reply, "err unknown command (try help)");
    CHECK_INT(rig_ctl(&r, fd, "", reply, sizeof reply), 0);
    CHECK_STR(reply, "err empty command (try help)");
    CHECK_INT(rig_ctl(&r, fd, "help", reply, sizeof reply), 0);
    CHECK(strncmp(reply, "ok commands: insert SLOT", 24) == 0);
    /* Oversized line: one error, the rest of that line skipped, the next line served. */
    char big[2000];
    memset(big, 'x', sizeof big);
    CHECK_INT(rig_send(fd, big, sizeof big), 0);
    CHECK_INT(rig_reply(&r, fd, reply, sizeof reply), 0);
    CHECK_STR(reply, "err line too long (max 255 bytes)");
    CHECK_INT(rig_send(fd, "tail of the long line\n", 22), 0); /* ends the skipped line: no reply */
    CHECK_INT(rig_ctl(&r, fd, "leds 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    /* A line of exactly the maximum is served. */
    char max[300];
    memset(max, ' ', 255);
    memcpy(max, "slots", 5);
    max[255] = '\0';
    CHECK_INT(rig_ctl(&r, fd, max, reply, sizeof reply), 0);
    CHECK(strncmp(reply, "ok 2:", 5) == 0);
    /* Binary garbage and several commands in one write, with CRLF. */
    CHECK_INT(rig_send(fd, "le\x01" "ds 2\nleds 2\r\nleds 12\n", 24), 0);
    CHECK_INT(rig_reply(&r, fd, reply, sizeof reply), 0);
    CHECK_STR(reply, "err unexpected byte (printable ASCII only)");
    CHECK_INT(rig_reply(&r, fd, reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    CHECK_INT(rig_reply(&r, fd, reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    /* A command split across writes. */
    CHECK_INT(rig_send(fd, "le", 2), 0);
    rig_drain(&r, 5);
    CHECK_INT(rig_ctl(&r, fd, "ds 16", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    CHECK_INT(rig_ctl(&r, fd, "quit", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok bye");
    CHECK_INT(rig_reply(&r, fd, reply, sizeof reply), -1); /* closed by the server */
    close(fd);
    rig_close(&r);
}

TEST(sim_two_clients_and_client_limit) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int a = rig_connect(&r), b = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, a, "insert 2 8086:10d3 1", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    CHECK_INT(rig_ctl(&r, b, "leds 2", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=1 led=0 attention=0 latch=closed present=1");
    close(a); /* one client leaving does not disturb the other */
    CHECK_INT(rig_ctl(&r, b, "handle 2 open", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok");
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "INSERTED 2 [0000:02:00.0]; NETDEV+ 2 eth0 fn0; LINK 2 eth0 fn0 up; EXTRACT 2");
    int extra[17];
    for (int i = 0; i < 17; i++) extra[i] = rig_connect(&r);
    rig_drain(&r, 20);
    /* b + 15 of them fit; the 17th new one is told and closed. */
    CHECK_INT(rig_reply(&r, extra[16], reply, sizeof reply), 0);
    CHECK_STR(reply, "err too many clients");
    CHECK_INT(rig_ctl(&r, extra[14], "leds 16", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    for (int i = 0; i < 17; i++) close(extra[i]);
    close(b);
    rig_close(&r);
}

/* Forgotten connections do not hold the simulator's places for ever: 16 clients, idle or stuck
 * half-way through a line, are told and closed after idle_ms; a client that keeps sending lines
 * is not, and a newcomer is served once the idle ones are gone. */
TEST(sim_idle_clients_time_out_and_free_their_places) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, "idle_ms=200"), 0);
    int fds[16];
    for (int i = 0; i < 16; i++) fds[i] = rig_connect(&r);
    CHECK_INT(rig_send(fds[1], "lea", 3), 0); /* half a line, never finished */
    rig_drain(&r, 20);
    int late = rig_connect(&r);
    CHECK_INT(rig_reply(&r, late, reply, sizeof reply), 0);
    CHECK_STR(reply, "err too many clients");
    close(late);
    uint64_t t0 = now_ns();
    while (now_ns() - t0 < 600000000u) { /* 3 idle times: fds[0] makes progress, the others not */
        CHECK_INT(rig_ctl(&r, fds[0], "leds 2", reply, sizeof reply), 0);
        CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
        rig_drain(&r, 40);
    }
    CHECK_INT(rig_ctl(&r, fds[0], "leds 12", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    close(fds[0]);
    for (int i = 1; i < 16; i++) {
        CHECK_INT(rig_reply(&r, fds[i], reply, sizeof reply), 0);
        CHECK_STR(reply, "err idle: no complete line for 200 ms; closing");
        CHECK_INT(rig_reply(&r, fds[i], reply, sizeof reply), -1);
        close(fds[i]);
    }
    int fresh = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fresh, "leds 16", reply, sizeof reply), 0);
    CHECK_STR(reply, "ok power=0 led=0 attention=0 latch=closed present=0");
    close(fresh);
    rig_close(&r);
}

/* One reply for every line, however many are pipelined: 10,000 lines written as fast as the
 * socket takes them, the replies first left unread until both directions are full (the simulator
 * must hold back, not drop the client), then read while the rest is written. */
TEST(sim_pipelined_lines_each_get_one_reply) {
    enum { LINES = 10000 };
    static const char line[] = "leds 2\n";
    static const char expect[] = "ok power=0 led=0 attention=0 latch=closed present=0";
    struct rig r;
    CHECK_INT(rig_open(&r, ""), 0);
    int fd = rig_connect(&r);
    CHECK(fd >= 0);
    if (fd < 0) return;
    size_t total = (size_t)LINES * (sizeof line - 1), sent = 0;
    char *all = malloc(total);
    CHECK(all != NULL);
    if (all == NULL) return;
    for (size_t i = 0; i < LINES; i++) memcpy(all + i * (sizeof line - 1), line, sizeof line - 1);
    int replies = 0, wrong = 0, broken = 0, stalled = 0;
    char got[128];
    size_t gotlen = 0;
    uint64_t t0 = now_ns();
    struct pb_event ev;
    while (replies < LINES && !broken && now_ns() - t0 < 20000000000u) {
        (void)pb_next_event(r.ctx, &ev, 1);
        if (sent < total) {
            ssize_t w = send(fd, all + sent, total - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0) {
                sent += (size_t)w;
                stalled = 0;
            } else if (w < 0 && errno != EAGAIN) {
                broken = 1;
            } else {
                stalled++;
            }
        }
        if (stalled < 50 && sent < total) continue; /* not reading yet: let both directions fill */
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) broken = 1;
        for (ssize_t k = 0; k < n; k++) {
            if (buf[k] != '\n') {
                if (gotlen + 1 < sizeof got) got[gotlen++] = buf[k];
                continue;
            }
            got[gotlen] = '\0';
            if (strcmp(got, expect) != 0) wrong++;
            gotlen = 0;
            replies++;
        }
    }
    CHECK_INT(broken, 0);
    CHECK_INT(sent, total);
    CHECK_INT(replies, LINES);
    CHECK_INT(wrong, 0);
    free(all);
    close(fd);
    rig_close(&r);
}

TEST(sim_socket_stale_live_and_not_a_socket) {
    struct rig r;
    CHECK_INT(rig_open(&r, ""), 0);
    pb_ctx *other = NULL;
    char opts[200], err[256];
    snprintf(opts, sizeof opts, "slots=2;socket=%s", r.path);
    CHECK_INT(pb_open_err("sim", opts, &other, err, sizeof err), -EADDRINUSE);
    rig_close(&r);
    struct stat st;
    CHECK(stat(r.path, &st) < 0); /* removed on close */
    /* A stale socket (its server died without unlinking) is replaced. */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", r.path);
    CHECK_INT(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    close(s);
    CHECK_INT(pb_open("sim", opts, &other), 0);
    pb_close(other);
    /* A file that is not a socket is left alone. */
    FILE *f = fopen(r.path, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    CHECK_INT(pb_open_err("sim", opts, &other, err, sizeof err), -EEXIST);
    CHECK(stat(r.path, &st) == 0);
    unlink(r.path);
}

TEST(sim_queue_overflow_resyncs_with_full_state) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, "queue=16"), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:10d3 2", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    rig_events(&r);
    for (int i = 0; i < 20; i++) {
        CHECK_INT(pb_request_extraction(r.ctx, 2), 0);
    }
    CHECK_INT(pb_slot_attention(r.ctx, 16, 1), 0);
    rig_drain(&r, 10);
    CHECK_STR(rig_events(&r), "INSERTED 2 [0000:02:00.0 0000:02:00.1]; NETDEV+ 2 eth0 fn1; NETDEV+ 2 eth1 fn0; "
                              "LINK 2 eth0 fn1 up; LINK 2 eth1 fn0 up; RESYNC");
    CHECK_INT(pb_resync(r.ctx), 0);
    rig_drain(&r, 10);
    CHECK_INT(r.nev, 6);
    CHECK_INT(r.ev[5].type, PB_EV_RESYNC);
    rig_events(&r);
    close(fd);
    rig_close(&r);
}

/* What a restarted reader is told: a card left powered off is off, an open handle is a request. */
TEST(sim_inventory_tells_cards_off_and_open_handles) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:10d3 1", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "insert 12 8086:10d3 1", reply, sizeof reply), 0);
    rig_drain(&r, 50);
    CHECK_INT(pb_slot_power(r.ctx, 2, 0), 0);
    CHECK_INT(rig_ctl(&r, fd, "handle 12 open", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    rig_events(&r);
    CHECK_INT(pb_resync(r.ctx), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "OFF 2 [0000:02:00.0]; INSERTED 12 [0000:0c:00.0]; NETDEV+ 12 eth1 fn0; "
                              "LINK 12 eth1 fn0 up; EXTRACT 12; RESYNC");
    /* The request stands: closing the handle cancels it. */
    CHECK_INT(rig_ctl(&r, fd, "handle 12 close", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_STR(rig_events(&r), "CANCEL 12");
    close(fd);
    rig_close(&r);
}

/* The simulated AER counters: one event per command, the new errors and the totals. */
TEST(sim_aer_errors) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "e1000e", "8086:10d3", 1), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 12 8086:10d3 2", reply, sizeof reply), 0);
    rig_drain(&r, 50);
    rig_events(&r);
    CHECK_INT(rig_ctl(&r, fd, "aer 12 1 correctable 4", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "aer 12 1 correctable 3", reply, sizeof reply), 0);
    CHECK_INT(rig_ctl(&r, fd, "aer 12 0 nonfatal 1", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_INT(r.nev, 3);
    CHECK_INT(r.ev[1].type, PB_EV_AER);
    CHECK_INT(r.ev[1].slot, 12);
    CHECK_STR(r.ev[1].functions[0].address, "0000:0c:00.1");
    CHECK(r.ev[1].aer_new[PB_AER_CORRECTABLE] == 3 && r.ev[1].aer_total[PB_AER_CORRECTABLE] == 7);
    CHECK(r.ev[2].aer_new[PB_AER_NONFATAL] == 1 && r.ev[2].aer_new[PB_AER_CORRECTABLE] == 0);
    CHECK_STR(r.ev[2].functions[0].address, "0000:0c:00.0");
    rig_events(&r);
    CHECK_INT(rig_ctl(&r, fd, "aer 12 2 fatal 1", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 12 has 2 ports (0..1)");
    CHECK_INT(pb_slot_power(r.ctx, 12, 0), 0);
    CHECK_INT(rig_ctl(&r, fd, "aer 12 0 fatal 1", reply, sizeof reply), 0);
    CHECK_STR(reply, "err slot 12 is powered off");
    close(fd);
    rig_close(&r);
}

struct waiter_arg {
    pb_ctx *ctx;
    int rc;
    struct pb_event ev;
    uint64_t woke_at;
};

static void *waiter(void *p) {
    struct waiter_arg *a = p;
    a->rc = pb_next_event(a->ctx, &a->ev, -1);
    a->woke_at = now_ns();
    return NULL;
}

TEST(sim_command_from_other_thread_wakes_waiter) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, ""), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:10d3 1", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    rig_events(&r);
    struct waiter_arg a = {r.ctx, 0, {0}, 0};
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, waiter, &a), 0);
    struct timespec ms50 = {0, 50000000};
    nanosleep(&ms50, NULL);
    /* A second waiter is refused, and told why. */
    struct pb_event ev;
    CHECK_INT(pb_next_event(r.ctx, &ev, 0), -EBUSY);
    CHECK_STR(pb_last_error(r.ctx), "another thread is already waiting for events");
    uint64_t asked = now_ns();
    CHECK_INT(pb_request_extraction(r.ctx, 2), 0);
    pthread_join(t, NULL);
    CHECK_INT(a.rc, 1);
    CHECK_INT(a.ev.type, PB_EV_EXTRACT_REQUEST);
    CHECK_INT(a.ev.slot, 2);
    CHECK(a.woke_at - asked < 1000000000u);
    close(fd);
    rig_close(&r);
}

static void *long_waiter(void *p) {
    struct waiter_arg *a = p;
    a->rc = pb_next_event(a->ctx, &a->ev, 5000);
    a->woke_at = now_ns();
    return NULL;
}

/* A long wait is stopped by pb_interrupt (5 s, not forever, so that a broken interrupt fails the
 * test instead of hanging it); one asked before anybody waits stops the next wait, and only that. */
TEST(sim_interrupt_stops_the_waiter) {
    struct rig r;
    CHECK_INT(rig_open(&r, ""), 0);
    rig_drain(&r, 10);
    struct waiter_arg a = {r.ctx, -1, {0}, 0};
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, long_waiter, &a), 0);
    struct timespec ms50 = {0, 50000000};
    nanosleep(&ms50, NULL);
    uint64_t asked = now_ns();
    CHECK_INT(pb_interrupt(r.ctx), 0);
    pthread_join(t, NULL);
    CHECK_INT(a.rc, 0);
    CHECK(a.woke_at - asked < 1000000000u);
    CHECK_INT(pb_interrupt(r.ctx), 0);
    struct pb_event ev;
    uint64_t t0 = now_ns();
    CHECK_INT(pb_next_event(r.ctx, &ev, 5000), 0);
    CHECK(now_ns() - t0 < 1000000000u);
    t0 = now_ns();
    CHECK_INT(pb_next_event(r.ctx, &ev, 50), 0); /* a timeout again */
    CHECK(now_ns() - t0 >= 40000000u);
    CHECK_INT(pb_interrupt(NULL), -EINVAL);
    rig_close(&r);
}

struct hammer_arg {
    pb_ctx *ctx;
    int stop;
    int events;
};

static void *hammer_reader(void *p) {
    struct hammer_arg *a = p;
    struct pb_event ev;
    while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE))
        if (pb_next_event(a->ctx, &ev, 5) == 1) a->events++;
    return NULL;
}

TEST(sim_commands_race_the_waiter) {
    pb_ctx *ctx;
    CHECK_INT(pb_open("sim", "slots=2,12;probe_ms=0", &ctx), 0);
    CHECK_INT(pb_sim_driver(ctx, "e1000e", "8086:10d3", 1), 0);
    struct hammer_arg a = {ctx, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, hammer_reader, &a);
    int fails = 0;
    for (int i = 0; i < 2000; i++) {
        if (pb_slot_power(ctx, 2, i & 1) < 0 && (i & 1)) fails++; /* empty: -ENODEV each time */
        if (pb_slot_led(ctx, 12, i & 1) < 0) fails += 1000;
        struct pb_slot_info info[2];
        if (pb_list_slots(ctx, info, 2) != 2) fails += 1000;
    }
    __atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    CHECK_INT(fails, 1000);
    pb_close(ctx);
}

struct failer_arg {
    pb_ctx *ctx;
    char msg[256];
};

static void *failer(void *p) {
    struct failer_arg *a = p;
    (void)pb_slot_power(a->ctx, 99, 1);
    snprintf(a->msg, sizeof a->msg, "%s", pb_last_error(a->ctx));
    return NULL;
}

TEST(sim_last_error_is_per_thread) {
    pb_ctx *ctx;
    CHECK_INT(pb_open("sim", "slots=2", &ctx), 0);
    CHECK_STR(pb_last_error(ctx), "");
    CHECK_INT(pb_slot_power(ctx, 2, 1), -ENODEV);
    struct failer_arg a = {ctx, ""};
    pthread_t t;
    pthread_create(&t, NULL, failer, &a);
    pthread_join(t, NULL);
    CHECK_STR(a.msg, "slot 99: no such slot (slots 2)");
    CHECK_STR(pb_last_error(ctx), "slot 2 is empty: nothing to power on");
    pb_close(ctx);
}

/* An inventory larger than the queue still arrives whole, ended by RESYNC: otherwise the reader
 * would be sent back to resync forever. Three 8-port cards: 3 x (1 + 8 + 8) = 51 events > 16. */
TEST(sim_inventory_larger_than_the_queue_arrives_whole) {
    struct rig r;
    char reply[256];
    CHECK_INT(rig_open(&r, "queue=16"), 0);
    CHECK_INT(pb_sim_driver(r.ctx, "igb", "8086:1521", 1), 0);
    int fd = rig_connect(&r);
    CHECK_INT(rig_ctl(&r, fd, "insert 2 8086:1521 8", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_INT(rig_ctl(&r, fd, "insert 12 8086:1521 8", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    CHECK_INT(rig_ctl(&r, fd, "insert 16 8086:1521 8", reply, sizeof reply), 0);
    rig_drain(&r, 30);
    rig_events(&r);
    CHECK_INT(pb_resync(r.ctx), 0);
    rig_drain(&r, 30);
    CHECK_INT(r.nev, 52);
    CHECK_INT(r.ev[0].type, PB_EV_CARD_INSERTED);
    CHECK_INT(r.ev[r.nev - 1].type, PB_EV_RESYNC);
    rig_events(&r);
    close(fd);
    rig_close(&r);
}

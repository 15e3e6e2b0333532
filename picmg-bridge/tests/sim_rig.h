/* Test rig for the sim backend: a context, a control-socket client, and the events seen so far
 * rendered as one readable string ("INSERTED 2 [0000:02:00.0 0000:02:00.1]; NETDEV+ 2 eth0 fn1"). */
#ifndef PB_SIM_RIG_H
#define PB_SIM_RIG_H

#include <stddef.h>

#include "picmg_bridge.h"

#define RIG_MAX_EVENTS 512

struct rig {
    pb_ctx *ctx;
    char path[108];
    int nev;
    struct pb_event ev[RIG_MAX_EVENTS];
    char text[16384];
};

/* Opens "sim" with slots=2,12,16;probe_ms=5;socket=<tmp> plus extra options (may be ""). */
int rig_open(struct rig *r, const char *extra);
void rig_close(struct rig *r);
int rig_connect(const struct rig *r);
/* Sends one line (adds '\n'), pumps events until the reply line arrives (or 3 s pass). */
int rig_ctl(struct rig *r, int fd, const char *line, char *reply, size_t len);
/* Sends raw bytes as they are. */
int rig_send(int fd, const char *bytes, size_t len);
/* Reads one reply line while pumping events. */
int rig_reply(struct rig *r, int fd, char *reply, size_t len);
/* Pumps events until none arrives for quiet_ms. */
void rig_drain(struct rig *r, int quiet_ms);
/* The events collected since the last call, rendered and separated by "; "; resets the list. */
const char *rig_events(struct rig *r);
const char *pb_event_name(int type);

#endif

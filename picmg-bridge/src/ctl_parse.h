/* The sim control protocol's line parser: a pure function, no I/O, no allocation. */
#ifndef PB_CTL_PARSE_H
#define PB_CTL_PARSE_H

#include <stddef.h>

#define PB_CTL_MAX_LINE 255 /* bytes of one command, without its '\n' */
#define PB_CTL_MAX_PORTS 8

enum pb_ctl_op {
    PB_CTL_INSERT = 1, /* insert SLOT VVVV:DDDD[:SVVV:SDDD] PORTS */
    PB_CTL_HANDLE,     /* handle SLOT open|close */
    PB_CTL_REMOVE,     /* remove SLOT */
    PB_CTL_LINK,       /* link SLOT PORT up|down */
    PB_CTL_LEDS,       /* leds SLOT */
    PB_CTL_SLOTS,      /* slots */
    PB_CTL_HELP,       /* help */
    PB_CTL_QUIT,       /* quit */
    PB_CTL_PATH,       /* path SLOT PORT up|down */
    PB_CTL_AER         /* aer SLOT PORT correctable|nonfatal|fatal COUNT */
};

#define PB_CTL_MAX_AER 1000000 /* errors one aer command reports */

struct pb_ctl_cmd {
    enum pb_ctl_op op;
    int slot;      /* 1..255 */
    int port;      /* link, path: 0..7 */
    int on;        /* handle: 1 open; link, path: 1 up */
    int vendor, device, subvendor, subdevice; /* subsystem ids -1 when not given */
    int ports;     /* insert: 1..8 */
    int aer_kind;  /* aer: enum pb_aer_kind */
    int count;     /* aer: 1..PB_CTL_MAX_AER */
};

/* Parses one line of len bytes (no '\n'; a trailing '\r' is ignored; need not be NUL-terminated).
 * 0 and *cmd filled, or -EINVAL with a one-line reason in err (always NUL-terminated). */
int pb_ctl_parse(const char *line, size_t len, struct pb_ctl_cmd *cmd, char *err, size_t errlen);

#endif

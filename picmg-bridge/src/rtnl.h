/* rtnl: parse RTM_NEWLINK / RTM_DELLINK messages (struct nlmsghdr + struct ifinfomsg + IFLA_*
 * attributes) out of a buffer received from a NETLINK_ROUTE socket (RTNLGRP_LINK notifications or
 * an RTM_GETLINK dump). Several messages per buffer; every length is checked against the bytes
 * actually there; the buffer needs no alignment. No global state. */
#ifndef PB_RTNL_H
#define PB_RTNL_H

#include <stddef.h>
#include <stdint.h>

#define PB_RTNL_IFNAME_MAX 16 /* IFNAMSIZ */

struct pb_rtnl_link {
    uint16_t type;     /* RTM_NEWLINK or RTM_DELLINK */
    uint16_t nlflags;  /* nlmsg_flags (NLM_F_MULTI in dumps) */
    uint32_t seq;      /* nlmsg_seq (0 for notifications) */
    uint8_t family;    /* ifi_family: AF_UNSPEC, or AF_BRIDGE for bridge-port duplicates */
    int ifindex;       /* ifi_index */
    unsigned flags;    /* ifi_flags (IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ...) */
    unsigned change;   /* ifi_change */
    char ifname[PB_RTNL_IFNAME_MAX]; /* IFLA_IFNAME, "" when absent */
    int carrier;       /* IFLA_CARRIER if present, else IFF_LOWER_UP: 0 or 1 */
    int has_carrier_attr;
    int operstate;     /* IFLA_OPERSTATE (IF_OPER_UP = 6, ...), -1 when absent */
    int master;        /* IFLA_MASTER ifindex (the bond or bridge), 0 when absent or none */
    int has_master;    /* IFLA_MASTER present (a DELLINK/NEWLINK without it says nothing) */
};

/* Walks the messages of buf[0..len) starting at *off (0 for a fresh buffer) and stops at the next
 * link message. Returns:
 *    1  *link holds it; *off points past it
 *    0  no more link messages (end of buffer, or NLMSG_DONE); *off == len
 *   <0  -EBADMSG for a message whose header lies about its length (*off = len: no resync is
 *       possible) or a link message with a truncated ifinfomsg or a truncated / malformed attribute
 *       (*off is past it: call again for the rest); the negative errno an NLMSG_ERROR carries
 *       (*off past it; ACKs, errno 0, are skipped); -ENOBUFS for NLMSG_OVERRUN; -EINVAL for NULL
 *       arguments or *off > len.
 * Other message types (addresses, routes, NOOP) are skipped. */
int pb_rtnl_next(const void *buf, size_t len, size_t *off, struct pb_rtnl_link *link);

/* One link message: the `len` bytes at msg (nlmsghdr included, nlmsg_len <= len). 0, -EBADMSG,
 * -ENOMSG if it is not RTM_NEWLINK/RTM_DELLINK, -EINVAL for NULL arguments. */
int pb_rtnl_parse_link(const void *msg, size_t len, struct pb_rtnl_link *link);

#endif

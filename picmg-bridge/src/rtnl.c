/* rtnl: bounded parser for rtnetlink link messages. See rtnl.h. */
#include "rtnl.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#define HDR_LEN  NLMSG_HDRLEN                              /* 16 */
#define BODY_OFF NLMSG_LENGTH(sizeof(struct ifinfomsg))    /* 32: attributes start here */

static size_t align4(size_t n) { return (n + 3u) & ~(size_t)3u; }

static int parse_attrs(const unsigned char *p, size_t len, struct pb_rtnl_link *l) {
    size_t off = 0;
    while (off < len) {
        if (len - off < sizeof(struct rtattr)) return -EBADMSG;
        struct rtattr rta;
        memcpy(&rta, p + off, sizeof rta);
        if (rta.rta_len < sizeof rta || rta.rta_len > len - off) return -EBADMSG;
        const unsigned char *v = p + off + sizeof rta;
        size_t vn = rta.rta_len - sizeof rta;
        switch (rta.rta_type & NLA_TYPE_MASK) {
        case IFLA_IFNAME: {
            const unsigned char *nul = memchr(v, '\0', vn);
            if (!nul || nul == v || (size_t)(nul - v) >= sizeof l->ifname) return -EBADMSG;
            memcpy(l->ifname, v, (size_t)(nul - v) + 1);
            break;
        }
        case IFLA_CARRIER:
            if (vn != 1) return -EBADMSG;
            l->carrier = v[0] ? 1 : 0;
            l->has_carrier_attr = 1;
            break;
        case IFLA_OPERSTATE:
            if (vn != 1) return -EBADMSG;
            l->operstate = v[0];
            break;
        case IFLA_MASTER: {
            uint32_t m;
            if (vn != sizeof m) return -EBADMSG;
            memcpy(&m, v, sizeof m);
            if (m > 0x7fffffffu) return -EBADMSG;
            l->master = (int)m;
            l->has_master = 1;
            break;
        }
        default:
            break;
        }
        size_t step = align4(rta.rta_len);
        off = step > len - off ? len : off + step; /* the last attribute may lack its padding */
    }
    return 0;
}

int pb_rtnl_parse_link(const void *msg, size_t len, struct pb_rtnl_link *link) {
    if (!msg || !link) return -EINVAL;
    memset(link, 0, sizeof *link);
    link->operstate = -1;
    const unsigned char *p = msg;
    struct nlmsghdr h;
    if (len < HDR_LEN) return -EBADMSG;
    memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < HDR_LEN || h.nlmsg_len > len) return -EBADMSG;
    if (h.nlmsg_type != RTM_NEWLINK && h.nlmsg_type != RTM_DELLINK) return -ENOMSG;
    if (h.nlmsg_len < BODY_OFF) return -EBADMSG;
    struct ifinfomsg ifi;
    memcpy(&ifi, p + HDR_LEN, sizeof ifi);
    if (ifi.ifi_index <= 0) return -EBADMSG;
    link->type = h.nlmsg_type;
    link->nlflags = h.nlmsg_flags;
    link->seq = h.nlmsg_seq;
    link->family = ifi.ifi_family;
    link->ifindex = ifi.ifi_index;
    link->flags = ifi.ifi_flags;
    link->change = ifi.ifi_change;
    link->carrier = (ifi.ifi_flags & IFF_LOWER_UP) ? 1 : 0;
    int r = parse_attrs(p + BODY_OFF, h.nlmsg_len - BODY_OFF, link);
    if (r < 0) {
        memset(link, 0, sizeof *link);
        link->operstate = -1;
    }
    return r;
}

int pb_rtnl_next(const void *buf, size_t len, size_t *off, struct pb_rtnl_link *link) {
    if (!buf || !off || !link || *off > len) return -EINVAL;
    const unsigned char *p = buf;
    while (*off < len) {
        size_t rest = len - *off;
        struct nlmsghdr h;
        if (rest < HDR_LEN) {
            *off = len;
            return -EBADMSG;
        }
        memcpy(&h, p + *off, sizeof h);
        if (h.nlmsg_len < HDR_LEN || h.nlmsg_len > rest) {
            *off = len;
            return -EBADMSG;
        }
        const unsigned char *m = p + *off;
        size_t step = align4(h.nlmsg_len);
        *off = step > rest ? len : *off + step;
        switch (h.nlmsg_type) {
        case NLMSG_DONE:
            *off = len;
            return 0;
        case NLMSG_ERROR: {
            struct nlmsgerr e;
            if (h.nlmsg_len < NLMSG_LENGTH(sizeof e.error)) return -EBADMSG;
            memcpy(&e.error, m + HDR_LEN, sizeof e.error);
            if (e.error == 0) continue; /* ACK */
            if (e.error > 0 || e.error < -4095) return -EBADMSG;
            return e.error;
        }
        case NLMSG_OVERRUN:
            return -ENOBUFS;
        case RTM_NEWLINK:
        case RTM_DELLINK: {
            int r = pb_rtnl_parse_link(m, h.nlmsg_len, link);
            return r < 0 ? r : 1;
        }
        default:
            continue;
        }
    }
    return 0;
}

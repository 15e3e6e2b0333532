/* rtnetlink link messages built byte by byte: fields, several messages per buffer, dumps,
 * errors, truncation everywhere. */
#include "check.h"
#include "rtnl.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct nlbuf {
    unsigned char b[4096];
    size_t len;
    size_t msg; /* offset of the message being built */
};

static void msg_begin(struct nlbuf *nb, uint16_t type, uint16_t flags, uint32_t seq) {
    nb->len = (nb->len + 3) & ~(size_t)3;
    nb->msg = nb->len;
    struct nlmsghdr h = {.nlmsg_len = 0, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq};
    memcpy(nb->b + nb->len, &h, sizeof h);
    nb->len += sizeof h;
}

static void put(struct nlbuf *nb, const void *p, size_t n) {
    memcpy(nb->b + nb->len, p, n);
    nb->len += n;
}

static void ifinfo(struct nlbuf *nb, int index, unsigned flags) {
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = flags, .ifi_change = ~0u};
    put(nb, &ifi, sizeof ifi);
}

static void attr(struct nlbuf *nb, uint16_t type, const void *p, size_t n) {
    nb->len = (nb->len + 3) & ~(size_t)3;
    struct rtattr a = {.rta_len = (unsigned short)(sizeof a + n), .rta_type = type};
    put(nb, &a, sizeof a);
    put(nb, p, n);
}

static void attr_u8(struct nlbuf *nb, uint16_t type, uint8_t v) { attr(nb, type, &v, 1); }
static void attr_u32(struct nlbuf *nb, uint16_t type, uint32_t v) { attr(nb, type, &v, 4); }
static void attr_str(struct nlbuf *nb, uint16_t type, const char *s) { attr(nb, type, s, strlen(s) + 1); }

static void msg_end(struct nlbuf *nb) {
    uint32_t l = (uint32_t)(nb->len - nb->msg);
    memcpy(nb->b + nb->msg, &l, sizeof l);
    nb->len = (nb->len + 3) & ~(size_t)3; /* padding after, as the kernel sends it */
}

/* A full RTM_NEWLINK for eth1 enslaved to bond0 (ifindex 7), carrier up. */
static void newlink_eth1(struct nlbuf *nb) {
    msg_begin(nb, RTM_NEWLINK, 0, 0);
    ifinfo(nb, 3, IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_SLAVE | IFF_LOWER_UP);
    attr_str(nb, IFLA_IFNAME, "eth1");
    attr_u32(nb, IFLA_MTU, 1500);
    attr_u8(nb, IFLA_OPERSTATE, IF_OPER_UP);
    attr_u32(nb, IFLA_MASTER, 7);
    attr_u8(nb, IFLA_CARRIER, 1);
    attr(nb, IFLA_LINKINFO | NLA_F_NESTED, "\x08\x00\x01\x00bond", 8);
    msg_end(nb);
}

TEST(rtnl_newlink_fields) {
    struct nlbuf nb = {0};
    newlink_eth1(&nb);
    size_t off = 0;
    struct pb_rtnl_link l;
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.type, RTM_NEWLINK);
    CHECK_INT(l.ifindex, 3);
    CHECK_STR(l.ifname, "eth1");
    CHECK_INT(l.carrier, 1);
    CHECK_INT(l.has_carrier_attr, 1);
    CHECK_INT(l.operstate, IF_OPER_UP);
    CHECK_INT(l.master, 7);
    CHECK_INT(l.has_master, 1);
    CHECK(l.flags & IFF_SLAVE);
    CHECK_INT(off, nb.len);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 0);
    CHECK_INT(pb_rtnl_parse_link(nb.b, nb.len, &l), 0);
    CHECK_STR(l.ifname, "eth1");
}

TEST(rtnl_carrier_from_flags_and_attr) {
    struct nlbuf nb = {0};
    struct pb_rtnl_link l;
    size_t off = 0;
    /* No IFLA_CARRIER: IFF_LOWER_UP decides. */
    msg_begin(&nb, RTM_NEWLINK, 0, 0);
    ifinfo(&nb, 4, IFF_UP | IFF_LOWER_UP);
    msg_end(&nb);
    msg_begin(&nb, RTM_NEWLINK, 0, 0);
    ifinfo(&nb, 4, IFF_UP);
    msg_end(&nb);
    /* IFLA_CARRIER wins over the flags. */
    msg_begin(&nb, RTM_NEWLINK, 0, 0);
    ifinfo(&nb, 4, IFF_UP | IFF_LOWER_UP);
    attr_u8(&nb, IFLA_CARRIER, 0);
    msg_end(&nb);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.carrier, 1);
    CHECK_INT(l.has_carrier_attr, 0);
    CHECK_INT(l.operstate, -1);
    CHECK_INT(l.has_master, 0);
    CHECK_STR(l.ifname, "");
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.carrier, 0);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.carrier, 0);
    CHECK_INT(l.has_carrier_attr, 1);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 0);
}

TEST(rtnl_dump_with_other_types_and_done) {
    struct nlbuf nb = {0};
    struct pb_rtnl_link l;
    size_t off = 0;
    msg_begin(&nb, RTM_NEWADDR, NLM_F_MULTI, 9); /* skipped */
    put(&nb, "\x02\x18\x00\x00\x03\x00\x00\x00", 8);
    msg_end(&nb);
    msg_begin(&nb, NLMSG_NOOP, 0, 9);
    msg_end(&nb);
    msg_begin(&nb, RTM_DELLINK, NLM_F_MULTI, 9);
    ifinfo(&nb, 5, 0);
    attr_str(&nb, IFLA_IFNAME, "eth2");
    attr_u32(&nb, IFLA_MASTER, 0); /* released */
    msg_end(&nb);
    msg_begin(&nb, NLMSG_ERROR, 0, 9); /* an ACK */
    put(&nb, "\0\0\0\0", 4);
    msg_end(&nb);
    msg_begin(&nb, NLMSG_DONE, NLM_F_MULTI, 9);
    put(&nb, "\0\0\0\0", 4);
    msg_end(&nb);
    size_t done_at = nb.len;
    newlink_eth1(&nb); /* after DONE: not reported */
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.type, RTM_DELLINK);
    CHECK_INT(l.seq, 9);
    CHECK_INT(l.nlflags, NLM_F_MULTI);
    CHECK_STR(l.ifname, "eth2");
    CHECK_INT(l.has_master, 1);
    CHECK_INT(l.master, 0);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 0);
    CHECK_INT(off, nb.len);
    CHECK(done_at < nb.len);
}

TEST(rtnl_error_message) {
    struct nlbuf nb = {0};
    struct pb_rtnl_link l;
    size_t off = 0;
    msg_begin(&nb, NLMSG_ERROR, 0, 1);
    int32_t e = -EPERM;
    put(&nb, &e, 4);
    put(&nb, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    msg_end(&nb);
    newlink_eth1(&nb);
    msg_begin(&nb, NLMSG_ERROR, 0, 1); /* truncated nlmsgerr */
    put(&nb, "\0\0", 2);
    msg_end(&nb);
    msg_begin(&nb, NLMSG_ERROR, 0, 1); /* a positive "errno" */
    e = 5;
    put(&nb, &e, 4);
    msg_end(&nb);
    msg_begin(&nb, NLMSG_OVERRUN, 0, 1);
    msg_end(&nb);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EPERM);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1); /* the caller can go on */
    CHECK_INT(l.ifindex, 3);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EBADMSG);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EBADMSG);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -ENOBUFS);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 0);
}

TEST(rtnl_truncated_buffers) {
    struct nlbuf nb = {0};
    struct pb_rtnl_link l;
    newlink_eth1(&nb);
    /* Every cut of the buffer is an error or end, never a read past it (ASan watches). */
    for (size_t cut = 0; cut < nb.len; cut++) {
        unsigned char *copy = malloc(cut ? cut : 1);
        memcpy(copy, nb.b, cut);
        size_t off = 0;
        int r = pb_rtnl_next(copy, cut, &off, &l);
        CHECK(cut == 0 ? r == 0 : r == -EBADMSG);
        CHECK_INT(off, cut);
        free(copy);
    }
    /* A header that claims more than there is. */
    size_t off = 0;
    CHECK_INT(pb_rtnl_next(nb.b, 20, &off, &l), -EBADMSG);
    CHECK_INT(off, 20);
    /* nlmsg_len smaller than a header: cannot resync. */
    uint32_t bad = 8;
    memcpy(nb.b, &bad, 4);
    off = 0;
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EBADMSG);
    CHECK_INT(off, nb.len);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 0);
    /* NULLs and a bad offset. */
    off = nb.len + 1;
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EINVAL);
    CHECK_INT(pb_rtnl_next(NULL, 0, &off, &l), -EINVAL);
    CHECK_INT(pb_rtnl_parse_link(nb.b, nb.len, NULL), -EINVAL);
}

TEST(rtnl_bad_link_bodies) {
    struct pb_rtnl_link l;
    struct nlbuf nb;
    size_t off;
#define ONE(build, expect)                                       \
    do {                                                         \
        memset(&nb, 0, sizeof nb);                               \
        build;                                                   \
        off = 0;                                                 \
        CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), expect); \
        CHECK_INT(off, nb.len);                                  \
    } while (0)
    /* ifinfomsg cut short inside the message. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), put(&nb, "\0\0\0\0\3\0\0\0", 8), msg_end(&nb)), -EBADMSG);
    /* ifindex 0 / negative. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 0, 0), msg_end(&nb)), -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, -2, 0), msg_end(&nb)), -EBADMSG);
    /* Attribute longer than the message. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), put(&nb, "\x40\x00\x03\x00eth1", 8),
         msg_end(&nb)),
        -EBADMSG);
    /* rta_len below the attribute header. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), put(&nb, "\x02\x00\x03\x00", 4), msg_end(&nb)),
        -EBADMSG);
    /* 2 stray bytes after the last attribute. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), put(&nb, "\x05\x00", 2), msg_end(&nb)),
        -EBADMSG);
    /* Name without NUL, empty name, name of 16 characters. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr(&nb, IFLA_IFNAME, "eth1", 4), msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_str(&nb, IFLA_IFNAME, ""), msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_str(&nb, IFLA_IFNAME, "abcdefghijklmnop"),
         msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_str(&nb, IFLA_IFNAME, "abcdefghijklmno"),
         msg_end(&nb)),
        1);
    CHECK_STR(l.ifname, "abcdefghijklmno");
    /* Wrong payload sizes. */
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_u32(&nb, IFLA_CARRIER, 1), msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr(&nb, IFLA_OPERSTATE, "", 0), msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_u8(&nb, IFLA_MASTER, 1), msg_end(&nb)),
        -EBADMSG);
    ONE((msg_begin(&nb, RTM_NEWLINK, 0, 0), ifinfo(&nb, 3, 0), attr_u32(&nb, IFLA_MASTER, 0x80000000u),
         msg_end(&nb)),
        -EBADMSG);
    CHECK_INT(l.ifindex, 0); /* reset after an error */
    /* The last attribute without its padding is fine. */
    memset(&nb, 0, sizeof nb);
    msg_begin(&nb, RTM_NEWLINK, 0, 0);
    ifinfo(&nb, 3, 0);
    attr_u8(&nb, IFLA_OPERSTATE, IF_OPER_DOWN);
    uint32_t l5 = (uint32_t)(nb.len - nb.msg);
    memcpy(nb.b + nb.msg, &l5, 4);
    off = 0;
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_INT(l.operstate, IF_OPER_DOWN);
    CHECK_INT(pb_rtnl_parse_link(nb.b, 8, &l), -EBADMSG);
#undef ONE
}

TEST(rtnl_bad_message_then_good_one) {
    /* A broken link message does not hide the next one. */
    struct nlbuf nb = {0};
    struct pb_rtnl_link l;
    size_t off = 0;
    msg_begin(&nb, RTM_NEWLINK, 0, 0);
    ifinfo(&nb, 3, 0);
    attr(&nb, IFLA_IFNAME, "x", 1);
    msg_end(&nb);
    newlink_eth1(&nb);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), -EBADMSG);
    CHECK_INT(pb_rtnl_next(nb.b, nb.len, &off, &l), 1);
    CHECK_STR(l.ifname, "eth1");
    /* Unaligned buffer. */
    static unsigned char un[4096 + 1];
    memcpy(un + 1, nb.b, nb.len);
    off = 0;
    CHECK_INT(pb_rtnl_next(un + 1, nb.len, &off, &l), -EBADMSG);
    CHECK_INT(pb_rtnl_next(un + 1, nb.len, &off, &l), 1);
    CHECK_INT(l.master, 7);
    /* Not a link message. */
    memset(&nb, 0, sizeof nb);
    msg_begin(&nb, RTM_NEWADDR, 0, 0);
    ifinfo(&nb, 3, 0);
    msg_end(&nb);
    CHECK_INT(pb_rtnl_parse_link(nb.b, nb.len, &l), -ENOMSG);
}

/* uevent parser: every field, every malformation, hand-written payloads. */
#include "check.h"
#include "uevent.h"

#include <errno.h>
#include <stdlib.h>

/* A literal with explicit "\0" separators; the datagram is everything but the literal's own NUL. */
#define MSG(lit) (lit), (sizeof(lit) - 1)

TEST(uevent_pci_add_all_fields) {
    struct pb_uevent ev;
    int r = pb_uevent_parse(MSG("add@/devices/pci0000:00/0000:00:1c.0/0000:01:00.1\0"
                                "ACTION=add\0"
                                "DEVPATH=/devices/pci0000:00/0000:00:1c.0/0000:01:00.1\0"
                                "SUBSYSTEM=pci\0"
                                "PCI_CLASS=20000\0"
                                "PCI_ID=8086:10D3\0"
                                "PCI_SUBSYS_ID=8086:A01f\0"
                                "PCI_SLOT_NAME=0000:01:00.1\0"
                                "MODALIAS=pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00\0"
                                "SEQNUM=1234\0"),
                            &ev);
    CHECK_INT(r, 0);
    CHECK_INT(ev.action, PB_UEVENT_ADD);
    CHECK_STR(ev.devpath, "/devices/pci0000:00/0000:00:1c.0/0000:01:00.1");
    CHECK_STR(ev.subsystem, "pci");
    CHECK_INT(ev.pci_class, 0x020000);
    CHECK_INT(ev.pci_vendor, 0x8086);
    CHECK_INT(ev.pci_device, 0x10d3);
    CHECK_INT(ev.pci_subsys_vendor, 0x8086);
    CHECK_INT(ev.pci_subsys_device, 0xa01f);
    CHECK_STR(ev.pci_slot_name, "0000:01:00.1");
    CHECK_INT(ev.seqnum, 1234);
    CHECK_INT(ev.unknown_keys, 1);
    CHECK_INT(ev.have, PB_UEV_HAVE_SUBSYSTEM | PB_UEV_HAVE_PCI_CLASS | PB_UEV_HAVE_PCI_ID |
                           PB_UEV_HAVE_PCI_SUBSYS_ID | PB_UEV_HAVE_PCI_SLOT_NAME |
                           PB_UEV_HAVE_SEQNUM);
    CHECK_INT(ev.ifindex, 0);
    CHECK_STR(ev.interface, "");
}

TEST(uevent_net_add_interface_ifindex) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("add@/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/net/eth1\0"
                                  "ACTION=add\0"
                                  "DEVPATH=/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/net/eth1\0"
                                  "SUBSYSTEM=net\0INTERFACE=eth1\0IFINDEX=3\0SEQNUM=18446744073709551615\0"),
                              &ev),
              0);
    CHECK_STR(ev.subsystem, "net");
    CHECK_STR(ev.interface, "eth1");
    CHECK_INT(ev.ifindex, 3);
    CHECK(ev.seqnum == UINT64_MAX);
    CHECK(ev.have & PB_UEV_HAVE_INTERFACE);
    CHECK(ev.have & PB_UEV_HAVE_IFINDEX);
}

TEST(uevent_bind_driver_devtype) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("bind@/devices/pci0000:00/0000:00:1c.0/0000:01:00.0\0"
                                  "ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:1c.0/0000:01:00.0\0"
                                  "SUBSYSTEM=pci\0DRIVER=e1000e\0DEVTYPE=thing\0SEQNUM=7\0"),
                              &ev),
              0);
    CHECK_INT(ev.action, PB_UEVENT_BIND);
    CHECK_STR(ev.driver, "e1000e");
    CHECK_STR(ev.devtype, "thing");
}

TEST(uevent_every_action) {
    static const char *names[] = {"add", "remove", "change", "move", "online", "offline", "bind", "unbind"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char buf[128];
        int n = snprintf(buf, sizeof buf, "%s@/devices/x", names[i]);
        struct pb_uevent ev;
        CHECK_INT(pb_uevent_parse(buf, (size_t)n + 1, &ev), 0);
        CHECK_STR(pb_uevent_action_name(ev.action), names[i]);
        CHECK_INT(ev.action, pb_uevent_action_from(names[i], strlen(names[i])));
    }
    CHECK_STR(pb_uevent_action_name(PB_UEVENT_UNKNOWN), "unknown");
    CHECK_STR(pb_uevent_action_name((enum pb_uevent_action)99), "unknown");
    CHECK_INT(pb_uevent_action_from("ad", 2), PB_UEVENT_UNKNOWN);
    CHECK_INT(pb_uevent_action_from("addx", 4), PB_UEVENT_UNKNOWN);
    CHECK_INT(pb_uevent_action_from(NULL, 0), PB_UEVENT_UNKNOWN);
}

TEST(uevent_move_devpath_old) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("move@/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/net/lan0\0"
                                  "ACTION=move\0DEVPATH_OLD=/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/net/eth1\0"
                                  "SUBSYSTEM=net\0INTERFACE=lan0\0IFINDEX=3\0"),
                              &ev),
              0);
    CHECK_INT(ev.action, PB_UEVENT_MOVE);
    CHECK_STR(ev.devpath_old, "/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/net/eth1");
    CHECK(ev.have & PB_UEV_HAVE_DEVPATH_OLD);
}

TEST(uevent_header_only_and_padding) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("remove@/devices/x\0"), &ev), 0);
    CHECK_INT(ev.have, 0);
    /* Stray empty strings are tolerated. */
    CHECK_INT(pb_uevent_parse(MSG("remove@/devices/x\0\0\0SUBSYSTEM=pci\0\0"), &ev), 0);
    CHECK_STR(ev.subsystem, "pci");
}

TEST(uevent_libudev_skipped) {
    struct pb_uevent ev;
    static const char udev[] = "libudev\0\xfe\xed\xca\xfe" "garbage";
    CHECK_INT(pb_uevent_parse(udev, sizeof udev - 1, &ev), -ENOMSG);
    CHECK_INT(pb_uevent_parse(MSG("libudev"), &ev), -ENOMSG);
}

TEST(uevent_null_and_sizes) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(NULL, 4, &ev), -EINVAL);
    CHECK_INT(pb_uevent_parse("add@/x", 7, NULL), -EINVAL);
    CHECK_INT(pb_uevent_parse("", 0, &ev), -EMSGSIZE);
    char *big = calloc(1, PB_UEVENT_MSG_MAX + 1);
    CHECK(big != NULL);
    if (big) {
        memcpy(big, "add@/x", 6);
        CHECK_INT(pb_uevent_parse(big, PB_UEVENT_MSG_MAX + 1, &ev), -EMSGSIZE);
        CHECK_INT(pb_uevent_parse(big, PB_UEVENT_MSG_MAX, &ev), 0); /* exactly the limit: fine */
        free(big);
    }
}

TEST(uevent_truncated_last_string) {
    struct pb_uevent ev;
    /* No final NUL: the datagram was cut. The struct is all zero afterwards. */
    CHECK_INT(pb_uevent_parse("add@/devices/x\0SUBSYSTEM=pc", 26, &ev), -EBADMSG);
    CHECK_INT(ev.action, PB_UEVENT_UNKNOWN);
    CHECK_STR(ev.devpath, "");
    CHECK_INT(pb_uevent_parse("add@/devices/x", 14, &ev), -EBADMSG);
}

TEST(uevent_bad_headers) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("add/devices/x\0"), &ev), -EBADMSG);      /* no '@' */
    CHECK_INT(pb_uevent_parse(MSG("explode@/devices/x\0"), &ev), -EBADMSG); /* unknown action */
    CHECK_INT(pb_uevent_parse(MSG("@/devices/x\0"), &ev), -EBADMSG);        /* empty action */
    CHECK_INT(pb_uevent_parse(MSG("add@\0SUBSYSTEM=pci\0"), &ev), -EBADMSG); /* empty devpath */
    CHECK_INT(pb_uevent_parse(MSG("add@devices/x\0"), &ev), -EBADMSG);     /* not absolute */
    CHECK_INT(pb_uevent_parse(MSG("\0add@/devices/x\0"), &ev), -EBADMSG);  /* leading NUL */
    CHECK_INT(pb_uevent_parse(MSG("add@/dev\nices\0"), &ev), -EBADMSG);    /* control char */
}

TEST(uevent_bad_pairs) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SUBSYSTEM\0"), &ev), -EBADMSG);      /* no '=' */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0=pci\0"), &ev), -EBADMSG);           /* empty key */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0ACTION=remove\0"), &ev), -EBADMSG);  /* disagrees */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0DEVPATH=/y\0"), &ev), -EBADMSG);     /* disagrees */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0DEVPATH=/xy\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/xy\0DEVPATH=/x\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0ACTION=add\0ACTION=add\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0DEVPATH=/x\0DEVPATH=/x\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SUBSYSTEM=pci\0SUBSYSTEM=net\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SUBSYSTEM=p\tci\0"), &ev), -EBADMSG);
    /* Unknown keys may hold anything but must still be KEY=VALUE. */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0WEIRD=\x01\x02\xff\0EMPTY=\0"), &ev), 0);
    CHECK_INT(ev.unknown_keys, 2);
}

TEST(uevent_bad_numbers) {
    struct pb_uevent ev;
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=8086\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=8086:\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=:10D3\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=18086:10D3\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=8086:10G3\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_ID=8086:10D3:1\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_SUBSYS_ID=zz:1\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_CLASS=\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_CLASS=1020000\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_CLASS=0x2000\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0IFINDEX=0\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0IFINDEX=-1\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0IFINDEX=2147483648\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0IFINDEX=2147483647\0"), &ev), 0);
    CHECK_INT(ev.ifindex, 2147483647);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0IFINDEX=3 \0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SEQNUM=18446744073709551616\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SEQNUM=99999999999999999999\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SEQNUM=000000000000000000001\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0SEQNUM=\0"), &ev), -EBADMSG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_CLASS=ffffff\0PCI_ID=0:0\0"), &ev), 0);
    CHECK_INT(ev.pci_class, 0xffffff);
    CHECK_INT(ev.pci_vendor, 0);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0INTERFACE=\0"), &ev), -EBADMSG);
}

TEST(uevent_field_limits) {
    struct pb_uevent ev;
    /* INTERFACE: 15 characters fit IFNAMSIZ, 16 do not. */
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0INTERFACE=abcdefghijklmno\0"), &ev), 0);
    CHECK_STR(ev.interface, "abcdefghijklmno");
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0INTERFACE=abcdefghijklmnop\0"), &ev), -ENAMETOOLONG);
    CHECK_INT(pb_uevent_parse(MSG("add@/x\0PCI_SLOT_NAME=0000:01:00.1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0"), &ev),
              -ENAMETOOLONG);

    char buf[PB_UEVENT_DEVPATH_MAX + 64];
    memcpy(buf, "add@/", 5);
    memset(buf + 5, 'a', PB_UEVENT_DEVPATH_MAX - 2); /* devpath of PB_UEVENT_DEVPATH_MAX-1 chars */
    buf[5 + PB_UEVENT_DEVPATH_MAX - 2] = '\0';
    CHECK_INT(pb_uevent_parse(buf, 5 + PB_UEVENT_DEVPATH_MAX - 1, &ev), 0);
    CHECK_INT(strlen(ev.devpath), PB_UEVENT_DEVPATH_MAX - 1);
    memset(buf + 5, 'a', PB_UEVENT_DEVPATH_MAX - 1);
    buf[5 + PB_UEVENT_DEVPATH_MAX - 1] = '\0';
    CHECK_INT(pb_uevent_parse(buf, 5 + PB_UEVENT_DEVPATH_MAX, &ev), -ENAMETOOLONG);

    /* A long unknown value is no problem: nothing is copied. */
    char big[4096];
    int n = snprintf(big, sizeof big, "change@/x%cMODALIAS=", 0);
    memset(big + n, 'm', 3000);
    big[n + 3000] = '\0';
    CHECK_INT(pb_uevent_parse(big, (size_t)n + 3001, &ev), 0);
    CHECK_INT(ev.unknown_keys, 1);
}

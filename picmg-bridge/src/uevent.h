/* uevent: parse one NETLINK_KOBJECT_UEVENT datagram as the kernel sends it:
 *     "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0..."
 * into a fixed-size struct. Every byte is untrusted: the parser never reads past `len`, never
 * relies on a terminating NUL it has not seen, copies every value into a bounded field and
 * answers an explicit negative errno for anything it cannot take as a whole. No global state. */
#ifndef PB_UEVENT_H
#define PB_UEVENT_H

#include <stddef.h>
#include <stdint.h>

/* Largest datagram accepted. The kernel builds a uevent as the "ACTION@DEVPATH" header plus an
 * environment of at most UEVENT_BUFFER_SIZE (2048) bytes; 8 KiB leaves room for long devpaths. */
#define PB_UEVENT_MSG_MAX      8192
#define PB_UEVENT_DEVPATH_MAX  512   /* field sizes include the terminating NUL */
#define PB_UEVENT_NAME_MAX     64    /* SUBSYSTEM, DEVTYPE, DRIVER */
#define PB_UEVENT_SLOT_MAX     32    /* PCI_SLOT_NAME: "0000:01:00.1" */
#define PB_UEVENT_IFNAME_MAX   16    /* INTERFACE: IFNAMSIZ */

enum pb_uevent_action {
    PB_UEVENT_UNKNOWN = 0,
    PB_UEVENT_ADD,
    PB_UEVENT_REMOVE,
    PB_UEVENT_CHANGE,
    PB_UEVENT_MOVE,
    PB_UEVENT_ONLINE,
    PB_UEVENT_OFFLINE,
    PB_UEVENT_BIND,
    PB_UEVENT_UNBIND,
};

/* Which optional fields the datagram carried (pb_uevent.have). */
enum {
    PB_UEV_HAVE_SUBSYSTEM     = 1u << 0,
    PB_UEV_HAVE_DEVTYPE       = 1u << 1,
    PB_UEV_HAVE_PCI_SLOT_NAME = 1u << 2,
    PB_UEV_HAVE_PCI_ID        = 1u << 3,
    PB_UEV_HAVE_PCI_SUBSYS_ID = 1u << 4,
    PB_UEV_HAVE_PCI_CLASS     = 1u << 5,
    PB_UEV_HAVE_INTERFACE     = 1u << 6,
    PB_UEV_HAVE_IFINDEX       = 1u << 7,
    PB_UEV_HAVE_DRIVER        = 1u << 8,
    PB_UEV_HAVE_SEQNUM        = 1u << 9,
    PB_UEV_HAVE_DEVPATH_OLD   = 1u << 10,
};

struct pb_uevent {
    enum pb_uevent_action action;
    unsigned have;                           /* PB_UEV_HAVE_* */
    char devpath[PB_UEVENT_DEVPATH_MAX];     /* "/devices/pci0000:00/..." */
    char devpath_old[PB_UEVENT_DEVPATH_MAX]; /* DEVPATH_OLD of a "move" */
    char subsystem[PB_UEVENT_NAME_MAX];      /* "pci", "net", ... */
    char devtype[PB_UEVENT_NAME_MAX];
    char pci_slot_name[PB_UEVENT_SLOT_MAX];  /* "0000:01:00.1" */
    uint16_t pci_vendor, pci_device;         /* PCI_ID=VVVV:DDDD */
    uint16_t pci_subsys_vendor, pci_subsys_device; /* PCI_SUBSYS_ID=VVVV:DDDD */
    uint32_t pci_class;                      /* PCI_CLASS=CCSSPP (hex, 24 bits) */
    char interface[PB_UEVENT_IFNAME_MAX];    /* INTERFACE=eth1 */
    int ifindex;                             /* IFINDEX=3 (> 0) */
    char driver[PB_UEVENT_NAME_MAX];         /* DRIVER=e1000e */
    uint64_t seqnum;                         /* SEQNUM */
    unsigned unknown_keys;                   /* well-formed KEY=VALUE pairs not listed above */
};

/* Parses `len` bytes at `buf` into *ev (all zero again on any error). Returns 0, or:
 *   -EINVAL       buf or ev is NULL
 *   -ENOMSG       not a kernel uevent: a libudev-format message ("libudev\0" + header), which the
 *                 caller should skip silently
 *   -EMSGSIZE     len is 0 or larger than PB_UEVENT_MSG_MAX
 *   -EBADMSG      malformed: no "ACTION@/devpath" header, unknown action, last string not
 *                 NUL-terminated (truncated datagram), a string without '=', an empty key, control
 *                 characters, a known key given twice, ACTION/DEVPATH disagreeing with the header,
 *                 or a value that does not parse (PCI_ID, PCI_SUBSYS_ID, PCI_CLASS, IFINDEX, SEQNUM)
 *   -ENAMETOOLONG a known value (or the devpath) longer than its field
 * Unknown keys are counted and otherwise ignored. */
int pb_uevent_parse(const void *buf, size_t len, struct pb_uevent *ev);

/* "add", "remove", ...; "unknown" for anything else. Never NULL. */
const char *pb_uevent_action_name(enum pb_uevent_action a);

/* The action named by the `n` bytes at `s` (not necessarily NUL-terminated), or PB_UEVENT_UNKNOWN. */
enum pb_uevent_action pb_uevent_action_from(const char *s, size_t n);

#endif

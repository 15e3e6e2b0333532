/* attrib: which chassis slot a PCI function (or a uevent's devpath) belongs to, what a slot says
 * about itself, and which PCI functions sit in it. Reads a sysfs tree under a caller-given root
 * ("" or "/" for the live system, a temp dir in tests): <root>/sys/bus/pci/slots/<name>/address
 * and friends, <root>/sys/bus/pci/devices/<function> links. No global state; every file is read
 * with a size limit and every value is validated; errors are negative errno. */
#ifndef PB_ATTRIB_H
#define PB_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "picmg_bridge.h"
#include "uevent.h"

#define PB_SLOT_NAME_MAX   64  /* includes NUL */
#define PB_SLOTS_MAX       64
#define PB_DRIVER_NAME_MAX 64
#define PB_IFNAME_MAX      16
#define PB_FUNC_NETDEVS    8
#define PB_PCI_NAME_MAX    20  /* "ddddd:bb:dd.f" + NUL, domain up to 8 hex digits */

struct pb_pci_addr {
    uint32_t domain;
    uint8_t bus;
    uint8_t dev; /* 0..31 */
    uint8_t fn;  /* 0..7 */
};

/* A slot's address file is "DDDD:BB:DD" (the device number of the card in the slot) or, for a
 * slot that owns its whole secondary bus, "DDDD:BB". */
struct pb_slot {
    char name[PB_SLOT_NAME_MAX]; /* directory name, the chassis slot number for pciehp/cpci */
    struct pb_pci_addr addr;     /* fn unused */
    int whole_bus;               /* 1: every device on addr.bus is in the slot */
};

struct pb_slot_table {
    unsigned n;
    unsigned skipped; /* slot directories ignored: no/unreadable/malformed address, or table full */
    struct pb_slot slot[PB_SLOTS_MAX];
};

/* Slot status; -1 where the attribute is absent or unreadable (e.g. no latch on pciehp ports). */
struct pb_slot_attrs {
    int adapter;   /* 1: card present */
    int power;     /* 1: slot powered */
    int attention; /* attention indicator state as the driver reports it */
    int latch;     /* 1: latch (MRL/handle) closed */
};

struct pb_pci_func {
    char name[PB_PCI_NAME_MAX]; /* "0000:01:00.1" */
    struct pb_pci_addr addr;
    int slot;                   /* index into the pb_slot_table, -1 if in no slot */
    struct pb_pci_addr in_slot; /* the component of its path that sits in the slot (the card's
                                   function; differs from addr behind a bridge on the card) */
    uint16_t vendor, device, subsys_vendor, subsys_device;
    uint32_t class_code;                 /* 24 bits: class, subclass, prog-if */
    char driver[PB_DRIVER_NAME_MAX];     /* "" when unbound */
    unsigned n_netdev;
    char netdev[PB_FUNC_NETDEVS][PB_IFNAME_MAX];
};

/* "DDDD:BB:DD.F" (exactly n bytes, domain 4..8 hex digits). 0 or -EINVAL. */
int pb_pci_addr_parse(const char *s, size_t n, struct pb_pci_addr *a);

/* A slot address file's content (trailing whitespace allowed): "DDDD:BB:DD" or "DDDD:BB".
 * 0 or -EINVAL. */
int pb_slot_addr_parse(const char *s, size_t n, struct pb_slot *slot);

/* Fills *t from <root>/sys/bus/pci/slots/ (sorted by name, numbers numerically). Slot directories
 * whose address is missing or malformed are counted in t->skipped and left out. 0, or -ENOENT when
 * there is no slots directory (no hot-plug driver: an empty table is returned too), -ENAMETOOLONG,
 * -EINVAL for NULL arguments, another -errno from opendir. */
int pb_attrib_scan_slots(const char *root, struct pb_slot_table *t);

/* The slot index for function `a` (-ENOENT when it is in no slot). Only the function's own
 * domain:bus:device is compared: use pb_attrib_slot_of_devpath for functions behind a bridge. */
int pb_attrib_slot_of_addr(const struct pb_slot_table *t, const struct pb_pci_addr *a);

/* The slot a devpath ("/devices/pci0000:00/0000:00:1c.0/0000:01:00.1/net/eth1", with or without
 * a "/sys" prefix) belongs to: its components that are PCI addresses are tried from the deepest
 * up, so a function behind a bridge on the card is found in the bridge's slot. Returns the slot
 * index, with *fn = the deepest PCI function of the path and *in_slot = the component that
 * matched (either may be NULL). -ENOENT when no component is in a slot, -EINVAL when the path has
 * no PCI component at all (or NULL arguments). */
int pb_attrib_slot_of_devpath(const struct pb_slot_table *t, const char *devpath,
                              struct pb_pci_addr *fn, struct pb_pci_addr *in_slot);

/* Reads <root>/sys/bus/pci/slots/<slot>/{adapter,power,attention,latch}. 0 (absent attributes
 * read as -1), -EINVAL for a slot name that is not a plain directory name, -ENOENT when the slot
 * directory does not exist, -ENAMETOOLONG. */
int pb_attrib_read_slot(const char *root, const char *slot, struct pb_slot_attrs *a);

/* The total of one of the kernel's AER counter files (aer_dev_correctable: "RxErr 0\n...
 * TOTAL_ERR_COR 3\n"): the value of the line that begins with `key` and a space. 0, or -EINVAL
 * when no such line holds a plain decimal number. buf need not be NUL-terminated. */
int pb_attrib_parse_aer_total(const char *buf, size_t len, const char *key, uint64_t *out);

/* <root>/sys/bus/pci/devices/<pci_name>/aer_dev_{correctable,nonfatal,fatal}: the three totals,
 * indexed by enum pb_aer_kind. 0; -ENOENT when the device has no AER counters (no AER capability,
 * or a kernel without them), -EINVAL for a file that does not parse. */
int pb_attrib_read_aer(const char *root, const char *pci_name, uint64_t out[PB_AER_KINDS]);

/* Every PCI function under <root>/sys/bus/pci/devices/, sorted by address, each attributed to a
 * slot of *t (via its device link's path) with ids, class, bound driver and netdev names.
 * Functions whose ids cannot be read are skipped (they are going away). At most `max` go to
 * `out`; *n receives how many were written. 0, -ENOSPC when there were more than `max`
 * (the first `max` by address are returned), -ENOENT without a devices directory, -EINVAL. */
int pb_attrib_scan_functions(const char *root, const struct pb_slot_table *t,
                             struct pb_pci_func *out, size_t max, size_t *n);

/* As pb_attrib_scan_functions, keeping only the functions in slot index `slot`. */
int pb_attrib_slot_functions(const char *root, const struct pb_slot_table *t, int slot,
                             struct pb_pci_func *out, size_t max, size_t *n);

/* ---- uevents seen as backplane events ------------------------------------------------------- */

enum pb_kev_kind {
    PB_KEV_IGNORE = 0,    /* anything else: ptp clocks, queues, modules, drivers, other subsystems */
    PB_KEV_FUNC_ADD,      /* pci add: a function of a card was enumerated */
    PB_KEV_FUNC_REMOVE,   /* pci remove */
    PB_KEV_FUNC_CHANGE,   /* pci change: among others the AER driver's recovery reports (ERROR_EVENT=...) */
    PB_KEV_DRIVER_BIND,   /* pci bind (driver set) */
    PB_KEV_DRIVER_UNBIND, /* pci unbind */
    PB_KEV_NETDEV_ADD,    /* net add (ifname, ifindex set) */
    PB_KEV_NETDEV_REMOVE, /* net remove */
    PB_KEV_NETDEV_MOVE,   /* net move: renamed (ifname is the new name) */
};

struct pb_kev {
    enum pb_kev_kind kind;
    int slot;                   /* index into the pb_slot_table, -1 if in no slot */
    struct pb_pci_addr fn;      /* the PCI function the event is about (deepest in the devpath) */
    struct pb_pci_addr in_slot; /* the card's function in the slot (== fn unless behind a bridge) */
    uint16_t vendor, device, subsys_vendor, subsys_device; /* pci events that carry PCI_ID/... */
    uint32_t class_code;
    char driver[PB_DRIVER_NAME_MAX]; /* bind */
    char ifname[PB_IFNAME_MAX];      /* net events */
    int ifindex;                     /* net events */
    uint64_t seqnum;
};

const char *pb_kev_kind_name(enum pb_kev_kind k);

/* Turns a parsed uevent into a backplane event and attributes it to a slot of *t. Returns 0 with
 * out->kind (PB_KEV_IGNORE for events the backplane does not care about, including pci/net events
 * whose devpath holds no PCI function, e.g. virtual netdevs) or -EINVAL for NULL arguments.
 * A pci or net event in no slot is returned with slot -1: the caller decides. */
int pb_attrib_classify(const struct pb_slot_table *t, const struct pb_uevent *ev, struct pb_kev *out);

/* A sysfs integer attribute, "0".."999999999" (trailing whitespace allowed): 0 or -errno. */
int pb_attrib_read_int(const char *path, int *out);

#endif

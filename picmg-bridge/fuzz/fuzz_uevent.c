/* libFuzzer target: pb_uevent_parse on arbitrary datagrams, then slot attribution and classification
 * of whatever it accepted. Checks the parser's promises: bounded, NUL-terminated
 * fields; an all-zero struct after any error. Build: make -f Makefile.kernel (see there). */
#include "attrib.h"
#include "uevent.h"

#include <stdlib.h>
#include <string.h>

static void check_field(const char *s, size_t cap) {
    if (strnlen(s, cap) >= cap) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct pb_uevent ev;
    int r = pb_uevent_parse(data, size, &ev);
    if (r < 0) {
        static const struct pb_uevent zero;
        if (memcmp(&ev, &zero, sizeof ev) != 0) abort();
        /* Slot address parsing sees raw bytes too. */
        struct pb_slot s;
        pb_slot_addr_parse((const char *)data, size, &s);
        return 0;
    }
    check_field(ev.devpath, sizeof ev.devpath);
    check_field(ev.devpath_old, sizeof ev.devpath_old);
    check_field(ev.subsystem, sizeof ev.subsystem);
    check_field(ev.devtype, sizeof ev.devtype);
    check_field(ev.pci_slot_name, sizeof ev.pci_slot_name);
    check_field(ev.interface, sizeof ev.interface);
    check_field(ev.driver, sizeof ev.driver);
    if (ev.action == PB_UEVENT_UNKNOWN || ev.devpath[0] != '/') abort();
    if ((ev.have & PB_UEV_HAVE_IFINDEX) && ev.ifindex <= 0) abort();
    if (ev.pci_class > 0xffffff) abort();

    /* The chassis of the recorded lab: slot 2 = 0000:01:00, slot 16 = 0000:02:00, a whole-bus slot. */
    struct pb_slot_table t;
    memset(&t, 0, sizeof t);
    t.n = 3;
    strcpy(t.slot[0].name, "2");
    t.slot[0].addr.bus = 1;
    strcpy(t.slot[1].name, "16");
    t.slot[1].addr.bus = 2;
    strcpy(t.slot[2].name, "12");
    t.slot[2].addr.bus = 6;
    t.slot[2].whole_bus = 1;
    struct pb_pci_addr fn, in;
    int s = pb_attrib_slot_of_devpath(&t, ev.devpath, &fn, &in);
    if (s >= (int)t.n) abort();
    if (s >= 0 && pb_attrib_slot_of_addr(&t, &in) != s) abort();
    struct pb_pci_addr a;
    if (pb_pci_addr_parse(ev.pci_slot_name, strlen(ev.pci_slot_name), &a) == 0)
        if (a.dev > 31 || a.fn > 7) abort();
    struct pb_kev k;
    if (pb_attrib_classify(&t, &ev, &k) != 0) abort();
    if (k.kind == PB_KEV_IGNORE && k.slot != -1) abort();
    if (k.slot >= (int)t.n || strnlen(k.ifname, sizeof k.ifname) >= sizeof k.ifname) abort();
    (void)pb_kev_kind_name(k.kind);
    (void)pb_uevent_action_name(ev.action);
    return 0;
}

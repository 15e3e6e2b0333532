#!/bin/busybox sh
# One kernel uevent, in the environment as busybox's uevent applet gives it (see start.sh). It
# does what had does for the same event and no more: had loads a card's module only when
# /sys/module has no such module, takes a port down before enslaving it only when it is up, and
# handles one event at a time (its core is one thread, modprobe included), as busybox's uevent
# applet runs this handler for one event at a time.
case "$SUBSYSTEM/$ACTION" in
pci/add)
    # A new PCI function with no driver: its module from pcidrivers.conf (vendor:device).
    [ -n "$DRIVER" ] && exit 0
    id=$(echo "$PCI_ID" | tr 'A-F' 'a-f')
    m=$(sed -n "s/^$id[ \t]\+\([A-Za-z0-9_-]*\).*/\1/p" "$DRV" | head -1)
    [ -n "$m" ] && [ ! -d "/sys/module/${m//-/_}" ] && "$MODPROBE" "$m"
    ;;
net/add)
    # A new port: slot from the PCI address, port = PCI function, then the table's line for it.
    dev=${DEVPATH%/net/*}; dev=${dev##*/}
    case $dev in ????:??:??.?) ;; *) exit 0 ;; esac
    bus=${dev%.*} fn=${dev##*.}
    for s in /sys/bus/pci/slots/*; do
        read -r a < $s/address
        [ "$a" = "$bus" ] || continue
        set -- $(grep "^port ${s##*/} $fn " "$TAB")
        case $4 in
        bond)
            read -r flags < /sys/class/net/$INTERFACE/flags
            [ $((flags & 1)) = 0 ] || busybox ip link set "$INTERFACE" down
            echo "+$INTERFACE" > /sys/class/net/$5/bonding/slaves ;;
        addr) busybox ip addr add "$5" dev "$INTERFACE"; busybox ip link set "$INTERFACE" up ;;
        esac
    done
    ;;
esac
exit 0

#!/bin/busybox sh
# /init of the recording guest (see record.sh). Records every kernel uevent to the 9p share
# while the host hot-plugs e1000e cards into chassis slots 2 and 16 and the guest takes them out.
# Lines starting with "@@" on the console are the hand-shake with record.sh.
. /lib/lab-base.sh
mkdir -p /out
mount -t 9p -o trans=virtio,version=9p2000.L out /out || fail "mount 9p"
mkdir -p /out/raw
uevent-recorder /out/raw 2>/out/recorder.err &
REC=$!
i=0
while [ ! -e /out/raw/ready ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "recorder not ready"; sleep 0.1
done

# Functions present behind slot $1 (address "DDDD:BB:DD" or "DDDD:BB").
slot_funcs() {
    a=$(cat /sys/bus/pci/slots/$1/address)
    for d in /sys/bus/pci/devices/$a[.:]*; do [ -e "$d" ] && echo "${d##*/}"; done
}
count() { n=0; for x in $*; do n=$((n + 1)); done; echo $n; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
    t=$(($1 * 10)); shift
    while ! "$@"; do t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1; done
}
# Snapshot of slots, PCI devices and netdevs into /out/$1.
dump() {
    o=/out/$1; mkdir -p $o
    for s in /sys/bus/pci/slots/*; do
        line="${s##*/}"
        for f in address adapter power attention latch; do
            [ -e $s/$f ] && line="$line $f=$(cat $s/$f)"
        done
        echo "$line"
    done > $o/slots.txt
    for d in /sys/bus/pci/devices/*; do
        line="${d##*/} $(readlink $d)"
        for f in vendor device subsystem_vendor subsystem_device class; do
            line="$line $f=$(cat $d/$f)"
        done
        [ -e $d/driver ] && line="$line driver=$(basename $(readlink $d/driver))"
        for n in $d/net/*; do [ -e "$n" ] && line="$line net=${n##*/}"; done
        echo "$line"
    done > $o/devices.txt
    for n in /sys/class/net/*; do echo "${n##*/} $(readlink $n) ifindex=$(cat $n/ifindex)"; done > $o/net.txt
}
has_funcs() { [ "$(count $(slot_funcs 2))" = "$1" ] && [ "$(count $(slot_funcs 16))" = "$2" ]; }
netdevs() { n=0; for f in $(slot_funcs 2) $(slot_funcs 16); do
    for x in /sys/bus/pci/devices/$f/net/*; do [ -e "$x" ] && n=$((n + 1)); done; done; [ $n = "$1" ]; }

[ -d /sys/bus/pci/slots/2 ] && [ -d /sys/bus/pci/slots/16 ] || fail "no slots 2 and 16"
dump sysfs-0-boot
echo "@@ STEP1 insert cards"
wait_for 60 has_funcs 2 1 || fail "cards not enumerated"
echo "@@ cards enumerated: $(slot_funcs 2) $(slot_funcs 16)"
modprobe e1000e || fail "modprobe e1000e"
wait_for 60 netdevs 3 || fail "netdevs did not appear"
sleep 1
dump sysfs-1-cards
echo "@@ netdevs up; powering slot 2 off"
echo 0 > /sys/bus/pci/slots/2/power || fail "slot 2 power off"
wait_for 30 has_funcs 0 1 || fail "slot 2 functions still there"
sleep 1
dump sysfs-2-slot2-off
echo "@@ STEP2 pull card from slot 16"
wait_for 60 has_funcs 0 0 || fail "slot 16 card still there"
sleep 1
dump sysfs-3-end
kill $REC
wait $REC
sync
umount /out
echo "@@ DONE"
poweroff -f

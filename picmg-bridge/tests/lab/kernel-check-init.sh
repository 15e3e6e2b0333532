#!/bin/busybox sh
# /init of the kernel-check guest (see kernel-check.sh): loads e1000e as a running system has it,
# then runs kernel-probe, which opens the kernel backend and prints its events while the host
# hot-plugs a dual-port e1000e into chassis slot 2. Lines starting with "@@" are the hand-shake.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
fail() { echo "@@ FAIL $*"; poweroff -f; }
[ -d /sys/bus/pci/slots/2 ] || fail "no slot 2"
modprobe e1000e || fail "modprobe e1000e"
echo "@@ slots: $(cd /sys/bus/pci/slots && echo *)"
kernel-probe "poll_ms=100" || echo "@@ FAIL kernel-probe exited $?"
poweroff -f

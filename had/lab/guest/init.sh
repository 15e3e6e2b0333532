#!/bin/busybox sh
# /init of the lab's guest. Mounts the host's root (9p, read-only) at /host with the guest's own
# proc, sys, dev and tmpfs for /tmp and /run, the lab's state share at /run/lab/state, and starts
# the lab agent (guest/agent.sh, the host's bash) on the second serial port. "@@" lines on the
# console are the hand-shake with lib.sh.
. /lib/lab-base.sh
[ -n "$TOP" ] && [ -n "$CACHE" ] || fail "lab.top= and lab.cache= missing on the kernel command line"

H=/host
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot $H || fail "mount hostroot"
mount -t proc proc $H/proc
mount -t sysfs sysfs $H/sys
mount -t devtmpfs dev $H/dev
# A private /tmp, unless the project itself lives under /tmp (a clone there): then the guest
# keeps the host's /tmp, read-only, and the lab's writable places are under /run.
case "$TOP/ $CACHE/" in
    /tmp/*|*" /tmp/"*) ;;
    *) mount -t tmpfs tmp $H/tmp ;;
esac
mount -t tmpfs run $H/run
mkdir -p $H/run/lab/state $H/run/lab/bin $H/run/lab/home $H/run/lab/tmp
mount -t 9p -o trans=virtio,version=9p2000.L state $H/run/lab/state || fail "mount state"

# The host's tools run unchanged; only modprobe needs the guest kernel's module tree, and java is
# called by its real path (through the /usr/bin symlink it does not find libjli.so).
java=$(chroot $H readlink -f /usr/bin/java)
cat > $H/run/lab/bin/modprobe <<EOF
#!/bin/sh
exec /usr/sbin/modprobe -d $CACHE/kroot "\$@"
EOF
cat > $H/run/lab/bin/java <<EOF
#!/bin/sh
exec $java "\$@"
EOF
cat > $H/run/lab/env <<EOF
export PATH=/run/lab/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/run/lab/home LAB_TOP=$TOP LAB_CACHE=$CACHE LANG=C.UTF-8 TMPDIR=/run/lab/tmp
# The JVM's scratch files (jffi's native stub, perf data) go where the guest can write. C1 alone,
# as the daemon runs: the guest's JVM is the host's emulated by TCG, and hadctl, with both JIT
# compilers, died of SIGSEGV at the entry of compiled methods (String.length(), HashMap.putVal(),
# Json's digit()), where tiered compilation patches a method it has compiled again; C1's code is
# final and the daemon has not died so.
export JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=/run/lab/tmp -XX:-UsePerfData -XX:TieredStopAtLevel=1"
EOF
chmod +x $H/run/lab/bin/*
# Modules the kernel asks for itself (rtnl-link-vlan when a VLAN is created, as on any system
# with kmod) come from the same tree.
printf '#!/bin/busybox sh\nexec chroot %s /run/lab/bin/modprobe "$@"\n' "$H" > /bin/kernel-modprobe
chmod +x /bin/kernel-modprobe
echo /bin/kernel-modprobe > /proc/sys/kernel/modprobe
# Bonding as a chassis controller has it at boot: no default bond (tls first: bonding needs it).
chroot $H /run/lab/bin/modprobe tls || fail "modprobe tls"
chroot $H /run/lab/bin/modprobe bonding max_bonds=0 || fail "modprobe bonding"
# The ARP settings had's package gives a chassis (packaging/sysctl/60-had.conf, applied at boot
# where systemd runs): each address answered only on the interface that holds it.
sysctl -q -p $H$TOP/packaging/sysctl/60-had.conf || fail "sysctl -p packaging/sysctl/60-had.conf"
ip link set lo up
stty -F /dev/ttyS1 raw -echo 115200
# The third serial port carries guest/perform.sh's requests for a drill's physical steps to the host.
stty -F /dev/ttyS2 raw -echo 115200
echo "@@ READY kernel $(uname -r)"
chroot $H /bin/bash "$TOP/had/lab/guest/agent.sh" </dev/ttyS1 >/dev/ttyS1 2>&1
echo "@@ agent ended"
poweroff -f

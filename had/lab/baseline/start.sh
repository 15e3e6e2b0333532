#!/bin/busybox sh
# The baseline: what a chassis without had would run -- the bonds made at boot by a script, and a
# udev-like rule (busybox's uevent applet running handler.sh for each kernel uevent) that loads a
# card's driver from pcidrivers.conf and enslaves or addresses each new port with the same sysfs
# writes had makes. The lab times had against it.
#
#   start.sh TABLE PCIDRIVERS.CONF LOG     (TABLE from conf2tab.awk; runs in the background)
TAB=$1 DRV=$2 LOG=$3
# busybox sh runs its own applets first: the system's modprobe by its path (MODPROBE to change it).
MODPROBE=${MODPROBE:-/sbin/modprobe}
B=/sys/class/net
grep '^bond ' "$TAB" | while read -r _ b k v; do
    [ -e $B/$b ] || echo "+$b" > $B/bonding_masters
done
# Options in the order the driver accepts them: mode first (only while the bond is down).
for k in mode miimon updelay downdelay arp_interval arp_validate fail_over_mac; do
    grep "^bond [^ ]* $k " "$TAB" | while read -r _ b _ v; do echo "$v" > $B/$b/bonding/$k; done
done
grep '^bond [^ ]* arp_ip_target ' "$TAB" | while read -r _ b _ v; do
    for t in $(echo "$v" | tr ',' ' '); do echo "+$t" > $B/$b/bonding/arp_ip_target; done
done
grep '^bond [^ ]* address ' "$TAB" | while read -r _ b _ v; do
    for a in $(echo "$v" | tr ',' ' '); do busybox ip addr add "$a" dev $b; done
    busybox ip link set $b up
done
export TAB DRV MODPROBE
setsid busybox uevent busybox sh "$(dirname "$0")/handler.sh" >>"$LOG" 2>&1 </dev/null &
echo $!

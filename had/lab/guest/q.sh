# Shell functions for the lab's guest commands (the agent's BASH_ENV).
# ifn SLOT FN: the netdev of PCI function FN of the card in SLOT
ifn() {
    local a
    a=$(cat /sys/bus/pci/slots/$1/address 2>/dev/null) || return 1
    ls /sys/bus/pci/devices/$a.$2/net 2>/dev/null | head -1
}
# slaves BOND: its slaves in the driver's order, from /proc/net/bonding (read under RCU): the sysfs
# file "slaves" takes the rtnl lock or restarts the read at once, so a poll of it spins for as
# long as the kernel holds rtnl (a card's removal), taking the CPU from the work being timed
slaves() { awk '/^Slave Interface: / { printf "%s%s", sep, $3; sep = " " } END { print "" }' /proc/net/bonding/${1:-bond0} 2>/dev/null; }
active() { cat /sys/class/net/${1:-bond0}/bonding/active_slave 2>/dev/null; }
nslaves() { set -- $(slaves "$@"); echo $#; }
# slaves the bond counts up (MII), not only enslaved: a port's link comes up after it joins
nworking() { awk '/^Slave Interface/ { s = 1 } s && /^MII Status: up/ { n++; s = 0 } END { print n + 0 }' /proc/net/bonding/${1:-bond0} 2>/dev/null; }
# until_true SECONDS SHELL-CONDITION: polls every 50 ms for SECONDS of wall time (not a count of
# polls: under a slow emulation a poll may take far longer than 50 ms)
until_true() {
    local end=$((SECONDS + $1)); shift
    until eval "$*"; do [ $SECONDS -ge $end ] && return 1; sleep 0.05; done
}
# macs_of ADDR: the MAC addresses the peer may reach ADDR at: that of the interface holding it and
# of its slaves (a balance-alb bond answers ARP with its slaves' addresses), one a line
macs_of() {
    local d
    d=$(ip -o addr show | awk -v a="$1" '{ split($4, p, "/"); if (p[1] == a) { print $2; exit } }')
    [ -n "$d" ] && cat /sys/class/net/$d/address /sys/class/net/$d/lower_*/address 2>/dev/null | sort -u
}
# unapplied FILE: of FILE's sysctl settings ("key = value" lines), those this kernel does not have,
# "key=running (wanted value)" each; "all N applied" when every one of them is (no process
# substitution: the busybox guest has no /dev/fd)
unapplied() {
    local all bad
    all=$(sed -n 's/^\([a-z0-9._-]*\) *= *\([^ ]*\).*/\1 \2/p' "$1" | while read -r k v; do
        r=$(cat "/proc/sys/${k//.//}" 2>/dev/null)
        if [ "$r" = "$v" ]; then echo ok; else echo "$k=${r:-none} (wanted $v)"; fi
    done)
    bad=$(echo "$all" | grep -v -e '^ok$' -e '^$' | paste -sd ';')
    if [ -z "$all" ]; then echo "no setting in $1"; elif [ -n "$bad" ]; then echo "$bad"; else echo "all $(echo "$all" | wc -l) applied"; fi
}

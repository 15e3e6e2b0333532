#!/bin/bash
# make test-lab: had on a real Linux kernel, in the virtual chassis (see had/lab/README.md).
#
#   had/lab/tests/run.sh            every scenario; figures into had/lab/RESULTS.md
#   LAB_STRICT=1 ...                a scenario that cannot run (blocked) fails the stage
#
# Four boots: the baseline (a busybox uevent rule, no had), had on conf/had.conf (scenarios a,
# b, c, d-miimon, e), had on conf/examples/lab-arp.conf with the lab's bad-card pcidrivers.conf
# (f, d-arp), had on had/lab/conf/lab-vlan.conf (g: bonds of VLAN interfaces). A scenario whose had cannot start is reported BLOCKED with had's own words; what
# the kernel alone can show is still run on the baseline boot.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$LAB_TOP"
[ "$(id -u)" = 0 ] || lab_die "the lab tests need root (network namespaces, taps)"
for t in qemu-system-x86_64 socat cpio depmod ping ip gcc apt-get dpkg-deb; do
    command -v $t >/dev/null || lab_die "$t missing (.ci/run installs the lab's packages)"
done
[ -x /bin/busybox ] || lab_die "/bin/busybox missing (busybox-static)"

OUT=$LAB_CACHE/test
RESULTS=$LAB_DIR/RESULTS.md
rm -rf "$OUT"; mkdir -p "$OUT"
T_START=$(lab_ms)
PASS=0 FAIL=0 BLOCK=0
REPORT=$OUT/report.txt FIG=$OUT/figures.txt
: > "$REPORT"; : > "$FIG"
trap 'lab_cleanup' EXIT
trap 'exit 130' INT TERM

say() { echo "lab-test: $*" | tee -a "$REPORT" >&2; }
ok() { PASS=$((PASS + 1)); say "  PASS $*"; }
bad() { FAIL=$((FAIL + 1)); say "  FAIL $*"; }
blocked() { BLOCK=$((BLOCK + 1)); say "  BLOCKED $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
fig() { echo "$*" >> "$FIG"; say "  figure: $*"; }
g() { lab_guest "$1"; }
gq() { lab_guest "$1" >/dev/null 2>&1; }

# --- a booted lab -------------------------------------------------------------------------------
boot() {   # boot NAME: namespace, QEMU, labwatch recording kernel events into state/watch.log
    lab_cleanup
    lab_net_up
    lab_boot "$OUT/$1" $(lab_conf_slots conf/had.conf)
    gq "setsid $LAB_CACHE/bin/labwatch watch >/run/lab/state/watch.log 2>&1 </dev/null &"
    until grep -q ready "$LAB_RUN/state/watch.log" 2>/dev/null; do sleep 0.1; done
}
mark() { wc -l < "$LAB_RUN/state/watch.log"; }   # events after a mark belong to what follows
since() { tail -n +$(($1 + 1)) "$LAB_RUN/state/watch.log"; }

# reactions MARK KIND: per card port's netdev "add" uevent after MARK (a name may come back with
# a card re-inserted; bonds are not cards), ms from it to the port enslaved (KIND bond) or
# addressed (KIND addr); "IF MS" lines.
reactions() {
    since "$1" | awk -v kind="$2" '
        $2 == "uevent" && $3 == "add" && $4 == "net" && $5 ~ /^\/devices\/pci/ && $6 != "" { added[$6] = $1; pending[$6] = 1 }
        kind == "bond" && $2 == "link" && pending[$3] && $4 ~ /^master=bond/ { printf "%s %.1f\n", $3, ($1 - added[$3]) / 1e6; pending[$3] = 0 }
        kind == "addr" && $2 == "addr" && pending[$3] { printf "%s %.1f\n", $3, ($1 - added[$3]) / 1e6; pending[$3] = 0 }'
}
stats() { sort -n | awk '{ v[++n] = $1 } END { if (n) printf "median %.1f ms, max %.1f ms (n=%d)", v[int((n + 1) / 2)], v[n], n; else print "none" }'; }
median() { sort -n | awk '{ v[++n] = $1 } END { if (n) print v[int((n + 1) / 2)] }'; }
ratio() { awk -v h="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", h / b; else print "n/a" }'; }

# reinsertions SIDE MARKFILE: the dual-port card in slot 12 inserted and taken out $REINSERTIONS
# times with its driver already loaded, so each netdev event is followed by nothing but the
# reaction being timed. Out: the baseline powers the slot off itself; had gets an extraction
# request. Waits each time until QEMU has dropped the card.
REINSERTIONS=3
reinsertions() {
    local i n
    for i in $(seq 1 $REINSERTIONS); do
        lab_insert 12 2 || return 1
        gq "until_true 40 '[ \$(nslaves bond0) = 4 ]'" || say "  $1: slot 12's ports not enslaved: $(g 'slaves bond0')"
        sleep 1
        if [ "$1" = baseline ]; then gq 'echo 0 > /sys/bus/pci/slots/12/power'
        else lab_extract_request 12 >/dev/null; fi
        n=0
        while [ -n "$(lab_present 12)" ] && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
        gq "until_true 20 '[ \$(nslaves bond0) = 2 ]'"
    done
}

# ping_start ADDR / ping_stop: the peer pings ADDR every 10 ms; ping_stop sets LOST, SENT and
# GAP (the longest run of lost replies, in ms). ping is stopped with SIGINT, so its last requests
# may still be on their way: unanswered ones after the last reply count as lost only when they
# span more than ping's 1 s wait (an outage at the very end), not when they were merely in flight.
ping_start() {
    PING_FILE=$OUT/ping-$(lab_ms).txt
    # ip netns exec execs ping, so $! is ping itself (SIGINT makes it print its summary)
    ip netns exec "$LAB_NS-peer" ping -D -i 0.01 -W 1 "$1" > "$PING_FILE" 2>&1 &
    PING_PID=$!
    sleep 0.5
}
ping_stop() {
    kill -INT "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null
    SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$PING_FILE")
    SENT=${SENT:-0}
    read -r LOST GAP < <(grep -o 'icmp_seq=[0-9]*' "$PING_FILE" | cut -d= -f2 | sort -n | uniq |
        awk -v sent="$SENT" 'BEGIN { last = 0; max = 0; lost = 0 }
            { if ($1 - last - 1 > max) max = $1 - last - 1; lost += $1 - last - 1; last = $1 }
            END { tail = sent - last; if (tail > 100) { lost += tail; if (tail > max) max = tail }
                  print lost, max * 10 }')
}
# pings_ok ADDR: answers within 10 s, then 10 of 10 pings answered
pings_ok() { lab_ping -c 1 -w 10 -q "$1" >/dev/null && lab_ping -c 10 -i 0.05 -W 1 -q "$1" | grep -q " 0% packet loss"; }

# reaction_summary PREFIX WHO: a figure for WHO from $OUT/PREFIX-{bond,addr}.txt (the first
# cards, their driver loaded for them) and PREFIX-warm.txt (the re-insertions); prints the
# medians "FIRST REINSERTED ALL" in ms.
reaction_summary() {
    local p=$OUT/$1
    fig "$2: netdev uevent -> configured: first cards (driver loaded for them): enslaved $(awk '{print $2}' "$p-bond.txt" | stats), addressed $(awk '{print $2}' "$p-addr.txt" | stats); card re-inserted, driver loaded: enslaved $(awk '{print $2}' "$p-warm.txt" | stats)"
    echo "$(cat "$p-bond.txt" "$p-addr.txt" | awk '{print $2}' | median) $(awk '{print $2}' "$p-warm.txt" | median) $(cat "$p"-{bond,addr,warm}.txt | awk '{print $2}' | median)"
}

# --- had in the guest ---------------------------------------------------------------------------
HAD_PID= HAD_BLOCK=
had_start() {   # had_start CONF DRIVERS: sets HAD_PID, or HAD_BLOCK with had's reason
    local before n=0
    before=$(cat "$LAB_RUN/state/audit.log" 2>/dev/null | grep -c '"type":"backplane.resync"')
    HAD_PID=$(lab_had_start "$(readlink -f "$1")" "$(readlink -f "$2")" | tail -1)
    HAD_BLOCK=
    until [ "$(cat "$LAB_RUN/state/audit.log" 2>/dev/null | grep -c '"type":"backplane.resync"')" -gt "$before" ]; do
        if ! gq "kill -0 $HAD_PID"; then
            HAD_BLOCK="had exited at start-up: $(grep -v '^\s*$' "$LAB_RUN/state/had.log" | tail -1)"
            HAD_PID=; return 1
        fi
        n=$((n + 1)); [ $n -gt 300 ] && { HAD_BLOCK="had did not finish its start-up in 90 s"; return 1; }
        sleep 0.3
    done
}
audit_has() { grep -q "$1" "$LAB_RUN/state/audit.log" 2>/dev/null; }
# The record may follow the kernel's events by a while under TCG (pciehp's 5 s, had's JVM): wait.
audit_soon() { local i; for i in $(seq 1 ${2:-30}); do audit_has "$1" && return 0; sleep 1; done; return 1; }
audit_mono() { grep "$1" "$LAB_RUN/state/audit.log" | tail -1 | sed -n 's/.*"mono":\([0-9]*\).*/\1/p'; }

# ================================================================================================
say "kernel $(lab_kernel; echo "$LAB_KPKG"), $(qemu-system-x86_64 --version | head -1)"
lab_build

# --- boot 1: the baseline (no had) --------------------------------------------------------------
say "boot 1: baseline -- a busybox uevent rule making had's sysfs writes, no had"
boot baseline
awk -f had/lab/baseline/conf2tab.awk conf/had.conf > "$OUT/baseline.tab"
gq "MODPROBE=/run/lab/bin/modprobe had/lab/baseline/start.sh $OUT/baseline.tab $LAB_TOP/conf/pcidrivers.conf /run/lab/state/baseline.log"
m=$(mark)
lab_insert 2 2 && lab_insert 16 1
gq "until_true 40 '[ \$(nslaves bond0) = 2 ] && ip -br addr | grep -q 10.0.2.1/24'" ||
    say "  baseline: ports not configured: $(g 'slaves; ip -br addr')"
reactions "$m" bond > "$OUT/base-bond.txt"; reactions "$m" addr > "$OUT/base-addr.txt"
m=$(mark)
reinsertions baseline
reactions "$m" bond > "$OUT/base-warm.txt"
read -r BASE_COLD BASE_WARM BASE_MED < <(reaction_summary base baseline)
check "baseline: peer reaches bond0 (10.0.1.1) and config1 (10.0.2.1)" eval 'pings_ok 10.0.1.1 && pings_ok 10.0.2.1'

say "kernel alone: card with bond0's active slave pulled (device_del), nothing in user space reacting"
lab_insert 12 2
gq "until_true 40 '[ \$(nslaves bond0) = 4 ]'"
act=$(g 'active bond0'); aslot=$(g "for s in 2 12; do for f in 0 1; do [ \"\$(ifn \$s \$f)\" = $act ] && echo \$s; done; done" | head -1)
ping_start 10.0.1.1
lab_yank "$aslot"
gq "until_true 30 '[ \$(nslaves bond0) = 2 ]'"; sleep 1
ping_stop
K_LOST=$LOST K_GAP=$GAP
fig "kernel alone, surprise removal of slot $aslot (active $act): $LOST of $SENT lost, longest gap $GAP ms"

say "kernel alone: the switch side of the active slave's port stops forwarding (carrier kept), miimon 100"
act=$(g 'active bond0'); aslot=$(g "for s in 2 12; do for f in 0 1; do [ \"\$(ifn \$s \$f)\" = $act ] && echo \$s \$f; done; done" | head -1)
ping_start 10.0.1.1
lab_cut $aslot; sleep 2
act2=$(g 'active bond0')
ping_stop
lab_restore $aslot
fig "kernel alone, miimon bond, switch port of $act cut for 2 s: $LOST of $SENT lost; active slave after: $act2"
check "miimon misses a switch failure that keeps carrier (active slave unchanged, traffic lost)" \
    eval '[ "$act2" = "$act" ] && [ $((LOST * 2)) -ge "$SENT" ]'
D_MII_LOST=$LOST

say "kernel alone: the same failure once bond0 is switched to the ARP monitor (arp_interval 100, target 10.0.1.100)"
gq 'b=/sys/class/net/bond0/bonding; echo 0 > $b/miimon; echo +10.0.1.100 > $b/arp_ip_target; echo all > $b/arp_validate; echo 100 > $b/arp_interval'
sleep 2
act=$(g 'active bond0'); aslot=$(g "for s in 2 12; do for f in 0 1; do [ \"\$(ifn \$s \$f)\" = $act ] && echo \$s \$f; done; done" | head -1)
ping_start 10.0.1.1
lab_cut $aslot; sleep 2
act2=$(g 'active bond0')
ping_stop
lab_restore $aslot
fig "kernel alone, ARP bond, switch port of $act cut for 2 s: $LOST of $SENT lost, longest gap $GAP ms; active slave after: $act2"
check "the ARP monitor catches it (active slave moved, traffic back within 1 s)" \
    eval '[ -n "$act2" ] && [ "$act2" != "$act" ] && [ "$GAP" -le 1000 ]'

# --- boot 2: had on conf/had.conf ---------------------------------------------------------------
say "boot 2: had on conf/had.conf"
boot had
if ! had_start conf/had.conf conf/pcidrivers.conf; then
    for s in a b c d-miimon e; do blocked "($s) $HAD_BLOCK"; done
    HAD2_BLOCK=$HAD_BLOCK
else
    HAD2_BLOCK=
    # (a) insertion
    say "(a) a dual-port card into slot 2 (function 1, then 0), a single-port card into slot 16"
    m=$(mark)
    lab_insert 2 2 && lab_insert 16 1
    gq "until_true 40 '[ \$(nslaves bond0) = 2 ] && ip -br addr | grep -q 10.0.2.1/24'"
    check "(a) had loaded e1000e from pcidrivers.conf" eval 'audit_has "\"type\":\"driver.load\".*e1000e" && g lsmod > "$OUT/lsmod.txt" && grep -q "^e1000e " "$OUT/lsmod.txt"'
    s2f0=$(g 'ifn 2 0'); s2f1=$(g 'ifn 2 1'); s16=$(g 'ifn 16 0')
    check "(a) slot 2's ports ($s2f0 = function 0, $s2f1 = function 1) both enslaved in bond0" \
        eval '[ -n "$s2f0" ] && [ -n "$s2f1" ] && g "slaves bond0" | tr " " "\n" | sort | tr "\n" " " | grep -qx "$(printf "%s\n" $s2f0 $s2f1 | sort | tr "\n" " ")"'
    check "(a) ports mapped by PCI function: bond0's primary (slot 2 port 0) is function 0's $s2f0" \
        eval '[ "$(g "cat /sys/class/net/bond0/bonding/primary")" = "$s2f0" ]'
    g 'cat /proc/net/bonding/bond0' > "$OUT/a-proc-bond0.txt"
    check "(a) bond0's options in /proc/net/bonding and sysfs: active-backup, miimon 100, primary $s2f0" \
        eval 'grep -q "Bonding Mode: fault-tolerance (active-backup)" "$OUT/a-proc-bond0.txt" &&
              grep -q "MII Polling Interval (ms): 100" "$OUT/a-proc-bond0.txt" &&
              grep -q "Primary Slave: $s2f0" "$OUT/a-proc-bond0.txt" &&
              [ "$(g "cat /sys/class/net/bond0/bonding/mode /sys/class/net/bond0/bonding/miimon" | tr "\n" " ")" = "active-backup 1 100 " ]'
    check "(a) bond0 has 10.0.1.1/24, slot 16's $s16 has config1's 10.0.2.1/24" \
        eval 'g "ip -br addr show bond0" | grep -q 10.0.1.1/24 && g "ip -br addr show $s16" | grep -q 10.0.2.1/24'
    check "(a) the peer pings bond0 (10.0.1.1) and config1 (10.0.2.1)" eval 'pings_ok 10.0.1.1 && pings_ok 10.0.2.1'
    reactions "$m" bond > "$OUT/had-bond.txt"; reactions "$m" addr > "$OUT/had-addr.txt"
    say "(a) the dual-port card in slot 12 inserted and extracted $REINSERTIONS times, e1000e already loaded"
    m=$(mark)
    reinsertions had
    reactions "$m" bond > "$OUT/had-warm.txt"
    read -r HAD_COLD HAD_WARM HAD_MED < <(reaction_summary had had)
    RATIO=$(ratio "$HAD_MED" "$BASE_MED")
    fig "(a) had vs baseline, netdev uevent -> configured, median of every port: $HAD_MED ms vs $BASE_MED ms, ratio $RATIO (target <= 1.10); first cards $(ratio "$HAD_COLD" "$BASE_COLD"), re-inserted $(ratio "$HAD_WARM" "$BASE_WARM")"
    check "(a) had reacts no slower than 1.1x the baseline (median ratio $RATIO over $(cat "$OUT"/had-{bond,addr,warm}.txt | wc -l) ports)" \
        eval '[ "$RATIO" != n/a ] && awk -v r="$RATIO" "BEGIN { exit !(r <= 1.10) }"'

    # (b) planned extraction of the card with the active slave
    say "(b) planned extraction of slot 2 (bond0's active slave) while the peer pings bond0 every 10 ms"
    lab_insert 12 2
    gq "until_true 40 '[ \$(nslaves bond0) = 4 ]'"
    act=$(g 'active bond0')
    ping_start 10.0.1.1
    t0=$(g "$LAB_CACHE/bin/labwatch now")
    lab_extract_request 2 > "$OUT/b-request.txt"
    t1=$(g "$LAB_CACHE/bin/labwatch wait /sys/bus/pci/slots/2/attention 1 30000")
    gq "until_true 20 '[ \$(cat /sys/bus/pci/slots/2/power) = 0 ]'"; sleep 1
    ping_stop
    B_LOST=$LOST
    [ -n "$t1" ] && B_LED=$(( (t1 - t0) / 1000000 )) || B_LED=
    a0=$(audit_mono '"type":"extraction.requested","slot":2'); a1=$(audit_mono '"type":"slot.led","slot":2,"on":true')
    [ -n "$a0" ] && [ -n "$a1" ] && B_LED_AUDIT=$(( (a1 - a0) / 1000000 )) || B_LED_AUDIT=
    fig "(b) extraction request -> LED on: ${B_LED_AUDIT:-?} ms in had's audit records, ${B_LED:-never} ms from running hadctl to the attention file reading 1; $LOST of $SENT pings lost (active was $act, now $(g 'active bond0'))"
    check "(b) 0 packets lost" [ "$LOST" = 0 ]
    # QEMU drops a powered-off card at once, so had sees it removed and the LED (on the card) goes dark.
    check "(b) slot 2 powered off, attention/blue LED lit (seen in sysfs and recorded)" \
        eval '[ "$(g "cat /sys/bus/pci/slots/2/power")" = 0 ] && [ -n "$t1" ] && [ -n "$a1" ]'
    check "(b) e1000e kept: slots 12 and 16 still use it" \
        eval 'g lsmod > "$OUT/lsmod.txt" && grep -q "^e1000e " "$OUT/lsmod.txt" && ! audit_has "\"type\":\"driver.unload\""'

    # (c) surprise removal
    say "(c) surprise removal (device_del, no request) of the card with bond0's active slave"
    lab_insert 2 2
    gq "until_true 40 '[ \$(nslaves bond0) = 4 ] && [ \"\$(active bond0)\" = \"\$(ifn 2 0)\" ]'"
    ping_start 10.0.1.1
    lab_yank 2
    gq "until_true 30 '[ \$(nslaves bond0) = 2 ]'"; sleep 1
    ping_stop
    C_LOST=$LOST C_GAP=$GAP
    fig "(c) surprise removal: $LOST of $SENT lost, longest gap $GAP ms (miimon 100)"
    check "(c) loss bounded by miimon: longest gap $GAP ms <= 150 ms" [ "$GAP" -le 150 ]
    check "(c) recorded as improper in the audit log" audit_soon '"type":"card.removed","slot":2,"improper":true'
    lab_insert 2 2
    check "(c) re-insertion restores the bond (4 slaves, slot 2 port 0 active again)" \
        gq "until_true 40 '[ \$(nslaves bond0) = 4 ] && [ \"\$(active bond0)\" = \"\$(ifn 2 0)\" ]'"

    # (d) miimon half: the switch side of the active port fails, carrier stays
    say "(d) switch side of slot 2 port 0 stops forwarding, carrier kept (bond0: miimon)"
    ping_start 10.0.1.1
    lab_cut 2 0; sleep 2
    act2=$(g 'active bond0'); ping_stop; lab_restore 2 0
    D_MII_LOST=$LOST
    fig "(d) miimon bond, switch port cut 2 s: $LOST of $SENT lost; active after: $act2"
    check "(d) miimon misses it: active slave unchanged, traffic lost" eval '[ "$act2" = "$(g "ifn 2 0")" ] && [ $((LOST * 2)) -ge "$SENT" ]'

    # (e) restart under traffic
    say "(e) kill -9 had while bond0 and config1 carry traffic, start it again"
    sleep 1
    before=$(g 'slaves bond0; ip -br addr | sort')
    ping_start 10.0.1.1
    m=$(mark)
    gq "kill -9 $HAD_PID"
    had_start conf/had.conf conf/pcidrivers.conf; sleep 3
    ping_stop
    E_LOST=$LOST
    after=$(g 'slaves bond0; ip -br addr | sort')
    since "$m" > "$OUT/e-events.txt"
    fig "(e) restart: $LOST of $SENT lost; kernel events in the window: $(grep -c -E ' (link|addr|deladdr|dellink) ' "$OUT/e-events.txt")"
    check "(e) no slave released (no link without master, same slaves)" \
        eval '! grep -E " link eth[0-9]+ master=- " "$OUT/e-events.txt" | grep -q . && [ "$before" = "$after" ]'
    check "(e) no address removed or re-added" eval '! grep -qE " (addr|deladdr) " "$OUT/e-events.txt"'
    check "(e) no ping lost" [ "$LOST" = 0 ]
fi

# --- boot 3: had on lab-arp.conf with the bad-card pcidrivers.conf ------------------------------
say "boot 3: had on conf/examples/lab-arp.conf, had/lab/conf/pcidrivers-lab.conf"
boot arp
if ! had_start conf/examples/lab-arp.conf had/lab/conf/pcidrivers-lab.conf; then
    for s in f d-arp; do blocked "($s) $HAD_BLOCK"; done
    HAD3_BLOCK=$HAD_BLOCK
else
    HAD3_BLOCK=
    say "(f) a good card in slot 2, an unknown card (8086:100e) in slot 12, a card whose driver does not exist (8086:100f) in slot 16"
    lab_insert 2 2 && lab_insert 12 1 e1000 && lab_insert 16 1 e1000-82545em
    gq "until_true 40 '[ \$(nslaves bond0) = 2 ]'"; sleep 3
    check "(f) unknown card ignored and recorded; no driver loaded for it" \
        eval 'audit_has "\"type\":\"card.unknown\",\"slot\":12" && g lsmod > "$OUT/lsmod.txt" && ! grep -q "^e1000 " "$OUT/lsmod.txt"'
    check "(f) failing driver: slot 16 FAILED with its attention indicator" \
        eval 'audit_has "\"type\":\"driver.error\"" && audit_has "\"type\":\"slot.state\",\"slot\":16.*FAILED" && [ "$(g "cat /sys/bus/pci/slots/16/attention")" = 1 ]'
    check "(f) the rest untouched: bond0 has slot 2's ports and answers" eval '[ "$(g "nslaves bond0")" = 2 ] && pings_ok 10.0.1.1'

    say "(d) the same switch failure on an ARP-monitored bond0 (arp_interval 100, target 10.0.1.100)"
    lab_yank 12; lab_insert 12 2 2>/dev/null || { sleep 7; lab_insert 12 2; }
    gq "until_true 40 '[ \$(nslaves bond0) = 4 ] && [ \"\$(active bond0)\" = \"\$(ifn 2 0)\" ]'"
    ping_start 10.0.1.1
    lab_cut 2 0; sleep 2
    act2=$(g 'active bond0'); ping_stop; lab_restore 2 0
    D_ARP_LOST=$LOST D_ARP_GAP=$GAP
    fig "(d) ARP bond, switch port cut 2 s: $LOST of $SENT lost, longest gap $GAP ms; active after: $act2"
    check "(d) the ARP monitor catches it: active slave moved, traffic back" eval '[ "$act2" != "$(g "ifn 2 0")" ] && [ "$LOST" -lt 100 ]'
fi

# --- boot 4: had on had/lab/conf/lab-vlan.conf: bonds of VLAN interfaces ------------------------
# Seed 000's layout. No peer answers on these VLANs (the build machine's kernel may lack 8021q),
# so what is proven is the kernel taking had's changes: VLANs made, jumbo MTUs, slaves, deletion.
say "boot 4: had on had/lab/conf/lab-vlan.conf (every port carries VLANs 253 and 254, one bond per VLAN, MTU 9000)"
boot vlan
if ! had_start had/lab/conf/lab-vlan.conf conf/pcidrivers.conf; then
    blocked "(g) $HAD_BLOCK"
else
    say "(g) dual-port cards into slots 2 and 12"
    lab_insert 2 2 && lab_insert 12 2
    gq "until_true 60 '[ \$(nslaves bond253) = 4 ] && [ \$(nslaves bond254) = 4 ]'"
    s2f0=$(g 'ifn 2 0'); s2f1=$(g 'ifn 2 1')
    g "ip -d -o link show; cat /proc/net/bonding/bond253" > "$OUT/g-links.txt"
    check "(g) had made the VLAN interfaces ($s2f0.253 is 802.1Q VLAN 253 on $s2f0) and enslaved them: 4 in bond253, 4 in bond254" \
        eval '[ "$(g "nslaves bond253")" = 4 ] && [ "$(g "nslaves bond254")" = 4 ] && grep -q "$s2f0.253@$s2f0: .* vlan protocol 802.1Q id 253 " "$OUT/g-links.txt"'
    check "(g) jumbo frames: bond253, its VLAN slaves and the ports under them at MTU 9000; primary slot 2 port 0's VLAN" \
        eval 'grep -q ": bond253: .* mtu 9000 " "$OUT/g-links.txt" && grep -q ": $s2f0.253@$s2f0: .* mtu 9000 " "$OUT/g-links.txt" &&
              grep -q ": $s2f0: .* mtu 9000 " "$OUT/g-links.txt" && grep -q "Primary Slave: $s2f0.253" "$OUT/g-links.txt" &&
              [ "$(g "active bond254")" = "$s2f1.254" ]'
    lab_extract_request 2 > /dev/null
    gq "until_true 30 '[ \$(cat /sys/bus/pci/slots/2/power) = 0 ]'"
    vlans_deleted() { local p v; for p in "$@"; do for v in 253 254; do audit_has "\"action\":\"delete $p.$v\"" || return 1; done; done; }
    check "(g) extraction of slot 2: had deleted its four VLAN interfaces before power-off; both bonds keep slot 12's" \
        eval 'vlans_deleted $s2f0 $s2f1 && [ "$(g "nslaves bond253")" = 2 ] && [ "$(g "nslaves bond254")" = 2 ] && [ "$(g "active bond253")" = "$(g "ifn 12 0").253" ]'
fi
lab_cleanup

# --- leftovers and results ----------------------------------------------------------------------
check "nothing left behind: no lab namespace, no QEMU" eval '! ip netns list | grep -q "^hadlab$$" && ! pgrep -f "$OUT/.*/qmp.sock" >/dev/null'
T_TOTAL=$(( ($(lab_ms) - T_START) / 1000 ))
say "$PASS passed, $FAIL failed, $BLOCK blocked in $T_TOTAL s"
{
    echo "# Lab results"
    echo
    echo "Written by \`make test-lab\` (had/lab/tests/run.sh) on $(date -u +%Y-%m-%d); do not edit."
    echo "Kernel $LAB_KPKG under $(qemu-system-x86_64 --version | head -1), TCG, 2 vCPUs; $(nproc) host cores."
    echo "Stage time: $T_TOTAL s. $PASS passed, $FAIL failed, $BLOCK blocked."
    echo
    echo "## Figures"
    echo
    sed 's/^/- /' "$FIG"
    echo
    echo "## Checks"
    echo
    echo '```'
    grep -E '^lab-test: +(PASS|FAIL|BLOCKED)|^lab-test: (boot|\()' "$REPORT" | sed 's/^lab-test: //'
    echo '```'
} > "$RESULTS"
say "results: $RESULTS"
[ "$FAIL" = 0 ] || exit 1
[ "$BLOCK" = 0 ] || [ "${LAB_STRICT:-0}" = 0 ] || exit 1
exit 0

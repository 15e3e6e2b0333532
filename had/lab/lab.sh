#!/bin/bash
# make lab: boots the virtual chassis, starts had in it and gives the operator a lab shell.
#
#   had/lab/lab.sh [-c HAD.CONF] [-d PCIDRIVERS.CONF] [--no-had]
#
# One QEMU slot per [slot N] of HAD.CONF (default conf/had.conf). Type "help" at the prompt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
conf=conf/had.conf drivers=conf/pcidrivers.conf start_had=1
while [ $# -gt 0 ]; do
    case $1 in
        -c) conf=$2; shift 2 ;;
        -d) drivers=$2; shift 2 ;;
        --no-had) start_had=0; shift ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) lab_die "unknown argument $1 (see --help)" ;;
    esac
done
cd "$LAB_TOP"
[ "$(id -u)" = 0 ] || lab_die "the lab needs root (network namespaces, taps)"
conf=$(readlink -f "$conf"); drivers=$(readlink -f "$drivers")
slots=$(lab_conf_slots "$conf")
[ -n "$slots" ] || lab_die "$conf has no [slot N] sections"
TAIL=
bye() { [ -n "$TAIL" ] && kill "$TAIL" 2>/dev/null; lab_cleanup; }
trap bye EXIT
trap 'exit 130' INT TERM
lab_build
lab_net_up
lab_log "booting $LAB_KPKG with slots $slots (TCG; about 15 s)"
lab_boot "$LAB_CACHE/run" $slots
lab_guest "ip link set lo up"
if [ $start_had = 1 ]; then
    lab_log "had in the guest: $(lab_had_start "$conf" "$drivers") ($conf, $drivers)"
fi
touch "$LAB_RUN/state/had.log"
tail -n +1 -F "$LAB_RUN/state/had.log" 2>/dev/null | sed -u 's/^/  had| /' &
TAIL=$!

help() {
    cat <<H
  insert SLOT [PORTS [MODEL]]  a card (default 2 ports, e1000e 8086:10d3; e1000 = 8086:100e)
  extract SLOT                 software extraction request, as from the handle (hadctl extract)
  yank SLOT                    pull the card without a request (QMP device_del; 5 s later it is gone)
  cut SLOT PORT                the switch side of a port stops forwarding (carrier stays)
  restore SLOT PORT            it forwards again
  ping [ADDR]                  from the peer: 10.0.1.1 (bond0) and 10.0.2.1 (config1), or ADDR
  status                       slots, bonds and addresses in the guest
  log [N]                      the last N lines of had's log (default 40); audit: the audit log
  hadctl ARGS...               hadctl in the guest (slots, bonds, extract SLOT, ...)
  drill FILE                   hadctl drill FILE in the guest, the lab doing its physical steps
                               (guest/perform.sh), e.g. drill conf/drills/planned-swap.drill
  guest CMD...                 run a command in the guest (e.g. guest cat /proc/net/bonding/bond0)
  quit                         stop had, QEMU and the namespaces
  slots: $slots   peer: ${LAB_PEER_BOND%/*} ${LAB_PEER_CONFIG1%/*}   run dir: $LAB_RUN
H
}
help
while IFS= read -r -e -p "lab> " line; do
    set -- $line
    [ $# = 0 ] && continue
    history -s "$line"
    case $1 in
        insert) lab_insert "$2" "${3:-2}" "${4:-e1000e}" && echo "  inserted; pciehp enumerates it in about 5 s" ;;
        extract) lab_extract_request "$2" ;;
        yank) lab_yank "$2" && echo "  pulled; the guest powers the slot off in about 5 s" ;;
        cut) lab_cut "$2" "$3" ;;
        restore) lab_restore "$2" "$3" ;;
        ping) for a in ${2:-${LAB_PEER_BOND%.*}.1 ${LAB_PEER_CONFIG1%.*}.1}; do lab_ping -c 3 -i 0.2 -W 1 "$a" | tail -2; done ;;
        status) lab_guest 'for s in /sys/bus/pci/slots/*; do echo "slot ${s##*/}: power=$(cat $s/power) attention=$(cat $s/attention) adapter=$(cat $s/adapter)"; done; for b in $(cat /sys/class/net/bonding_masters); do echo "$b: slaves=$(cat /sys/class/net/$b/bonding/slaves) active=$(cat /sys/class/net/$b/bonding/active_slave)"; done; ip -br addr; lsmod | grep -E "^(e1000|bonding)" | cut -c1-40' ;;
        hadctl) shift; lab_guest "bin/hadctl --socket /run/lab/had.sock $*" ;;
        drill)
            [ -f "${2:-}" ] || { echo "  drill FILE: no such file ${2:-}"; continue; }
            lab_drill "$2" ;;
        log) tail -n "${2:-40}" "$LAB_RUN/state/had.log" ;;
        audit) tail -n "${2:-20}" "$LAB_RUN/state/audit.log" ;;
        guest) shift; lab_guest "$*" ;;
        help|'?') help ;;
        quit|exit) break ;;
        *) echo "  unknown command $1 (help)" ;;
    esac
done

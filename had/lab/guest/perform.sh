#!/bin/bash
# The virtual chassis's hands for a drill, in the guest: hadctl drill FILE --performer
# had/lab/guest/perform.sh (had/doc/drills.md) runs this once per physical step, with the step's
# words as arguments; exit 0 once the act is done.
#
#   handle SLOT open|close          had is told, as the opened (closed) handle tells it: an
#                                   extraction request (its cancel). The lab's slots are PCIe
#                                   root ports whose attention button makes the kernel power the
#                                   slot off by itself, with no hot-swap daemon asked.
#   insert SLOT VVVV:DDDD PORTS     a card through QMP (the host), then until the guest's kernel
#   pull SLOT / yank SLOT           has it (pciehp's 5 s abort window, which a CompactPCI backplane
#                                   does not have) or no longer has it
#   link SLOT PORT up|down          the NIC's link (QMP set_link): carrier lost or back
#   path SLOT PORT up|down          the switch side of the port stops (resumes) forwarding; carrier kept
#   aer SLOT PORT KIND COUNT        the card's function PORT reports COUNT PCIe AER errors through the
#                                   kernel's aer_inject module (labwatch aer): KIND correctable or
#                                   nonfatal; the 6.1 kernel does not count a fatal error against the
#                                   card (only against its root port), so fatal is refused
#
# Host requests go out on the third serial port as "ID STEP WORDS", answered "@@ID ok" or
# "@@ID error WHY" by the host's lab_perform_serve (had/lab/lib.sh). Every call and its outcome
# is appended to /run/lab/state/perform.log, so a test can tell the steps were really done.
set -u
LOG=/run/lab/state/perform.log
TTY=/dev/ttyS2
step="$*"
note() { echo "$(date +%T.%N) $step -> $*" >> "$LOG"; }
fail() { note "error $*"; echo "$*" >&2; exit 1; }
done_() { note "ok${1:+ $1}"; exit 0; }

# host WORDS...: asks the host to do it; returns once it is done or fails with the host's reason
host() {
    stty -F "$TTY" raw -echo 115200 2>/dev/null
    exec 3<>"$TTY" || fail "cannot open $TTY"
    local id=$$.$RANDOM line
    printf '%s %s\n' "$id" "$*" >&3
    while IFS= read -r -t 90 line <&3; do
        line=${line%$'\r'}
        case $line in
            "@@$id ok") exec 3<&-; return 0 ;;
            "@@$id error "*) exec 3<&-; fail "${line#"@@$id error "}" ;;
        esac
    done
    fail "the host did not answer within 90 s (is lab_perform_serve running?)"
}

# the PCI address of a slot's function 0 as the guest's kernel names it
fn0() { local a; a=$(cat "/sys/bus/pci/slots/$1/address" 2>/dev/null) || fail "no slot $1 in this chassis"; echo "/sys/bus/pci/devices/$a.0"; }

. "$(dirname "$0")/q.sh"   # until_true

case ${1:-} in
    handle)
        [ $# = 3 ] && { [ "$3" = open ] || [ "$3" = close ]; } || fail "usage: handle SLOT open|close"
        sock=${HADCTL_SOCKET:-/run/lab/had.sock}
        out=$("$LAB_TOP/bin/hadctl" --socket "$sock" "$([ "$3" = open ] && echo extract || echo cancel)" "$2" 2>&1)
        rc=$?
        # had answered (accepted, refused, ignored: its reaction is for the drill to check)
        case $rc in 0 | 1) done_ "had: $(echo "$out" | tail -1)" ;; *) fail "hadctl: $(echo "$out" | tail -1)" ;; esac ;;
    insert)
        [ $# = 4 ] || fail "usage: insert SLOT VVVV:DDDD PORTS"
        f=$(fn0 "$2") || exit 1
        host "$@"
        until_true 30 "[ -e '$f' ]" || fail "slot $2: the kernel did not enumerate the card within 30 s"
        done_ "$(basename "$f") enumerated" ;;
    pull | yank)
        [ $# = 2 ] || fail "usage: $1 SLOT"
        f=$(fn0 "$2") || exit 1
        host "$@"
        until_true 30 "[ ! -e '$f' ]" || fail "slot $2: the kernel still has $(basename "$f") 30 s later"
        done_ ;;
    link | path)
        [ $# = 4 ] && { [ "$4" = up ] || [ "$4" = down ]; } || fail "usage: $1 SLOT PORT up|down"
        host "$@"
        done_ ;;
    aer)
        [ $# = 5 ] && { [ "$4" = correctable ] || [ "$4" = nonfatal ]; } || fail "usage: aer SLOT PORT correctable|nonfatal COUNT"
        f=$(fn0 "$2") || exit 1
        f=${f%.0}.$3
        [ -e "$f" ] || fail "slot $2 has no function $3 ($(basename "$f"))"
        modprobe aer_inject 2>/dev/null; [ -e /dev/aer_inject ] || fail "no /dev/aer_inject (the aer_inject module did not load)"
        out=$("${LAB_CACHE:?}/bin/labwatch" aer "$(basename "$f")" "$4" "$5" 2>&1) || fail "$out"
        done_ "$5 $4 error(s) injected into $(basename "$f")" ;;
    *) fail "the lab has no hands for '${1:-}' (steps: handle, insert, pull, yank, link, path, aer)" ;;
esac

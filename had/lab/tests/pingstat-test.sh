#!/bin/bash
# The lab's ping accounting (pingstat.awk) on made-up ping outputs, no QEMU: run by `make
# test-lab` before the lab boots. Each case: the output ping would print, the count asked for
# (-c), and the line pingstat.awk must give (SENT RECEIVED LOST GAP_MS EDGE PROBLEM).
set -u
AWK=${PINGSTAT_AWK:-$(dirname "$0")/pingstat.awk}   # PINGSTAT_AWK: try a changed copy
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0

# out SENT REPLIED-SEQS... : ping -D output, a reply every 13 ms from t=1700000000.000000, the
# seqs listed answered; the summary ping prints.
out() {
    local sent=$1; shift
    echo "PING 10.0.1.1 (10.0.1.1) 56(84) bytes of data."
    local s
    for s in "$@"; do
        awk -v s="$s" 'BEGIN { printf "[%.6f] 64 bytes from 10.0.1.1: icmp_seq=%d ttl=64 time=0.4 ms\n", 1700000000 + s * 0.013, s }'
    done
    echo
    echo "--- 10.0.1.1 ping statistics ---"
    echo "$sent packets transmitted, $# received, $(( (sent - $#) * 100 / sent ))% packet loss, time 3900ms"
}
expect() {   # expect NAME COUNT WANT < PING-OUTPUT (WANT: a pattern for the whole line)
    local got
    got=$(awk -v expect="$2" -f "$AWK")
    n=$((n + 1))
    if [[ $got == $3 ]]; then echo "pingstat-test: ok   $1: $got"
    else echo "pingstat-test: FAIL $1: got '$got', want '$3'"; fails=$((fails + 1)); fi
}

expect "ping never ran (no output)" 300 '0 0 0 -1 0 no summary line*' < /dev/null
expect "ping failed at once" 300 '0 0 0 -1 0 no summary line*' < <(echo "connect: Network is unreachable")
expect "ping stopped before it finished (no summary)" 300 '0 * no summary line*' < <(out 300 $(seq 1 220) | head -150)
expect "all 300 answered" 300 '300 300 0 13 0 -' < <(out 300 $(seq 1 300))
expect "the last 80 of 300 unanswered" 300 '300 220 80 13 80 -' < <(out 300 $(seq 1 220))
expect "the first 20 of 300 unanswered" 300 '300 280 20 13 20 -' < <(out 300 $(seq 21 300))
expect "11 lost in the middle: gap from -D, 12 x 13 ms" 300 '300 289 11 156 0 -' < <(out 300 $(seq 1 99) $(seq 111 300))
expect "fewer sent than expected" 400 '300 300 0 13 0 sent 300 of the 400 expected' < <(out 300 $(seq 1 300))
unreachable() {
    echo "PING 10.0.1.1 (10.0.1.1) 56(84) bytes of data."
    for s in $(seq 1 100); do printf '[1700000000.%06d] From 10.0.1.100 icmp_seq=%d Destination Host Unreachable\n' $((s * 13000)) "$s"; done
    echo "--- 10.0.1.1 ping statistics ---"
    echo "100 packets transmitted, 0 received, +100 errors, 100% packet loss, time 1300ms"
}
expect "100 'Destination Host Unreachable' lines" 100 '100 0 100 -1 100 -' < <(unreachable)
expect "replies without -D timestamps" 300 '300 300 0 -1 0 a reply without a -D timestamp' < <(out 300 $(seq 1 300) | sed 's/^\[[0-9.]*\] //')
expect "summary disagrees with the replies" 300 '300 299 1 * ping*s summary says 300 received, 299 replies counted' < <(out 300 $(seq 1 300) | sed '/icmp_seq=5 /d')
expect "a duplicate reply is one reply" 300 '300 300 0 13 0 -' < <(out 300 $(seq 1 300) |
    sed 's/^\(.*icmp_seq=7 .*\)$/\1\n\1 (DUP!)/; s/received,/received, +1 duplicates,/')

# ping -w 5 -c 100: a late reply made it send 101 and stop at its 100th reply, the 101st unawaited
expect_upto() { local got; got=$(awk -v expect="$2" -v upto="$2" -f "$AWK"); n=$((n + 1))
    if [[ $got == $3 ]]; then echo "pingstat-test: ok   $1: $got"
    else echo "pingstat-test: FAIL $1: got '$got', want '$3'"; fails=$((fails + 1)); fi; }
expect_upto "-w: 101 sent for 100 replies, the extra one unawaited" 100 '100 100 0 13 0 -' < <(out 101 $(seq 1 100))
expect_upto "-w: request 50 lost, 101 answered instead" 100 '100 99 1 26 0 -' < <(out 101 $(seq 1 49) $(seq 51 101))
expect_upto "-w: the deadline came with 100 sent, 97 answered" 100 '100 97 3 13 3 -' < <(out 100 $(seq 1 97))
# the lab's single runs: 300 counted, 56 more sent so that the counted ones' replies are awaited
expect_upto "padded: 356 sent, 300 counted, the last pads unanswered" 300 '300 300 0 13 0 -' < <(out 356 $(seq 1 346))
expect_upto "padded: a gap among the pads is not the counted requests' gap" 300 '300 300 0 13 0 -' < <(out 356 $(seq 1 300) $(seq 340 356))
expect_upto "padded: the last 5 counted unanswered, the pads answered" 300 '300 295 5 13 5 -' < <(out 356 $(seq 1 295) $(seq 301 356))
expect_upto "padded: ping stopped before all counted were sent" 300 '250 250 0 13 0 sent 250 of the 300 expected' < <(out 250 $(seq 1 250))
echo "pingstat-test: $((n - fails)) of $n cases right"
[ "$fails" = 0 ]

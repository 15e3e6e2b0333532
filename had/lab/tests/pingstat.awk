# The lab's ping accounting: one run of `ping -D -c COUNT ...` in, one line out:
#
#   SENT RECEIVED LOST GAP_MS EDGE PROBLEM
#
#   awk -v expect=COUNT -f pingstat.awk PING-OUTPUT
#   awk -v expect=COUNT -v upto=COUNT -f pingstat.awk PING-OUTPUT     (ping -w DEADLINE -c COUNT)
#
# With upto, only requests 1..upto count, in the losses and in the gaps: ping -w sends until it has
# COUNT replies, so when a reply came late it sent more than COUNT and stopped before awaiting the
# extra ones; and the lab's single runs send more than they count, so that the counted ones' replies
# are awaited (tests/run.sh, ping_start).
#
# SENT is ping's own "N packets transmitted"; RECEIVED the distinct icmp_seq of "bytes from"
# lines (a reply), and ping's summary must say the same; LOST = SENT - RECEIVED. GAP_MS is the
# longest interval between consecutive replies, from ping's -D timestamps (-1 with fewer than two
# timed replies). EDGE counts the lost requests outside any such interval: before the first reply or
# after the last (a gap cannot show those). PROBLEM is "-" when the run can be trusted, else why
# not: no summary (ping never ran, or was stopped before it finished), fewer than COUNT sent, a
# reply without a timestamp, a summary that disagrees with the replies counted.
function fail(why) { if (problem == "") problem = why }
/ bytes from / {
    if (!match($0, /icmp_seq=[0-9]+/)) { fail("a reply without icmp_seq"); next }
    seq = substr($0, RSTART + 9, RLENGTH - 9) + 0
    if (seq in seen) next                      # (DUP!): one request, one reply
    seen[seq] = 1; replies++
    if (upto && seq > upto) next
    received++
    if (first == "" || seq < first) first = seq
    if (seq > top) top = seq
    if (!match($0, /^\[[0-9]+\.[0-9]+\]/)) { fail("a reply without a -D timestamp"); next }
    t = substr($0, 2, RLENGTH - 2) * 1000
    if (timed++ && t - last > gap) gap = t - last
    last = t
    next
}
/^[0-9]+ packets transmitted, [0-9]+ received/ { sent = $1 + 0; said = $4 + 0; summary = 1 }
END {
    if (!summary) fail("no summary line: ping did not run, or did not finish")
    else if (said != replies) fail("ping's summary says " said " received, " replies + 0 " replies counted")
    if (upto && sent > upto) sent = upto
    if (sent < expect + 0) fail("sent " sent + 0 " of the " expect + 0 " expected")
    if (top > sent) fail("a reply to request " top " of " sent + 0 " sent")
    lost = sent - received
    edge = received ? (first - 1) + (sent - top) : sent
    if (timed < 2) g = -1; else g = int(gap + 0.999)
    if (problem == "") problem = "-"
    printf "%d %d %d %d %d %s\n", sent, received, lost, g, edge, problem
}

# had.conf -> the baseline's table, one line each:
#   bond NAME KEY VALUE      a bonding option (sysfs file name), "address" for its address
#   port SLOT PORT bond NAME | port SLOT PORT addr A.B.C.D/LEN
# Only what the lab's configurations use: one config per port, no VLANs.
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function prefix(m,   n, i, o, b) {
    n = split(m, o, "."); b = 0
    for (i = 1; i <= n; i++) { v = o[i] + 0; while (v > 0) { b += v % 2; v = int(v / 2) } }
    return b
}
/^[ \t]*[#;]/ || /^[ \t]*$/ { next }
/^[ \t]*\[/ { line = $0; gsub(/[\[\]]/, "", line); split(trim(line), h, /[ \t]+/); kind = h[1]; name = h[2]; next }
{
    line = $0; sub(/[ \t]+[#;].*$/, "", line)
    k = trim(substr(line, 1, index(line, "=") - 1)); v = trim(substr(line, index(line, "=") + 1))
    if (kind == "bond") { gsub(/[ \t]*,[ \t]*/, ",", v); bond[name, k] = v; if (!(name in bonds)) { bonds[name] = 1; order[++nb] = name } keys[name] = keys[name] " " k }
    else if (kind == "config") cfg[name, k] = v
    else if (kind == "slot") { port[++np] = name " " k " " v }
}
END {
    for (i = 1; i <= nb; i++) {
        b = order[i]; nk = split(keys[b], ks, " ")
        for (j = 1; j <= nk; j++) if (ks[j] != "primary") print "bond", b, ks[j], bond[b, ks[j]]
    }
    for (i = 1; i <= np; i++) {
        split(port[i], p, " "); c = p[3]
        if ((c, "bond") in cfg) print "port", p[1], p[2], "bond", cfg[c, "bond"]
        else if ((c, "address") in cfg) {
            a = cfg[c, "address"]
            if (a !~ /\//) a = a "/" (((c, "netmask") in cfg) ? prefix(cfg[c, "netmask"]) : 32)
            print "port", p[1], p[2], "addr", a
        }
    }
}

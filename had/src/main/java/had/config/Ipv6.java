package had.config;

/**
 * Strict textual IPv6 parsing (RFC 4291 section 2.2): eight groups of one to four hex digits, one
 * "::" for a run of zero groups, an optional dotted quad in place of the last two groups. No zone
 * ("%eth0"), no brackets, no prefix: those are refused by the caller with their own reasons. As
 * for {@link Ipv4}, InetAddress.getByName is not used: what it cannot parse it looks up in DNS.
 */
final class Ipv6 {
    static final String SHAPE = "write eight groups of up to four hex digits separated by colons, with"
            + " :: once for a run of zero groups, e.g. fd00:1::100";

    private Ipv6() {
    }

    /** The 16 bytes of {@code text}. */
    static byte[] parse(String what, String text) throws BadValue {
        String bad = what + " " + text + " is not an IPv6 address: " + SHAPE;
        if (text.length() > 45) throw new BadValue(bad);
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 2) >= 0) {
            throw new BadValue(what + " " + text + " has :: twice, which makes it ambiguous: " + SHAPE);
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] front = groups(head, bad, gap < 0);
        int[] back = groups(tail, bad, true);
        int count = front.length + back.length;
        if (gap < 0 ? count != 8 : count > 7) throw new BadValue(bad);
        int[] all = new int[8];
        System.arraycopy(front, 0, all, 0, front.length);
        System.arraycopy(back, 0, all, 8 - back.length, back.length);
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (all[i] >>> 8);
            bytes[2 * i + 1] = (byte) all[i];
        }
        return bytes;
    }

    /**
     * The 16-bit groups of one side of "::" ("" is none). A dotted quad is allowed as the last
     * item of the address, {@code last}, and counts as two groups.
     */
    private static int[] groups(String part, String bad, boolean last) throws BadValue {
        if (part.isEmpty()) return new int[0];
        String[] items = part.split(":", -1);
        int n = items.length;
        boolean quad = last && items[n - 1].indexOf('.') >= 0;
        int[] out = new int[quad ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String g = items[i];
            if (quad && i == n - 1) {
                int v;
                try {
                    v = Ipv4.parse("", g);
                } catch (BadValue e) {
                    throw new BadValue(bad);
                }
                out[i] = v >>> 16;
                out[i + 1] = v & 0xffff;
                continue;
            }
            if (g.isEmpty() || g.length() > 4) throw new BadValue(bad);
            int v = 0;
            for (int j = 0; j < g.length(); j++) {
                int digit = Character.digit(g.charAt(j), 16);
                if (digit < 0 || g.charAt(j) > 'f') throw new BadValue(bad);
                v = (v << 4) | digit;
            }
            out[i] = v;
        }
        return out;
    }
}

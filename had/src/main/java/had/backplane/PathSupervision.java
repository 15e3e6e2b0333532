package had.backplane;

import java.net.InetAddress;
import java.util.List;

/**
 * Path supervision of a bond ({@code path_*} keys of a {@code [bond NAME]} section): every slave
 * sends a probe to each target every {@code intervalMs} (an ARP request for an IPv4 target, a
 * Neighbor Solicitation for an IPv6 one). A slave's path goes down after {@code missed}
 * consecutive rounds in which no target answered, and comes back up only after {@code answered}
 * consecutive rounds in which one did. See had/doc/path-supervision.md.
 */
public record PathSupervision(List<InetAddress> targets, int intervalMs, int missed, int answered) {
    public static final int MAX_TARGETS = 16;
    public static final int MIN_INTERVAL_MS = 10;
    public static final int MAX_INTERVAL_MS = 60_000;
    public static final int DEFAULT_INTERVAL_MS = 100;
    public static final int DEFAULT_MISSED = 3;
    public static final int DEFAULT_ANSWERED = 2;
    public static final int MAX_COUNT = 255;

    public PathSupervision {
        targets = List.copyOf(targets);
    }

    /** The targets as the native prober takes them: "10.0.1.100,fd00:1::100". */
    public String targetList() {
        StringBuilder b = new StringBuilder();
        for (InetAddress a : targets) {
            if (b.length() > 0) b.append(',');
            b.append(a.getHostAddress());
        }
        return b.toString();
    }
}

package had.backplane;

/** A port's path as its probes show it: answered, lost, or not decided yet (counts as might-work). */
public enum PathState {
    UP, DOWN, UNKNOWN;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package had.config;

/**
 * How had treats a slot's hot-swap events (SA Forum HPI's auto-insert and auto-extract policies):
 * {@code insertion}, whether a seated card comes into service by itself or waits for an operator
 * ({@code hadctl insert N}); {@code extractionDelayMs}, how long had waits after a handle opens
 * before it acts, time in which closing the handle or {@code hadctl cancel N} keeps the card with
 * nothing moved. In a {@code [slot N]} either may be null: the chassis-wide {@code [hotswap]}
 * value holds there.
 */
public record HotSwapPolicy(Insertion insertion, Integer extractionDelayMs) {
    /** had's behaviour without a policy: a card comes into service at once, an opened handle is acted on at once. */
    public static final HotSwapPolicy DEFAULT = new HotSwapPolicy(Insertion.AUTO, 0);
    /** A slot that sets neither key. */
    public static final HotSwapPolicy NONE = new HotSwapPolicy(null, null);
    /** HPI's timeouts are open-ended; ten minutes is already longer than any technician waits at a slot. */
    public static final int MAX_EXTRACTION_DELAY_MS = 600_000;

    public enum Insertion {
        AUTO, MANUAL;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** This policy with what it leaves unset taken from {@code defaults}. */
    public HotSwapPolicy over(HotSwapPolicy defaults) {
        return new HotSwapPolicy(insertion != null ? insertion : defaults.insertion,
                extractionDelayMs != null ? extractionDelayMs : defaults.extractionDelayMs);
    }

    public boolean manualInsertion() {
        return insertion == Insertion.MANUAL;
    }

    public long extractionDelayNanos() {
        return extractionDelayMs == null ? 0 : extractionDelayMs * 1_000_000L;
    }
}

package had.config;

/**
 * How had treats a slot's card (SA Forum HPI's auto-insert and auto-extract policies, and what a
 * flapping port costs): {@code insertion}, whether a seated card comes into service by itself or
 * waits for an operator ({@code hadctl insert N}); {@code extractionDelayMs}, how long had waits
 * after a handle opens before it acts, time in which closing the handle or {@code hadctl cancel N}
 * keeps the card with nothing moved; {@code flapLimit} link or path changes of one port within
 * {@code flapWindowMs} quarantine the port until it has been quiet for {@code flapQuietMs} (or
 * {@code hadctl clear N}); a limit of 0 never quarantines. More than {@code aerLimit} correctable
 * PCIe AER errors of a card within {@code aerWindowMs} (0: never for correctable errors; any
 * uncorrectable one always) make it ailing: its traffic is moved to other cards, hitless, and its
 * attention lit, until it is extracted or {@code hadctl clear N}. In a {@code [slot N]} any of
 * them may be null: the chassis-wide {@code [hotswap]} value holds there.
 */
public record HotSwapPolicy(Insertion insertion, Integer extractionDelayMs, Integer flapLimit, Integer flapWindowMs,
                            Integer flapQuietMs, Integer aerLimit, Integer aerWindowMs) {
    /**
     * had's behaviour without a policy: a card comes into service at once, an opened handle is
     * acted on at once, and a port whose link or path changes more than 10 times in 10 s is taken
     * out of service until it has been quiet for a minute (a switch's usual link-flap guard); a
     * card reporting more than 10 correctable PCIe errors within a minute (or any uncorrectable
     * one) has its traffic moved to other cards.
     */
    public static final HotSwapPolicy DEFAULT = new HotSwapPolicy(Insertion.AUTO, 0, 10, 10_000, 60_000, 10, 60_000);
    /** A slot that sets none of the keys. */
    public static final HotSwapPolicy NONE = new HotSwapPolicy(null, null, null, null, null, null, null);
    /** HPI's timeouts are open-ended; ten minutes is already longer than any technician waits at a slot. */
    public static final int MAX_EXTRACTION_DELAY_MS = 600_000;

    public enum Insertion {
        AUTO, MANUAL;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public HotSwapPolicy(Insertion insertion, Integer extractionDelayMs) {
        this(insertion, extractionDelayMs, null, null, null, null, null);
    }

    /** This policy with what it leaves unset taken from {@code defaults}. */
    public HotSwapPolicy over(HotSwapPolicy defaults) {
        return new HotSwapPolicy(insertion != null ? insertion : defaults.insertion,
                extractionDelayMs != null ? extractionDelayMs : defaults.extractionDelayMs,
                flapLimit != null ? flapLimit : defaults.flapLimit,
                flapWindowMs != null ? flapWindowMs : defaults.flapWindowMs,
                flapQuietMs != null ? flapQuietMs : defaults.flapQuietMs,
                aerLimit != null ? aerLimit : defaults.aerLimit,
                aerWindowMs != null ? aerWindowMs : defaults.aerWindowMs);
    }

    public boolean manualInsertion() {
        return insertion == Insertion.MANUAL;
    }

    public long extractionDelayNanos() {
        return extractionDelayMs == null ? 0 : extractionDelayMs * 1_000_000L;
    }
}

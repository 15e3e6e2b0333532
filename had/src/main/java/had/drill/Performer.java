package had.drill;

/**
 * Whoever does a drill's physical steps: the hands at the chassis. On the simulated chassis that
 * is its backplane's control socket ({@link SimulatedPerformer}); on a real chassis, the operator,
 * prompted step by step ({@link OperatorPrompt}). Another chassis (a virtual lab) brings its own.
 * Each method returns once the act is done, not once had has reacted to it: a drill waits for
 * that with {@code wait}.
 */
public interface Performer extends AutoCloseable {
    /** How the summary and the audit log name it ("simulated backplane", "operator"). */
    String name();

    /** A card with these PCI ids ({@code subVendor}/{@code subDevice} -1 when not given) and ports goes into the slot. */
    void insert(Drill.Insert card) throws StepFailed;

    /** The card's handle is opened or closed. */
    void handle(int slot, boolean open) throws StepFailed;

    /** The card is taken out; {@code planned}: had has made it safe to remove (the runner has checked). */
    void remove(int slot, boolean planned) throws StepFailed;

    /** A port's link is cut or restored (cable pulled, switch port shut). */
    void link(int slot, int port, boolean up) throws StepFailed;

    /** A port's path beyond its link is cut or restored while its carrier stays up. */
    void path(int slot, int port, boolean up) throws StepFailed;

    /** One of the card's functions reports {@code count} PCIe AER errors of {@code kind} (correctable, nonfatal, fatal). */
    void aer(int slot, int port, String kind, int count) throws StepFailed;

    @Override
    default void close() {}
}

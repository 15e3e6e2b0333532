package had.core;

/**
 * PICMG 2.12 / HPI style life cycle of one chassis slot, as had sees it:
 * EMPTY → INSERTING (driver, ports appearing) → ACTIVE → EXTRACTING (quiescing) →
 * SAFE_TO_REMOVE (powered off, blue LED) → EMPTY; FAILED with a reason when a card cannot be
 * brought into service; IGNORED for a card had has no driver or configuration for. A surprise
 * removal goes from any state straight to EMPTY.
 */
public enum SlotState {
    EMPTY,
    INSERTING,
    ACTIVE,
    EXTRACTING,
    SAFE_TO_REMOVE,
    FAILED,
    IGNORED;

    /**
     * The card is in service. Its ports carry configuration in this state, and also while an
     * extraction quiesces ({@link Slot#portsConfigured}).
     */
    public boolean inService() {
        return this == ACTIVE;
    }

    /**
     * The slot life cycle's transitions, declared here once and enforced by the core: a card comes
     * into an empty slot (or a powered-off one powered again), is brought into service, failed or
     * ignored; an extraction starts from any powered state and ends safe to remove or, cancelled,
     * back in service; a failed power-on or power-off fails the slot; a card can leave any state
     * (a surprise removal). FAILED to FAILED is a new reason.
     */
    public boolean mayBecome(SlotState to) {
        return switch (this) {
            case EMPTY -> to == INSERTING;
            case INSERTING -> to == ACTIVE || to == FAILED || to == IGNORED || to == EXTRACTING || to == EMPTY;
            case ACTIVE, IGNORED -> to == EXTRACTING || to == FAILED || to == EMPTY;
            case EXTRACTING -> to == SAFE_TO_REMOVE || to == ACTIVE || to == FAILED || to == EMPTY;
            case SAFE_TO_REMOVE -> to == INSERTING || to == FAILED || to == EMPTY;
            case FAILED -> to == EXTRACTING || to == FAILED || to == EMPTY;
        };
    }

    /**
     * The slot's state in HPI's words (had/doc/slot-states.md says why each maps as it does): a
     * card safe to remove, one that failed to come into service and one had leaves alone are all
     * present and not in service, INACTIVE; the reason tells them apart.
     */
    public HpiState hpi() {
        return switch (this) {
            case EMPTY -> HpiState.NOT_PRESENT;
            case INSERTING -> HpiState.INSERTION_PENDING;
            case ACTIVE -> HpiState.ACTIVE;
            case EXTRACTING -> HpiState.EXTRACTION_PENDING;
            case SAFE_TO_REMOVE, FAILED, IGNORED -> HpiState.INACTIVE;
        };
    }

    /** States in which a card is in the slot and powered. */
    public boolean powered() {
        return this == INSERTING || this == ACTIVE || this == EXTRACTING || this == FAILED || this == IGNORED;
    }
}

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
     * (a surprise removal), and any powered card can lose its power (then it is safe to remove:
     * nothing uses it). A card found already powered off is safe to remove at once. FAILED to
     * FAILED is a new reason.
     */
    public boolean mayBecome(SlotState to) {
        return switch (this) {
            case EMPTY -> to == INSERTING || to == SAFE_TO_REMOVE;
            case INSERTING -> to == ACTIVE || to == FAILED || to == IGNORED || to == EXTRACTING || to == EMPTY
                    || to == SAFE_TO_REMOVE;
            case ACTIVE, IGNORED -> to == EXTRACTING || to == FAILED || to == EMPTY || to == SAFE_TO_REMOVE;
            case EXTRACTING -> to == SAFE_TO_REMOVE || to == ACTIVE || to == FAILED || to == EMPTY;
            case SAFE_TO_REMOVE -> to == INSERTING || to == FAILED || to == EMPTY;
            case FAILED -> to == EXTRACTING || to == FAILED || to == EMPTY || to == SAFE_TO_REMOVE;
        };
    }

    /**
     * The blue hot-swap LED of a slot in this state: lit exactly while the card may be pulled
     * without disturbing the system. PICMG 2.1 R2.0 gives the LED to system software through the
     * board's LED On/Off (LOO) bit of its Hot Swap Control/Status Register and has it lit only once
     * software has released the board (the extraction process: quiesce, disconnect, then the LED),
     * dark while the board is in use; the hardware lights it by itself only before software takes
     * the board (insertion) and after BD_SEL# breaks. For had that is SAFE_TO_REMOVE alone: the card
     * is powered off and nothing uses it. Dark for a card coming in or waiting to be admitted
     * (INSERTION_PENDING: its functions are enumerated, a driver may bind), in service, while an
     * extraction is pending (EXTRACTION_PENDING: had has not let go of it, pulling now is a surprise),
     * and for a FAILED or IGNORED card, which is still powered (the attention indicator says why
     * it needs the operator). had/doc/slot-states.md has the table.
     */
    public boolean blueLed() {
        return this == SAFE_TO_REMOVE;
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

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

    /** States in which a card is in the slot and powered. */
    public boolean powered() {
        return this == INSERTING || this == ACTIVE || this == EXTRACTING || this == FAILED || this == IGNORED;
    }
}

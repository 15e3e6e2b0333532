package had.core;

/**
 * The five hot-swap states of the SA Forum HPI specification (SaHpiHsStateT, as OpenHPI and the
 * operators' tools name them). had's own slot states are richer; each maps to one of these
 * ({@link SlotState#hpi()}, had/doc/slot-states.md).
 */
public enum HpiState {
    /** SAHPI_HS_STATE_NOT_PRESENT: no card in the slot. */
    NOT_PRESENT,
    /** SAHPI_HS_STATE_INSERTION_PENDING: a card is there and being brought into service. */
    INSERTION_PENDING,
    /** SAHPI_HS_STATE_ACTIVE: the card is in service. */
    ACTIVE,
    /** SAHPI_HS_STATE_EXTRACTION_PENDING: the card is being taken out of service. */
    EXTRACTION_PENDING,
    /** SAHPI_HS_STATE_INACTIVE: a card is there and not in service (powered off, failed, or not had's). */
    INACTIVE
}

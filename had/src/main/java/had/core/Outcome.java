package had.core;

/**
 * What the core answers to a request (an extraction, its cancel, a power-on): its {@link Kind},
 * which callers act on, and {@link #text()}, the words recorded in the audit log and shown to
 * people. The control protocol maps the kind to its codes in one place (ControlCommands, a switch
 * the compiler checks covers every kind); nothing reads the words to decide.
 */
public record Outcome(Kind kind, String why) {
    public enum Kind {
        /** Done, or under way: {@code why} says which ("accepted", "restored", ...). */
        ACCEPTED,
        /** Nothing to do: what was asked for is already so, or under way. */
        ALREADY_SO,
        /** Nothing to do: the request does not apply to the slot as it is. */
        NOT_APPLICABLE,
        /** had will not do it: it would cost service ({@code why} says what the operator can do). */
        REFUSED,
        /** Tried, and the chassis would not. */
        FAILED
    }

    static Outcome accepted(String what) { return new Outcome(Kind.ACCEPTED, what); }
    static Outcome alreadySo(String why) { return new Outcome(Kind.ALREADY_SO, why); }
    static Outcome notApplicable(String why) { return new Outcome(Kind.NOT_APPLICABLE, why); }
    static Outcome refused(String why) { return new Outcome(Kind.REFUSED, why); }
    static Outcome failed(String why) { return new Outcome(Kind.FAILED, why); }

    /** As recorded in the audit log's {@code outcome} fields. */
    public String text() {
        return switch (kind) {
            case ACCEPTED, FAILED -> why;
            case ALREADY_SO, NOT_APPLICABLE -> "ignored: " + why;
            case REFUSED -> "refused: " + why;
        };
    }

    @Override
    public String toString() {
        return text();
    }
}

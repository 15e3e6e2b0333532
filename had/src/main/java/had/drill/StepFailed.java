package had.drill;

/** A step could not be carried out; the message says why, for the operator and the audit log. */
public final class StepFailed extends Exception {
    public StepFailed(String message) {
        super(message);
    }
}

package had.backplane.bridge;

/** The simulated chassis refused a control command ({@code err ...}) or could not be reached. */
public class SimControlException extends RuntimeException {
    public SimControlException(String message) {
        super(message);
    }

    public SimControlException(String message, Throwable cause) {
        super(message, cause);
    }
}

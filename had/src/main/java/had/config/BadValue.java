package had.config;

/**
 * A value that does not parse; the message is the operator-facing explanation. Stackless: it is
 * control flow for validation, thrown and caught a few frames apart, never logged.
 */
final class BadValue extends Exception {
    BadValue(String message) {
        super(message, null, false, false);
    }
}

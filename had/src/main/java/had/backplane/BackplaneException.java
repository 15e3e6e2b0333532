package had.backplane;

/** A backplane command failed; the message says what the adapter was told by the system. */
public class BackplaneException extends RuntimeException {
    private final int errno;

    public BackplaneException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

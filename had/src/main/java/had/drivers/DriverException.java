package had.drivers;

/** A module failed to load or unload; the message carries what modprobe said. */
public class DriverException extends RuntimeException {
    public DriverException(String message) {
        super(message);
    }
}

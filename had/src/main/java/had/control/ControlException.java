package had.control;

import java.util.List;

/**
 * A request had answers with {@code "ok": false}: {@code code} is one of the protocol's codes
 * (see had/doc/control-protocol.md), the message says what happened and what to do.
 * {@code details} are extra lines, e.g. every FILE:LINE error of a refused configuration.
 */
public final class ControlException extends Exception {
    private final String code;
    private final List<String> details;

    public ControlException(String code, String message) {
        this(code, message, List.of());
    }

    public ControlException(String code, String message, List<String> details) {
        super(message);
        this.code = code;
        this.details = List.copyOf(details);
    }

    public String code() {
        return code;
    }

    public List<String> details() {
        return details;
    }
}

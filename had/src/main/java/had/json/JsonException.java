package had.json;

/** Text that is not the JSON expected; the message says where. */
public class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}

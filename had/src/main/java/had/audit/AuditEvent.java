package had.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing that happened or was done, before the log gives it a sequence number, times and its
 * place in the hash chain. {@code type} is a stable dotted name ("slot.state", "bond.enslave",
 * "bond.carrier", ...); the fields are what a report or an auditor needs, in a stable order.
 */
public record AuditEvent(String type, Map<String, Object> fields) {
    public AuditEvent {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder of(String type) {
        return new Builder(type);
    }

    public static final class Builder {
        private final String type;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder(String type) {
            this.type = type;
        }

        public Builder with(String key, Object value) {
            if (value != null) fields.put(key, value);
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(type, fields);
        }
    }
}

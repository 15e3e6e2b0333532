package had.audit;

/**
 * The append-only audit log that availability reports are computed from. {@link #record}
 * returns only once the record is durable: callers report an action done after that.
 */
public interface Audit {
    void record(AuditEvent event);
}

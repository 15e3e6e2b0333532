package had.core;

import had.audit.AuditEvent;
import had.backplane.Backplane;
import had.backplane.BackplaneException;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * A slot's blue hot-swap LED and attention indicator, written through the backplane. Each write
 * is on record (with the backplane's error when it fails, the slot then keeping what it showed
 * before), and what led to it is durable first: an operator pulls a card on what they show.
 */
final class Indicators {
    private final Backplane backplane;
    private final Consumer<AuditEvent> record;
    /** Makes what was recorded durable: an indicator tells the operator something is done. */
    private final Runnable commit;

    Indicators(Backplane backplane, Consumer<AuditEvent> record, Runnable commit) {
        this.backplane = backplane;
        this.record = record;
        this.commit = commit;
    }

    private interface Write {
        void to(int slot, boolean on);
    }

    void led(Slot s, boolean on) {
        if (write(s, "slot.led", on, backplane::setHotSwapLed)) s.led = on;
    }

    /** Lights or darkens the attention indicator, if it shows otherwise. */
    void attention(Slot s, boolean on) {
        if (s.attention != on) showAttention(s, on);
    }

    private void showAttention(Slot s, boolean on) {
        if (write(s, "slot.attention", on, backplane::setAttention)) s.attention = on;
    }

    /**
     * The first inventory is in: every slot's LED and attention indicator are written as had
     * derives them from what it found, whatever an earlier had (stopped, killed, or the controller
     * rebooted) or nobody left there, before had reports ready. A slot's LED says "safe to pull"
     * after a restart if and only if it is safe now.
     */
    void showAll(Collection<Slot> slots) {
        for (Slot s : slots) {
            led(s, s.state.blueLed());
            showAttention(s, s.attention);
        }
    }

    private boolean write(Slot s, String type, boolean on, Write w) {
        commit.run();
        AuditEvent.Builder r = AuditEvent.of(type).with("slot", s.number).with("on", on);
        try {
            w.to(s.number, on);
        } catch (BackplaneException e) {
            record.accept(r.with("error", e.getMessage()).build());
            return false;
        }
        record.accept(r.build());
        return true;
    }
}

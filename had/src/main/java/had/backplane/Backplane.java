package had.backplane;

import java.util.function.Consumer;

/**
 * The chassis backplane: PICMG 2.12 hot-swap events in, slot power and indicators out.
 * Adapters: picmg-bridge through jnr-ffi (kernel or simulated backend).
 */
public interface Backplane extends AutoCloseable {
    /**
     * Starts delivering events to {@code sink} from the adapter's own thread. The first events
     * describe what is already in the chassis (a {@link BackplaneEvent.CardInserted} per occupied
     * slot, a {@link BackplaneEvent.NetdevAdded} per existing interface, then a
     * {@link BackplaneEvent.Resync}), so a restarted daemon sees the same picture as one that
     * watched every insertion.
     */
    void start(Consumer<BackplaneEvent> sink);

    void powerOn(int slot);

    void powerOff(int slot);

    /** The blue hot-swap LED: lit means the card may be pulled. */
    void setHotSwapLed(int slot, boolean on);

    /** The attention indicator: something about this slot needs the operator. */
    void setAttention(int slot, boolean on);

    @Override
    void close();
}

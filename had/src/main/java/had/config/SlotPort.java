package had.config;

/** A port named the operator's way: the card in {@code slot}, its Ethernet subdevice {@code port}. */
public record SlotPort(int slot, int port) {
    @Override
    public String toString() {
        return "slot " + slot + " port " + port;
    }
}

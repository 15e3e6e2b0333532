package had.network;

/** How often the 802.3ad partner is asked to send LACPDUs. */
public enum LacpRate implements KernelEnum {
    SLOW("slow", 0),
    FAST("fast", 1);

    private final String kernelName;
    private final int number;

    LacpRate(String kernelName, int number) {
        this.kernelName = kernelName;
        this.number = number;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }

    @Override
    public int number() {
        return number;
    }
}

package had.network;

/** How often the 802.3ad partner is asked to send LACPDUs. */
public enum LacpRate implements KernelEnum {
    SLOW("slow"),
    FAST("fast");

    private final String kernelName;

    LacpRate(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }
}

package had.network;

/** What happens to MAC addresses when the active slave changes. */
public enum FailOverMac implements KernelEnum {
    NONE("none"),
    ACTIVE("active"),
    FOLLOW("follow");

    private final String kernelName;

    FailOverMac(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }
}

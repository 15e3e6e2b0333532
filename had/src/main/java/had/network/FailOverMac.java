package had.network;

/** What happens to MAC addresses when the active slave changes. */
public enum FailOverMac implements KernelEnum {
    NONE("none", 0),
    ACTIVE("active", 1),
    FOLLOW("follow", 2);

    private final String kernelName;
    private final int number;

    FailOverMac(String kernelName, int number) {
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

package had.network;

/** When the primary slave takes the active role back after it recovers. */
public enum PrimaryReselect implements KernelEnum {
    ALWAYS("always", 0),
    BETTER("better", 1),
    FAILURE("failure", 2);

    private final String kernelName;
    private final int number;

    PrimaryReselect(String kernelName, int number) {
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

package had.network;

/** When the primary slave takes the active role back after it recovers. */
public enum PrimaryReselect implements KernelEnum {
    ALWAYS("always"),
    BETTER("better"),
    FAILURE("failure");

    private final String kernelName;

    PrimaryReselect(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }
}

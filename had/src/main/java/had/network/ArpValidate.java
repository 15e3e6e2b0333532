package had.network;

/** Which slaves the ARP monitor validates replies on. */
public enum ArpValidate implements KernelEnum {
    NONE("none"),
    ACTIVE("active"),
    BACKUP("backup"),
    ALL("all"),
    FILTER("filter"),
    FILTER_ACTIVE("filter_active"),
    FILTER_BACKUP("filter_backup");

    private final String kernelName;

    ArpValidate(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }
}

package had.network;

/** Which slaves the ARP monitor validates replies on. */
public enum ArpValidate implements KernelEnum {
    NONE("none", 0),
    ACTIVE("active", 1),
    BACKUP("backup", 2),
    ALL("all", 3),
    FILTER("filter", 4),
    FILTER_ACTIVE("filter_active", 5),
    FILTER_BACKUP("filter_backup", 6);

    private final String kernelName;
    private final int number;

    ArpValidate(String kernelName, int number) {
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

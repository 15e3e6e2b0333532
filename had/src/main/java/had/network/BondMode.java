package had.network;

/** The bonding driver's modes, with the names and numbers the driver accepts. */
public enum BondMode implements KernelEnum {
    BALANCE_RR("balance-rr", 0),
    ACTIVE_BACKUP("active-backup", 1),
    BALANCE_XOR("balance-xor", 2),
    BROADCAST("broadcast", 3),
    IEEE_802_3AD("802.3ad", 4),
    BALANCE_TLB("balance-tlb", 5),
    BALANCE_ALB("balance-alb", 6);

    private final String kernelName;
    private final int number;

    BondMode(String kernelName, int number) {
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

    /** Modes with one active slave, where primary and an explicit active slave mean something. */
    public boolean hasActiveSlave() {
        return this == ACTIVE_BACKUP || this == BALANCE_TLB || this == BALANCE_ALB;
    }
}

package had.network;

/** The bonding driver's modes, with the names and numbers the driver accepts. */
public enum BondMode implements KernelEnum {
    BALANCE_RR("balance-rr"),
    ACTIVE_BACKUP("active-backup"),
    BALANCE_XOR("balance-xor"),
    BROADCAST("broadcast"),
    IEEE_802_3AD("802.3ad"),
    BALANCE_TLB("balance-tlb"),
    BALANCE_ALB("balance-alb");

    private final String kernelName;

    BondMode(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }

    /** Modes with one active slave, where primary and an explicit active slave mean something. */
    public boolean hasActiveSlave() {
        return this == ACTIVE_BACKUP || this == BALANCE_TLB || this == BALANCE_ALB;
    }
}

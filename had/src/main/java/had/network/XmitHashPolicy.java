package had.network;

/** How balance-xor, 802.3ad and tlb spread flows over slaves. */
public enum XmitHashPolicy implements KernelEnum {
    LAYER2("layer2", 0),
    LAYER3_4("layer3+4", 1),
    LAYER2_3("layer2+3", 2),
    ENCAP2_3("encap2+3", 3),
    ENCAP3_4("encap3+4", 4),
    VLAN_SRCMAC("vlan+srcmac", 5);

    private final String kernelName;
    private final int number;

    XmitHashPolicy(String kernelName, int number) {
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

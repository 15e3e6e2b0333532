package had.network;

/** How balance-xor, 802.3ad and tlb spread flows over slaves. */
public enum XmitHashPolicy implements KernelEnum {
    LAYER2("layer2"),
    LAYER3_4("layer3+4"),
    LAYER2_3("layer2+3"),
    ENCAP2_3("encap2+3"),
    ENCAP3_4("encap3+4"),
    VLAN_SRCMAC("vlan+srcmac");

    private final String kernelName;

    XmitHashPolicy(String kernelName) {
        this.kernelName = kernelName;
    }

    @Override
    public String kernelName() {
        return kernelName;
    }
}

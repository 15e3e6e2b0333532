package had.backplane;

/**
 * One PCI function of a card. {@code function} is the function number (the F in BB:DD.F); ports
 * are mapped to had.conf subdevices in function order, never by interface name.
 */
public record PciFunction(String address, int function, PciId id, int pciClass) {
    public PciFunction {
        if (address == null || address.isEmpty()) throw new IllegalArgumentException("PCI address missing");
        if (function < 0 || function > 7) throw new IllegalArgumentException("PCI function out of range: " + function);
    }

    /** PCI class 0x02xxxx is a network controller. */
    public boolean isNetwork() {
        return (pciClass >>> 16) == 0x02;
    }
}

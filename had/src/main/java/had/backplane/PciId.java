package had.backplane;

/**
 * PCI identity of one function: vendor and device, plus the subsystem ids that tell apart
 * boards built around the same chip. Subsystem ids are -1 when the source did not report them.
 */
public record PciId(int vendor, int device, int subVendor, int subDevice) {
    public static final int ANY = -1;

    public PciId {
        checkId("vendor", vendor, false);
        checkId("device", device, false);
        checkId("subsystem vendor", subVendor, true);
        checkId("subsystem device", subDevice, true);
    }

    public PciId(int vendor, int device) {
        this(vendor, device, ANY, ANY);
    }

    /**
     * Whether this id, used as a pattern, names {@code card}: the same vendor and device, and the
     * same subsystem ids unless this pattern leaves them open ({@link #ANY}).
     */
    public boolean covers(PciId card) {
        if (vendor != card.vendor || device != card.device) return false;
        return subVendor == ANY || (subVendor == card.subVendor && subDevice == card.subDevice);
    }

    private static void checkId(String what, int v, boolean optional) {
        if ((optional && v == ANY) || (v >= 0 && v <= 0xffff)) return;
        throw new IllegalArgumentException("PCI " + what + " id out of range: " + v);
    }

    @Override
    public String toString() {
        String s = String.format("%04x:%04x", vendor, device);
        return subVendor == ANY ? s : s + String.format(" (%04x:%04x)", subVendor, subDevice);
    }
}

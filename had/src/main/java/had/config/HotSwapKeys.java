package had.config;

/**
 * The hot-swap policy keys, the same in {@code [hotswap]} (the chassis-wide default) and in a
 * {@code [slot N]} (that slot alone): {@code insertion = auto|manual}, {@code extraction_delay = MS}.
 */
final class HotSwapKeys {
    static final String INSERTION = "insertion";
    static final String EXTRACTION_DELAY = "extraction_delay";

    private HotSwapKeys() {
    }

    static boolean isOne(String key) {
        return key.equals(INSERTION) || key.equals(EXTRACTION_DELAY);
    }

    /** {@code policy} with the entry's key set from its value; unchanged (and the error reported) when the value is bad. */
    static HotSwapPolicy apply(HotSwapPolicy policy, IniEntry e, Diagnostics d) {
        try {
            if (e.key().equals(INSERTION)) return new HotSwapPolicy(insertion(e.value()), policy.extractionDelayMs());
            return new HotSwapPolicy(policy.insertion(), Values.integer(EXTRACTION_DELAY, e.value(), 0,
                    HotSwapPolicy.MAX_EXTRACTION_DELAY_MS, "milliseconds", 2000));
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return policy;
        }
    }

    private static HotSwapPolicy.Insertion insertion(String text) throws BadValue {
        for (HotSwapPolicy.Insertion i : HotSwapPolicy.Insertion.values()) if (i.word().equals(text)) return i;
        throw new BadValue("insertion = " + text + " is not a policy: write auto (a seated card comes into service"
                + " at once) or manual (it waits in INSERTING until hadctl insert N admits it)");
    }
}

package had.config;

import java.util.List;

/**
 * A slot's policy keys, the same in {@code [hotswap]} (the chassis-wide default) and in a
 * {@code [slot N]} (that slot alone): {@code insertion = auto|manual}, {@code extraction_delay = MS},
 * {@code flap_limit = N}, {@code flap_window = MS}, {@code flap_quiet = MS}, {@code aer_limit = N},
 * {@code aer_window = MS}.
 */
final class HotSwapKeys {
    static final String INSERTION = "insertion";
    static final String EXTRACTION_DELAY = "extraction_delay";
    static final String FLAP_LIMIT = "flap_limit";
    static final String FLAP_WINDOW = "flap_window";
    static final String FLAP_QUIET = "flap_quiet";
    static final String AER_LIMIT = "aer_limit";
    static final String AER_WINDOW = "aer_window";
    static final List<String> ALL = List.of(INSERTION, EXTRACTION_DELAY, FLAP_LIMIT, FLAP_WINDOW, FLAP_QUIET, AER_LIMIT,
            AER_WINDOW);

    private HotSwapKeys() {
    }

    static boolean isOne(String key) {
        return ALL.contains(key);
    }

    /** {@code p} with the entry's key set from its value; unchanged (and the error reported) when the value is bad. */
    static HotSwapPolicy apply(HotSwapPolicy p, IniEntry e, Diagnostics d) {
        HotSwapPolicy.Insertion insertion = p.insertion();
        Integer delay = p.extractionDelayMs(), limit = p.flapLimit(), window = p.flapWindowMs(), quiet = p.flapQuietMs();
        Integer aerLimit = p.aerLimit(), aerWindow = p.aerWindowMs();
        String v = e.value();
        try {
            switch (e.key()) {
                case INSERTION -> insertion = insertion(v);
                case EXTRACTION_DELAY -> delay = Values.integer(EXTRACTION_DELAY, v, 0, HotSwapPolicy.MAX_EXTRACTION_DELAY_MS,
                        "milliseconds", 2000);
                case FLAP_LIMIT -> limit = Values.integer(FLAP_LIMIT, v, 0, 1000, "link or path changes; 0: never", 10);
                case FLAP_WINDOW -> window = Values.integer(FLAP_WINDOW, v, 100, 3_600_000, "milliseconds", 10_000);
                case FLAP_QUIET -> quiet = Values.integer(FLAP_QUIET, v, 1000, 86_400_000, "milliseconds", 60_000);
                case AER_LIMIT -> aerLimit = Values.integer(AER_LIMIT, v, 0, 1_000_000,
                        "correctable PCIe errors; 0: never for correctable errors", 10);
                default -> aerWindow = Values.integer(AER_WINDOW, v, 1000, 86_400_000, "milliseconds", 60_000);
            }
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return p;
        }
        return new HotSwapPolicy(insertion, delay, limit, window, quiet, aerLimit, aerWindow);
    }

    private static HotSwapPolicy.Insertion insertion(String text) throws BadValue {
        for (HotSwapPolicy.Insertion i : HotSwapPolicy.Insertion.values()) if (i.word().equals(text)) return i;
        throw new BadValue("insertion = " + text + " is not a policy: write auto (a seated card comes into service"
                + " at once) or manual (it waits in INSERTING until hadctl insert N admits it)");
    }
}

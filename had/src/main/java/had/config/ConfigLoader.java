package had.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads /etc/had.conf and /etc/pcidrivers.conf into a {@link ChassisConfig}, or reports every
 * error in both files. Nothing half-applies: either both files are entirely valid and a complete
 * configuration comes back, or the caller gets the errors and keeps what it had.
 *
 * <p>Never throws for anything a file can contain: the loader is also what a running daemon calls
 * on reload, and a bad file must be refused, not crash the daemon.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_HAD_CONF = Path.of("/etc/had.conf");
    public static final Path DEFAULT_DRIVERS_CONF = Path.of("/etc/pcidrivers.conf");

    /** Reads and checks both files. */
    public LoadResult load(Path hadConf, Path driversConf) {
        Diagnostics had = new Diagnostics(hadConf);
        Diagnostics drivers = new Diagnostics(driversConf);
        Optional<String> hadText = ConfigFile.read(hadConf, had);
        Optional<String> driversText = ConfigFile.read(driversConf, drivers);
        return check(hadConf, hadText.orElse(null), had, driversConf, driversText.orElse(null), drivers);
    }

    /**
     * Checks both files' contents as if read from {@code hadConf} and {@code driversConf} (which
     * only name them in errors), for callers that already hold the text.
     */
    public LoadResult parse(Path hadConf, String hadText, Path driversConf, String driversText) {
        return check(hadConf, hadText, new Diagnostics(hadConf), driversConf, driversText, new Diagnostics(driversConf));
    }

    private LoadResult check(Path hadConf, String hadText, Diagnostics had,
                             Path driversConf, String driversText, Diagnostics drivers) {
        HadConfDraft draft = null;
        DriverTable table = null;
        if (hadText != null && fits(hadText, had)) draft = guarded(() -> readHadConf(hadText, had), had);
        if (driversText != null && fits(driversText, drivers)) table = guarded(() -> DriversFileParser.parse(driversText, drivers), drivers);

        if (draft != null && table != null) expectedCardsHaveDrivers(draft, table, driversConf, had);
        List<ConfigError> errors = new ArrayList<>(had.errors());
        errors.addAll(drivers.errors());
        List<ConfigError> warnings = new ArrayList<>(had.warnings());
        warnings.addAll(drivers.warnings());
        if (!errors.isEmpty()) return new LoadResult(null, errors, warnings);
        ChassisConfig config = new ChassisConfig(hadConf, driversConf, draft.domains,
                values(draft.bonds), values(draft.configs), values(draft.slots), table, draft.hotswap, draft.metrics);
        return new LoadResult(config, errors, warnings);
    }

    /** A slot that expects a card no line of pcidrivers.conf drives would leave that card unconfigured. */
    private static void expectedCardsHaveDrivers(HadConfDraft draft, DriverTable table, Path driversConf, Diagnostics d) {
        for (Located<SlotConfig> l : draft.slots.values()) {
            had.backplane.PciId card = l.value().card();
            if (card == null || table.moduleFor(card).isPresent()) continue;
            d.warning(l.lineOf(SlotSection.CARD), "[slot " + l.value().slot() + "] expects card " + card
                    + ", but " + driversConf + " maps no driver to it: had loads none for that card (it stays"
                    + " IGNORED unless a driver is already bound); add a line such as "
                    + String.format("%04x:%04x", card.vendor(), card.device()) + "  MODULE");
        }
    }

    private static HadConfDraft readHadConf(String text, Diagnostics d) {
        HadConfDraft draft = HadConfParser.parse(IniReader.read(text, d), d);
        CrossChecks.check(draft, d);
        return draft;
    }

    private static boolean fits(String text, Diagnostics d) {
        if (text.length() <= ConfigFile.MAX_BYTES) return true;
        d.error(0, "is " + text.length() + " characters; a configuration file is a few kilobytes (limit "
                + ConfigFile.MAX_BYTES + "): is this the right file?");
        return false;
    }

    /**
     * A bug in a check must not take the daemon down on reload: it becomes an error that refuses
     * the file. The fuzz tests assert this never happens.
     */
    private static <T> T guarded(java.util.function.Supplier<T> step, Diagnostics d) {
        try {
            return step.get();
        } catch (RuntimeException | StackOverflowError e) {
            d.error(0, "internal error while checking this file (" + e + "); please report it with the file");
            return null;
        }
    }

    private static <K, V> java.util.Map<K, V> values(java.util.Map<K, Located<V>> located) {
        java.util.Map<K, V> out = new java.util.LinkedHashMap<>();
        located.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }
}

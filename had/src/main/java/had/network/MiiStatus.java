package had.network;

import java.util.Optional;

/**
 * The bonding driver's four-state view of one slave's link, with the words /proc/net/bonding
 * prints. Only {@link #UP} counts as working: a slave "going down" is still the active one until
 * its downdelay runs out, but the driver no longer counts it when it decides the bond's carrier.
 */
public enum MiiStatus {
    UP("up"),
    FAIL("going down"),
    DOWN("down"),
    BACK("going back");

    private final String kernelWords;

    MiiStatus(String kernelWords) {
        this.kernelWords = kernelWords;
    }

    public String kernelWords() {
        return kernelWords;
    }

    public boolean working() {
        return this == UP;
    }

    public static Optional<MiiStatus> parse(String text) {
        String t = text.trim();
        for (MiiStatus s : values()) if (s.kernelWords.equals(t)) return Optional.of(s);
        return Optional.empty();
    }
}

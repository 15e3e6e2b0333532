package had.network;

import java.util.Locale;
import java.util.Optional;

/** A bonding option value the driver knows both by name and by number ("802.3ad" and "4"). */
public interface KernelEnum {
    String kernelName();

    /** The driver numbers every one of these option values in declaration order, from 0. */
    default int number() {
        return ((Enum<?>) this).ordinal();
    }

    /** Parses a name or a number, as the bonding driver's sysfs files accept them. */
    static <E extends Enum<E> & KernelEnum> Optional<E> parse(Class<E> type, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.kernelName().equals(t) || String.valueOf(e.number()).equals(t)) return Optional.of(e);
        }
        return Optional.empty();
    }

    /** "name (n)" for every value, for error messages that tell the operator what is accepted. */
    static <E extends Enum<E> & KernelEnum> String choices(Class<E> type) {
        StringBuilder sb = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.kernelName()).append(" (").append(e.number()).append(')');
        }
        return sb.toString();
    }
}

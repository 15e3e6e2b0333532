package had.config;

import java.util.List;
import java.util.Map;

/** {@code [metrics]}: the Prometheus endpoint (had.conf(5)). */
final class MetricsSection {
    static final List<String> KEYS = List.of(MetricsConfig.LISTEN);

    private MetricsSection() {
    }

    /** The endpoint, or null after reporting why there is none. */
    static MetricsConfig parse(IniSection s, Diagnostics d) {
        Map<String, IniEntry> k = SectionKeys.index(s, "[metrics]", KEYS, d);
        IniEntry listen = k.get(MetricsConfig.LISTEN);
        if (listen == null) {
            if (!d.hasErrors()) {
                d.error(s.line(), "[metrics] has no listen key: " + MetricsConfig.SHAPE
                        + " (remove the section to serve no metrics)");
            }
            return null;
        }
        try {
            return MetricsConfig.listen(listen.value());
        } catch (BadValue bad) {
            d.error(listen.line(), bad.getMessage());
            return null;
        }
    }
}

package had.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns had.conf's sections into a {@link HadConfDraft}: recognises the section types, refuses
 * unknown and duplicate sections, and hands each section to its own parser.
 */
final class HadConfParser {
    private static final List<String> TYPES = List.of("domains", "hotswap", "metrics", "bond", "config", "slot");
    /** The section types, as every message that lists them says them. */
    static final String SHAPES = "[domains], [hotswap], [metrics], [bond NAME], [config NAME] or [slot N]";

    private HadConfParser() {
    }

    static HadConfDraft parse(List<IniSection> sections, Diagnostics d) {
        HadConfDraft draft = new HadConfDraft();
        Map<String, Integer> seen = new HashMap<>();
        for (IniSection s : sections) {
            String[] words = s.header().split("\\s+");
            String type = words[0];
            if (!TYPES.contains(type)) {
                String close = Suggest.closest(type, TYPES);
                d.error(s.line(), "unknown section type '" + type + "' in [" + s.header() + "]: "
                        + (close != null ? "did you mean '" + close + "'? Sections are " : "sections are ") + SHAPES);
                continue;
            }
            boolean named = !type.equals("domains") && !type.equals("hotswap") && !type.equals("metrics");
            if (named ? words.length != 2 : words.length != 1) {
                d.error(s.line(), "[" + s.header() + "] is not a valid header: write " + shape(type));
                continue;
            }
            String name = named ? words[1] : "";
            String id;
            try {
                id = identity(type, name);
            } catch (BadValue bad) {
                d.error(s.line(), bad.getMessage());
                continue;
            }
            Integer first = seen.putIfAbsent(id, s.line());
            if (first != null) {
                d.error(s.line(), "duplicate section [" + id + "]: it is already at line " + first
                        + "; merge the two into one section");
                continue;
            }
            switch (type) {
                case "domains" -> draft.domains.addAll(DomainsSection.parse(s, d));
                case "hotswap" -> draft.hotswap = HotSwapSection.parse(s, d);
                case "metrics" -> draft.metrics = MetricsSection.parse(s, d);
                case "bond" -> draft.bonds.put(name, BondSection.parse(s, name, d));
                case "config" -> draft.configs.put(name, PortConfigSection.parse(s, name, d));
                default -> {
                    int slot = Integer.parseInt(id.substring("slot ".length()));
                    draft.slots.put(slot, SlotSection.parse(s, slot, d));
                }
            }
        }
        return draft;
    }

    /** The section's identity for duplicate detection: [slot 02] and [slot 2] are one slot. */
    private static String identity(String type, String name) throws BadValue {
        switch (type) {
            case "domains":
            case "hotswap":
            case "metrics":
                return type;
            case "bond":
                Names.interfaceName("bond name", name);
                return "bond " + name;
            case "config":
                Names.configName(name);
                return "config " + name;
            default:
                int slot;
                try {
                    slot = Values.integer("slot", name, SlotSection.MIN_SLOT, SlotSection.MAX_SLOT, "");
                } catch (BadValue bad) {
                    throw new BadValue("[slot " + name + "]: slot must be a number " + SlotSection.MIN_SLOT
                            + ".." + SlotSection.MAX_SLOT + " (a CompactPCI backplane has at most "
                            + SlotSection.MAX_SLOT + " slots)");
                }
                return "slot " + slot;
        }
    }

    private static String shape(String type) {
        return switch (type) {
            case "domains" -> "[domains] (no name)";
            case "hotswap" -> "[hotswap] (no name)";
            case "metrics" -> "[metrics] (no name)";
            case "bond" -> "[bond NAME], e.g. [bond bond0]";
            case "config" -> "[config NAME], e.g. [config config1]";
            default -> "[slot N], e.g. [slot 2]";
        };
    }
}

package had.config;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code [domains]}: the I/O domains this controller owns ({@code control = 1, 2} on the seed's
 * two-domain Motorola 8216). A chassis with a single domain leaves the section out, and the set
 * is empty: there is nothing to claim.
 */
final class DomainsSection {
    private DomainsSection() {
    }

    static Set<Integer> parse(IniSection s, Diagnostics d) {
        Map<String, IniEntry> k = SectionKeys.index(s, "[domains]", SectionKeys.DOMAINS, d);
        IniEntry control = k.get("control");
        Set<Integer> domains = new LinkedHashSet<>();
        if (control == null) {
            if (s.entries().stream().noneMatch(e -> e.key().equals("control"))) {
                d.error(s.line(), "[domains] does not say which domains this controller owns: add"
                        + " control = 1, 2 (or leave the section out on a single-domain chassis)");
            }
            return domains;
        }
        try {
            for (String item : Values.list("control", control.value())) {
                int domain;
                try {
                    domain = Values.integer("domain", item, SlotSection.MIN_SLOT, SlotSection.MAX_SLOT, "");
                } catch (BadValue bad) {
                    throw new BadValue("control = " + control.value() + ": domain " + item + " is not a number"
                            + " " + SlotSection.MIN_SLOT + ".." + SlotSection.MAX_SLOT + "; list the I/O domains"
                            + " this controller owns, e.g. control = 1, 2");
                }
                if (!domains.add(domain)) {
                    d.error(control.line(), "control lists domain " + domain + " twice: list each domain once");
                }
            }
        } catch (BadValue bad) {
            d.error(control.line(), bad.getMessage());
        }
        return domains;
    }
}

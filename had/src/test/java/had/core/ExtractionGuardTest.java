package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditEvent;
import had.network.BondMode;
import had.network.BondOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extraction guard with {@link WorkingPort}'s one definition: a slave the driver still counts
 * up but whose carrier is gone does not work, and in 802.3ad the bond's min_links is the floor.
 */
class ExtractionGuardTest {
    private static BondOptions lacp(int minLinks) {
        BondOptions d = BondOptions.defaults(BondMode.IEEE_802_3AD);
        return d.withPrimary(null).with(had.network.BondOption.MIN_LINKS, minLinks);
    }

    private static String outcome(CoreFixture f) {
        List<AuditEvent> r = f.audits("extraction.requested");
        return (String) r.get(r.size() - 1).fields().get("outcome");
    }

    @Test
    void in8023adAnExtractionThatLeavesFewerThanMinLinksIsRefusedUnlessForced() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216(lacp(3)));
        assertEquals(4, f.chassis.bonds().get(0).working());
        assertEquals("refused", f.chassis.requestExtraction(2, false, "hadctl").kind().name().toLowerCase());
        assertEquals("refused: bond0 would keep 2 working slaves, fewer than its min_links 3 (the driver takes it down)"
                + " (close the handle, or force the extraction to accept the outage)", outcome(f));
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(Outcome.Kind.ACCEPTED, f.chassis.requestExtraction(2, true, "hadctl").kind());
    }

    @Test
    void in8023adAnExtractionThatKeepsMinLinksGoesAhead() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216(lacp(2)));
        assertEquals(Outcome.Kind.ACCEPTED, f.chassis.requestExtraction(2, false, "hadctl").kind());
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
    }

    @Test
    void aSlaveWhoseCarrierIsGoneDoesNotWorkEvenBeforeTheDriverNotices() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        // Slot 12's cables are pulled; the driver's next MII check (miimon 100) is still to come.
        for (String p : List.of(f.port(12, 0), f.port(12, 1))) f.net.setPhysicalLink(p, false);
        assertEquals(4, f.net.read().bond("bond0").slavesMiiUp(), "the driver still counts them up");
        assertEquals(2, f.chassis.bonds().get(0).working(), "had does not");
        assertEquals(Outcome.Kind.REFUSED, f.chassis.requestExtraction(2, false, "hadctl").kind());
        assertTrue(outcome(f).startsWith("refused: bond0 would lose its last working slave"), outcome(f));
    }

    @Test
    void bondsOfVlansOnTheCardCountToo() {
        // Seed 000: bond253 and bond254 are made of VLANs on the two ports of the card in slot 3.
        CoreFixture v = new CoreFixture(Configs.vlanBonds());
        v.resync();
        v.insert(3, Configs.E1000E, 2);
        v.advance(500);
        assertEquals(SlotState.ACTIVE, v.state(3));
        assertEquals(Outcome.Kind.REFUSED, v.chassis.requestExtraction(3, false, "hadctl").kind());
        assertTrue(outcome(v).startsWith("refused: bond253 would lose its last working slave"), outcome(v));
    }
}

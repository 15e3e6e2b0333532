package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.config.ChassisConfig;
import had.config.HotSwapPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A port whose link flaps is taken out of service (out of its bond, its address withdrawn) until quiet. */
class FlapQuarantineTest {
    private static ChassisConfig with(HotSwapPolicy hotswap) {
        ChassisConfig c = Configs.motorola8216();
        return new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(), c.configs(), c.slots(), c.drivers(),
                hotswap);
    }

    /** The link of {@code ifname} goes down and up {@code times} times, 100 ms each way. */
    private static void flap(CoreFixture f, String ifname, int times) {
        int slot = f.chassis.slotView(12).ports().containsValue(ifname) ? 12 : 16;
        for (int i = 0; i < times; i++) {
            for (boolean up : new boolean[] {false, true}) {
                f.net.setPhysicalLink(ifname, up);
                f.send(new BackplaneEvent.LinkChanged(slot, ifname, up, f.clock.nanos()));
                f.advance(100);
            }
        }
    }

    @Test
    void aFlappingPortLeavesItsBondUntilItHasBeenQuiet() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216()); // the defaults: 10 changes in 10 s, 60 s quiet
        String p = f.port(12, 0);
        flap(f, p, 5); // 10 changes: not more than the limit
        assertTrue(f.net.read().bond("bond0").slaves().contains(p));
        assertTrue(f.audits("port.quarantined").isEmpty());
        flap(f, p, 1); // the 11th and 12th
        AuditEvent q = f.audits("port.quarantined").get(0);
        assertEquals(12, q.fields().get("slot"));
        assertEquals(0, q.fields().get("port"));
        assertEquals(11, q.fields().get("changes"));
        assertEquals("link", q.fields().get("last"));
        assertFalse(f.net.read().bond("bond0").slaves().contains(p), "out of bond0");
        assertTrue(f.net.read().link(p).up(), "still up: its link is still watched");
        assertTrue(f.chassis.slotView(12).attention());
        assertEquals(List.of(0), f.chassis.slotView(12).quarantined());
        assertEquals(SlotState.ACTIVE, f.state(12), "the card's other port stays in service");
        assertTrue(f.net.read().bond("bond0").slaves().contains(f.port(12, 1)));

        f.advance(59_000);
        assertFalse(f.net.read().bond("bond0").slaves().contains(p), "not quiet for 60 s yet");
        flap(f, p, 1); // a change while quarantined: the quiet period starts again
        f.advance(59_000);
        assertFalse(f.net.read().bond("bond0").slaves().contains(p));
        f.advance(1_500);
        assertTrue(f.net.read().bond("bond0").slaves().contains(p), "back after 60 s of quiet");
        assertEquals("quiet for 60000 ms", f.audits("port.released").get(0).fields().get("reason"));
        assertFalse(f.chassis.slotView(12).attention());
    }

    @Test
    void anOperatorClearsAQuarantinedPortAtOnce() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        String p = f.port(16, 0);
        flap(f, p, 6);
        assertEquals(List.of(), f.net.read().link(p).addresses(), "a plain port's address is withdrawn");
        assertEquals(Outcome.Kind.ACCEPTED, f.chassis.clear(16, "hadctl").kind());
        f.chassis.settle();
        assertEquals(1, f.net.read().link(p).addresses().size());
        assertEquals("cleared by hadctl", f.audits("port.released").get(0).fields().get("reason"));
        assertEquals(Outcome.Kind.NOT_APPLICABLE, f.chassis.clear(16, "hadctl").kind());
    }

    @Test
    void aLimitOfZeroNeverQuarantines() {
        CoreFixture f = CoreFixture.threeCards(with(new HotSwapPolicy(null, null, 0, null, null, null, null)));
        flap(f, f.port(12, 0), 30);
        assertTrue(f.audits("port.quarantined").isEmpty());
        assertTrue(f.net.read().bond("bond0").slaves().contains(f.port(12, 0)));
    }

    @Test
    void changesFartherApartThanTheWindowDoNotAddUp() {
        CoreFixture f = CoreFixture.threeCards(with(new HotSwapPolicy(null, null, 4, 1000, null, null, null)));
        for (int i = 0; i < 10; i++) {
            flap(f, f.port(12, 0), 1);
            f.advance(1000);
        }
        assertTrue(f.audits("port.quarantined").isEmpty());
        flap(f, f.port(12, 0), 3);
        assertEquals(1, f.audits("port.quarantined").size());
    }
}

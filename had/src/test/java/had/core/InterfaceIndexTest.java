package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterfaceIndexTest {
    private final Slot two = new Slot(2);
    private final Slot twelve = new Slot(12);
    private final InterfaceIndex index = new InterfaceIndex(List.of(two, twelve), () -> DesiredState.NOTHING);

    InterfaceIndexTest() {
        two.ports.put(0, "eth1");
        two.ports.put(1, "eth0");
        twelve.ports.put(0, "eth10");
    }

    @Test
    void aPortAndTheVlansOnItBelongToItsSlot() {
        assertEquals(new InterfaceIndex.Place(2, 1), index.portOf("eth0"));
        assertEquals(new InterfaceIndex.Place(2, 0), index.placeOf("eth1.253"));
        assertEquals(InterfaceIndex.Place.NOWHERE, index.portOf("eth1.253"), "a VLAN is no port of the card");
        assertSame(two, index.ownerOf("eth1.253"));
        assertEquals("eth0.254 (slot 2 port 1)", index.describe("eth0.254"));
    }

    @Test
    void aNameThatOnlyStartsLikeAPortIsNotOnIt() {
        assertEquals(new InterfaceIndex.Place(12, 0), index.placeOf("eth10"), "eth10 is not a VLAN of eth1");
        assertSame(twelve, index.ownerOf("eth10.7"));
        assertNull(index.ownerOf("bond0"));
        assertEquals("bond0", index.describe("bond0"));
        assertEquals(Set.of("eth0", "eth1", "eth10"), index.cardPorts());
    }
}

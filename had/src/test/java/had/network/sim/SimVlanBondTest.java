package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.ArpValidate;
import had.network.IfAddress;
import had.network.NetworkException;
import had.network.NetworkState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bonds of VLAN devices, as in the Debian config that bonds eth0.253 and eth1.253 (one per switch)
 * in active-backup with ARP monitoring, primary on switch A, jumbo frames.
 */
class SimVlanBondTest extends SimFixture {

    private void bond253() {
        ports("eth0", "eth1");
        for (String p : new String[] {"eth0", "eth1"}) {
            net.setMtu(p, 9000);
            net.setUp(p, true);
            net.createVlan(p, 253, p + ".253");
        }
        net.createBond("bond253", arp(500, ArpValidate.ALL, "eth0.253", "10.0.253.254"));
        net.setMtu("bond253", 9000);
        net.setUp("bond253", true);
        net.enslave("bond253", "eth0.253");
        net.enslave("bond253", "eth1.253");
        net.addAddress("bond253", new IfAddress(ip("10.0.253.1"), 24));
        millis(3000);
    }

    @Test
    void vlanSlavesAreEnslavedWithTheBondsMtu() {
        bond253();
        NetworkState s = net.read();
        NetworkState.Link v = s.link("eth0.253");
        assertEquals(NetworkState.Kind.VLAN, v.kind());
        assertEquals("eth0", v.vlanParent());
        assertEquals(253, v.vlanId());
        assertEquals(9000, v.mtu());
        assertEquals("bond253", v.master());
        assertEquals(List.of("eth0.253", "eth1.253"), s.bond("bond253").slaves());
        assertEquals("eth0.253", s.bond("bond253").activeSlave());
        assertEquals("eth0.253", s.bond("bond253").options().primary());
    }

    @Test
    void aVlanDroppedFromSwitchAsTrunkFailsOverAndThePrimaryReturns() {
        bond253();
        net.setPathReachable("eth0.253", false);
        millis(1500);
        assertEquals("eth1.253", active("bond253"));
        assertTrue(net.read().link("eth0.253").carrier(), "the port itself is fine");
        net.setPathReachable("eth0.253", true);
        millis(1500);
        assertEquals("eth0.253", active("bond253"), "primary_reselect always");
    }

    @Test
    void vlansFollowTheirPortsCarrierAndVanishWithIt() {
        bond253();
        net.setPhysicalLink("eth1", false);
        assertFalse(net.read().link("eth1.253").carrier());
        net.setPhysicalLink("eth1", true);

        net.removePort("eth0");
        NetworkState s = net.read();
        assertNull(s.link("eth0.253"));
        assertEquals(List.of("eth1.253"), s.bond("bond253").slaves());
        assertEquals("eth1.253", s.bond("bond253").activeSlave());
    }

    @Test
    void vlanRules() {
        ports("eth0");
        net.createVlan("eth0", 253, "eth0.253");
        assertTrue(assertThrows(NetworkException.class, () -> net.createVlan("eth0", 253, "v253")).getMessage()
                .contains("File exists"));
        assertTrue(assertThrows(NetworkException.class, () -> net.setUp("eth0.253", true)).getMessage()
                .contains("Network is down"));
        assertTrue(assertThrows(NetworkException.class, () -> net.setMtu("eth0.253", 9000)).getMessage()
                .contains("Numerical result out of range"));
        net.setUp("eth0", true);
        assertTrue(net.read().link("eth0.253").up(), "the VLAN driver brings VLANs up with their port");
        net.deleteLink("eth0.253");
        assertNull(net.read().link("eth0.253"));
    }
}

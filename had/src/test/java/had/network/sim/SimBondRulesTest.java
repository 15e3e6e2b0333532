package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.BondMode;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.MiiStatus;
import had.network.NetworkException;
import had.network.NetworkState;
import had.network.PrimaryReselect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the driver accepts and refuses: options, enslave, release, MTU, addresses. */
class SimBondRulesTest extends SimFixture {

    private static String message(Runnable r) {
        return assertThrows(NetworkException.class, r::run).getMessage();
    }

    @Test
    void modeCannotChangeWhileTheBondHasSlaves() {
        ports("eth0");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0");
        String m = message(() -> net.setBondOptions("bond0", miimon(BondMode.IEEE_802_3AD, 100, 0, 0)));
        assertEquals("bond0: option mode: unable to set because the bond device has slaves", m);
        assertEquals(BondMode.ACTIVE_BACKUP, net.read().bond("bond0").options().mode());
    }

    @Test
    void modeChangesOnAnUpBondWithoutSlavesAndTheBondComesBackUp() {
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0));
        net.setBondOptions("bond0", miimon(BondMode.IEEE_802_3AD, 100, 0, 0));
        NetworkState s = net.read();
        assertEquals(BondMode.IEEE_802_3AD, s.bond("bond0").options().mode());
        assertTrue(s.link("bond0").up());
    }

    @Test
    void optionsReadBackAsSet() {
        BondOptions o = withMinLinks(withReselect(miimon(BondMode.ACTIVE_BACKUP, 50, 100, 150), null,
                PrimaryReselect.FAILURE), 1);
        net.createBond("bond0", o);
        assertEquals(o, net.read().bond("bond0").options());
        assertFalse(net.read().link("bond0").up(), "created down, as bonding_masters does");
    }

    /** Each option of the table, changed alone on a live bond, is kept by the simulated driver as set. */
    @Test
    void everyOptionOfTheTableReadsBackAsSet() {
        for (had.network.BondOption o : had.network.BondOption.values()) {
            if (o == had.network.BondOption.MODE) continue; // refused with slaves, tried alone above
            BondMode mode = o.takenIn(BondMode.ACTIVE_BACKUP) ? BondMode.ACTIVE_BACKUP : BondMode.IEEE_802_3AD;
            String bond = "bond" + o.ordinal();
            BondOptions before = BondOptions.defaults(mode);
            BondOptions after = had.network.OptionSamples.other(before, o);
            if (after.arpInterval() > 0 || o == had.network.BondOption.ARP_VALIDATE) {
                after = after.with(had.network.BondOption.MIIMON, 0).with(had.network.BondOption.ARP_INTERVAL, 100)
                        .with(had.network.BondOption.ARP_IP_TARGET, List.of(ip("10.0.1.100")));
            }
            if (o == had.network.BondOption.PRIMARY) { // shown while it is a slave
                ports("eth0");
                bond(bond, before, "eth0");
                after = after.withPrimary("eth0");
            } else {
                net.createBond(bond, before);
            }
            net.setBondOptions(bond, after);
            assertEquals(after, net.read().bond(bond).options(), o.key);
        }
    }

    @Test
    void optionsTheModeDoesNotHaveAreRefusedInTheDriversWords() {
        String m = message(() -> net.createBond("bond0",
                withReselect(miimon(BondMode.BALANCE_RR, 100, 0, 0), "eth0", PrimaryReselect.ALWAYS)));
        assertEquals("bond0: option primary: mode dependency failed, not supported in mode balance-rr(0)", m);
        assertNull(net.read().bond("bond0"), "nothing half-created");
    }

    @Test
    void miimonAndArpIntervalExcludeEachOther() {
        BondOptions both = BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(had.network.BondOption.ARP_INTERVAL, 500)
                .with(had.network.BondOption.ARP_IP_TARGET, List.of(ip("10.0.0.1")));
        assertTrue(message(() -> net.createBond("bond0", both)).contains("miimon and arp_interval"));
    }

    @Test
    void switchingFromMiiToArpMonitoringAndBack() {
        net.createBond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 200, 0));
        BondOptions arp = arp(500, had.network.ArpValidate.ALL, null, "10.0.0.1", "10.0.0.2");
        net.setBondOptions("bond0", arp);
        assertEquals(arp, net.read().bond("bond0").options());
        net.setBondOptions("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 200, 0));
        assertEquals(miimon(BondMode.ACTIVE_BACKUP, 100, 200, 0).arpInterval(),
                net.read().bond("bond0").options().arpInterval());
        assertEquals(200, net.read().bond("bond0").options().updelay());
    }

    @Test
    void anInterfaceThatIsAlreadyASlaveElsewhereIsRefusedAndKeepsWorking() {
        ports("eth3", "eth4");
        bond("bond1", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth3");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth4");
        assertEquals("bond0: cannot enslave eth3: already a slave of bond1", message(() -> net.enslave("bond0", "eth3")));
        NetworkState s = net.read();
        assertTrue(s.link("eth3").up(), "not taken down by the refused attempt");
        assertEquals("bond1", s.link("eth3").master());
        assertEquals(MiiStatus.UP, net.miiStatus("bond1", "eth3"));
    }

    @Test
    void enslaveTakesAnUpDeviceDownFirstAndTheDriverOpensIt() {
        ports("eth0");
        net.setUp("eth0", true);
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0");
        NetworkState.Link l = net.read().link("eth0");
        assertTrue(l.up());
        assertEquals("bond0", l.master());
        assertTrue(net.changeLog().all().stream().anyMatch(c -> c instanceof had.network.NetworkChange.SlaveAdded));
    }

    @Test
    void unknownDevicesAndStrangersAreRefused() {
        ports("eth0");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0));
        assertEquals("bond0: option slaves: interface eth9 does not exist!", message(() -> net.enslave("bond0", "eth9")));
        assertEquals("bond0: cannot release eth0: not a slave of bond0", message(() -> net.release("bond0", "eth0")));
        assertEquals("bond0: cannot enslave bond0: Cannot enslave bond to itself.", message(() -> net.enslave("bond0", "bond0")));
        assertEquals("bond9: no such bond", message(() -> net.enslave("bond9", "eth0")));
    }

    @Test
    void slavesTakeTheBondsMtuAndGetTheirOwnBackOnRelease() {
        net.addPort("eth0", 1500, 9000, 1000);
        net.addPort("eth1", 1500, 1500, 1000);
        net.createBond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0));
        net.setMtu("bond0", 9000);
        net.enslave("bond0", "eth0");
        assertEquals(9000, net.read().link("eth0").mtu());
        assertTrue(message(() -> net.enslave("bond0", "eth1")).contains("dev_set_mtu"));
        net.release("bond0", "eth0");
        NetworkState.Link l = net.read().link("eth0");
        assertEquals(1500, l.mtu());
        assertFalse(l.up(), "the driver closes what it releases");
        assertNull(l.master());
    }

    @Test
    void deletingABondReleasesItsSlaves() {
        ports("eth0", "eth1");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", "eth1");
        net.deleteBond("bond0");
        NetworkState s = net.read();
        assertNull(s.bond("bond0"));
        assertNull(s.link("bond0"));
        assertNull(s.link("eth0").master());
        assertThrows(NetworkException.class, () -> net.deleteLink("eth1"), "a port cannot be deleted");
    }

    @Test
    void addressesAreKeptPerInterfaceAndDuplicatesRefused() {
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0));
        IfAddress a = new IfAddress(ip("10.0.1.1"), 24);
        net.addAddress("bond0", a);
        assertEquals(List.of(a), net.read().link("bond0").addresses());
        assertTrue(message(() -> net.addAddress("bond0", a)).contains("File exists"));
        net.removeAddress("bond0", a);
        assertTrue(message(() -> net.removeAddress("bond0", a)).contains("Cannot assign requested address"));
    }

    @Test
    void balanceModesHaveNoActiveSlaveAndEveryUpSlaveWorks() {
        ports("eth0", "eth1");
        bond("bond0", miimon(BondMode.BALANCE_RR, 100, 0, 0), "eth0", "eth1");
        net.setPhysicalLink("eth1", false);
        millis(100);
        NetworkState.Bond b = net.read().bond("bond0");
        assertNull(b.activeSlave());
        assertEquals(1, b.slavesMiiUp());
        assertTrue(message(() -> net.setActiveSlave("bond0", "eth0")).contains("option active_slave: mode dependency failed"));
    }

    @Test
    void minLinksDecidesCarrierIn8023ad() {
        ports("eth0", "eth1", "eth2");
        bond("bond0", withMinLinks(miimon(BondMode.IEEE_802_3AD, 100, 0, 0), 2), "eth0", "eth1", "eth2");
        assertTrue(net.read().link("bond0").carrier());
        net.setPhysicalLink("eth0", false);
        millis(100);
        assertTrue(net.read().link("bond0").carrier(), "2 links left");
        net.setPhysicalLink("eth1", false);
        millis(100);
        assertFalse(net.read().link("bond0").carrier(), "1 link is below min_links");
        assertEquals(1, net.read().bond("bond0").slavesMiiUp());
    }

    @Test
    void minLinksDoesNotApplyOutside8023adAsInTheDriver() {
        ports("eth0", "eth1");
        bond("bond0", withMinLinks(miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), 2), "eth0", "eth1");
        net.setPhysicalLink("eth0", false);
        millis(100);
        assertTrue(net.read().link("bond0").carrier());
    }

    @Test
    void aDownBondRunsNoMonitor() {
        ports("eth0", "eth1");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", "eth1");
        net.setUp("bond0", false);
        net.setPhysicalLink("eth0", false);
        millis(1000);
        assertEquals(MiiStatus.UP, net.miiStatus("bond0", "eth0"));
        net.setUp("bond0", true);
        assertEquals(MiiStatus.DOWN, net.miiStatus("bond0", "eth0"), "the first run comes as the bond opens");
    }
}

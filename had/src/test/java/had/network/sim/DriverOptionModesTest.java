package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import had.network.BondMode;
import had.network.BondOption;
import had.network.NetworkException;
import org.junit.jupiter.api.Test;

/** The simulated driver refuses each option in the modes the table says the driver refuses it in. */
class DriverOptionModesTest {
    @Test
    void everyOptionIsRefusedInTheModesTheDriverRefusesItIn() {
        int refused = 0;
        for (BondOption o : BondOption.values()) {
            for (BondMode m : BondMode.values()) {
                if (o.takenIn(m)) continue;
                SimBond b = new SimBond("bond0", mock(Kernel.class));
                b.dev = SimLink.bond("bond0", b);
                b.params.mode = m;
                // the value does not matter: the driver checks the mode first
                NetworkException e = assertThrows(NetworkException.class, () -> DriverOptions.write(b, o.key, "x"));
                assertTrue(e.getMessage().equals("bond0: option " + o.key + ": mode dependency failed, not supported in mode "
                        + m.kernelName() + "(" + m.number() + ")"), e.getMessage());
                refused++;
            }
        }
        assertEquals(16, refused, "arp_interval, arp_validate (3 modes each), primary (4), lacp_rate (6)");
    }
}

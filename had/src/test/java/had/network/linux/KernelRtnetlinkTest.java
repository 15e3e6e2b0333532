package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import had.network.IfAddress;
import had.network.NetworkException;
import had.os.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink adapter against this machine's kernel, in a network namespace of its own: a
 * thread that unshares its network namespace takes its sockets and the processes it starts with
 * it, and the namespace (with every link made in it) is gone when the thread ends. What had did
 * is checked with iproute2, run from the same thread. Needs root; skipped without it.
 */
class KernelRtnetlinkTest {
    public interface Unshare {
        @SaveError
        int unshare(int flags);
    }

    private static final int CLONE_NEWNET = 0x40000000;

    @Test
    void linksAndAddressesChangeAsIproute2SeesThem() throws Throwable {
        inOwnNetworkNamespace(() -> {
            KernelRtnetlink rtnl = new KernelRtnetlink();
            rtnl.setUp("lo", true);
            assertEquals(List.of(new IfAddress(IfAddress.fromInt(0x7f000001), 8)), rtnl.addresses().get(1),
                    "lo up carries 127.0.0.1/8");

            assumeTrue(ip("link", "add", "v0", "type", "veth", "peer", "name", "v1").isEmpty(), "no veth in this kernel");
            int v0 = LibC.get().if_nametoindex("v0");
            rtnl.setMtu("v0", 9000);
            rtnl.setUp("v0", true);
            IfAddress a = new IfAddress(IfAddress.fromInt(0x0a090901), 24);
            rtnl.addAddress("v0", a);
            assertEquals(List.of(new IfAddress(IfAddress.fromInt(0x0a090901), 24, IfAddress.fromInt(0x0a0909ff))),
                    rtnl.addresses().get(v0));
            assertTrue(ip("-o", "-4", "addr", "show", "dev", "v0").contains("inet 10.9.9.1/24 brd 10.9.9.255 "));
            String link = ip("-o", "link", "show", "dev", "v0");
            assertTrue(link.contains("mtu 9000") && link.contains(",UP"), link);

            NetworkException dup = assertThrows(NetworkException.class, () -> rtnl.addAddress("v0", a));
            // Newer kernels add their own words in an extended ack: "File exists (ipv4: Address already assigned)".
            assertTrue(dup.getMessage().startsWith("v0: cannot add 10.9.9.1/24 to v0: File exists"), dup.getMessage());

            rtnl.removeAddress("v0", a);
            assertFalse(rtnl.addresses().containsKey(v0));
            rtnl.setUp("v0", false);
            assertFalse(ip("-o", "link", "show", "dev", "v0").contains(",UP"));

            // 8021q may be missing from a build machine's kernel: then the kernel's refusal is what to see.
            try {
                rtnl.createVlan("v0", 5, "v0.5");
                assertTrue(ip("-d", "-o", "link", "show", "dev", "v0.5").contains("vlan protocol 802.1Q id 5"));
                rtnl.deleteLink("v0.5");
            } catch (NetworkException e) {
                assertTrue(e.getMessage().startsWith("v0.5: cannot create VLAN 5 on v0: Operation not supported"),
                        e.getMessage());
            }
            rtnl.deleteLink("v0");
            assertTrue(ip("-o", "link", "show").lines().noneMatch(l -> l.contains("v0") || l.contains("v1")));

            NetworkException none = assertThrows(NetworkException.class, () -> rtnl.setUp("nosuch0", true));
            assertEquals("nosuch0: no such interface", none.getMessage());
        });
    }

    @Test
    void theLinkDumpSaysWhatIproute2Says() throws Throwable {
        inOwnNetworkNamespace(() -> {
            KernelRtnetlink rtnl = new KernelRtnetlink();
            assumeTrue(ip("link", "add", "v0", "mtu", "9000", "type", "veth", "peer", "name", "v1").isEmpty(), "no veth");
            assertEquals("", ip("link", "set", "v0", "up"));
            assertEquals("", ip("link", "set", "v1", "up"));
            boolean vlans = ip("link", "add", "link", "v0", "name", "v0.7", "type", "vlan", "id", "7").isEmpty();
            java.util.Map<String, KernelLink> byName = new java.util.HashMap<>();
            for (KernelLink k : rtnl.links()) byName.put(k.name(), k);

            KernelLink v0 = byName.get("v0");
            assertEquals(LibC.get().if_nametoindex("v0"), v0.index());
            assertTrue(v0.up() && v0.ethernet(), "v0 is an Ethernet device and up");
            assertEquals(9000, v0.mtu());
            assertEquals("veth", v0.kind());
            assertEquals(0, v0.masterIndex());
            // Carrier comes once both ends are up, which the kernel may take a moment to say.
            long until = System.nanoTime() + 2_000_000_000L;
            while (!v0.carrier() && System.nanoTime() < until) {
                Thread.sleep(20);
                v0 = rtnl.links().stream().filter(k -> k.name().equals("v0")).findFirst().orElseThrow();
            }
            assertTrue(v0.carrier(), "v0 has carrier with v1 up: " + ip("-o", "link", "show", "dev", "v0"));
            KernelLink lo = byName.get("lo");
            assertFalse(lo.ethernet() || lo.up(), "lo is down in a new namespace and not Ethernet");
            if (vlans) {
                KernelLink vlan = byName.get("v0.7");
                assertEquals("vlan", vlan.kind());
                assertEquals(7, vlan.vlanId());
                assertEquals(v0.index(), vlan.lowerIndex());
                assertEquals(vlan, rtnl.link("v0.7").orElseThrow(), "one link read alone is what the dump says");
            }
            assertEquals(v0, rtnl.link("v0").orElseThrow(), "one link read alone is what the dump says");
            assertTrue(rtnl.link("nosuch0").isEmpty());
            // A bond, where the bonding driver is loaded already: its options come with the link.
            // (Not loaded by this test: with its defaults the driver would make a bond0 of its own
            // outside the namespace.)
            if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/module/bonding"))
                    && ip("link", "add", "b0", "type", "bond", "mode", "active-backup", "miimon", "50").isEmpty()) {
                KernelLink b0 = rtnl.link("b0").orElseThrow();
                assertEquals(had.network.BondMode.ACTIVE_BACKUP, b0.bond().options().mode());
                assertEquals(50, b0.bond().options().miimon());
                assertEquals(rtnl.links().stream().filter(k -> k.name().equals("b0")).findFirst().orElseThrow(), b0);
            }
        });
    }

    /** iproute2's output, or "error: ..." when it failed; an empty string for a quiet success. */
    private static String ip(String... args) {
        try {
            List<String> argv = new java.util.ArrayList<>(List.of("ip"));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : "error: " + out;
        } catch (IOException e) {
            return "error: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error: interrupted";
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void inOwnNetworkNamespace(Body body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Unshare u = LibraryLoader.create(Unshare.class).load("c");
                assumeTrue(u.unshare(CLONE_NEWNET) == 0, "cannot make a network namespace (not root?)");
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "netns-test");
        t.start();
        t.join();
        if (failure.get() != null) throw failure.get();
    }
}

package had.bench;

import had.network.BondOptions;
import had.network.IfAddress;
import had.network.Network;
import had.network.NetworkState;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * Wraps the simulated network and adds up the CPU time spent inside it: that is the simulated
 * kernel's work (on a chassis the kernel does it, not had), so the benchmark can show had's own
 * share separately.
 */
final class KernelTimedNetwork implements Network {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private final Network inner;
    long kernelNanos;

    KernelTimedNetwork(Network inner) {
        this.inner = inner;
    }

    private <T> T timed(Supplier<T> call) {
        long t0 = MX.getCurrentThreadCpuTime();
        try {
            return call.get();
        } finally {
            kernelNanos += MX.getCurrentThreadCpuTime() - t0;
        }
    }

    private void timed(Runnable call) {
        timed(() -> {
            call.run();
            return null;
        });
    }

    @Override public NetworkState read() { return timed(inner::read); }
    @Override public boolean carrier(String ifname) { return timed(() -> inner.carrier(ifname)); }
    @Override public void createBond(String name, BondOptions o) { timed(() -> inner.createBond(name, o)); }
    @Override public void setBondOptions(String name, BondOptions o) { timed(() -> inner.setBondOptions(name, o)); }
    @Override public void deleteBond(String name) { timed(() -> inner.deleteBond(name)); }
    @Override public void enslave(String bond, String ifname) { timed(() -> inner.enslave(bond, ifname)); }
    @Override public void release(String bond, String ifname) { timed(() -> inner.release(bond, ifname)); }
    @Override public void setActiveSlave(String bond, String ifname) { timed(() -> inner.setActiveSlave(bond, ifname)); }
    @Override public void setAllSlavesActive(String bond, boolean on) { timed(() -> inner.setAllSlavesActive(bond, on)); }
    @Override public void announce(String bond, String via) { timed(() -> inner.announce(bond, via)); }
    @Override public void setUp(String ifname, boolean up) { timed(() -> inner.setUp(ifname, up)); }
    @Override public void setMtu(String ifname, int mtu) { timed(() -> inner.setMtu(ifname, mtu)); }
    @Override public void addAddress(String ifname, IfAddress a) { timed(() -> inner.addAddress(ifname, a)); }
    @Override public void removeAddress(String ifname, IfAddress a) { timed(() -> inner.removeAddress(ifname, a)); }
    @Override public void createVlan(String parent, int vlanId, String name) { timed(() -> inner.createVlan(parent, vlanId, name)); }
    @Override public void deleteLink(String name) { timed(() -> inner.deleteLink(name)); }
}

package had.config;

import had.network.IfAddress;

/**
 * A {@code [config NAME]} section: what to do with a port that a slot maps to it. Either a plain
 * address ({@code address} set, {@code bond} null) or enslavement into {@code bond}. With
 * {@code vlan} &gt; 0 it applies to the port's VLAN sub-interface PORT.VLAN instead of the port
 * itself (seed 000: bond253 of eth0.253 + eth1.253). {@code mtu} is 0 when not configured.
 */
public record PortConfig(String name, IfAddress address, String bond, int vlan, int mtu, int line) {
    public boolean enslaves() {
        return bond != null;
    }
}

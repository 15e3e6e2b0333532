package had.core;

import had.audit.AuditEvent;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.Network;

/**
 * One change to the network, as the reconciler orders them. Each says what it does in the
 * operator's words and which audit record proves it was done.
 */
sealed interface Action {
    void apply(Network network);

    /** The interface the action changes, so a failure can be pinned on the slot that owns it. */
    String subject();

    String describe();

    /**
     * Whether a failure of this action means the slot owning its subject cannot be configured
     * (it goes FAILED). Not for a choice among slaves that the kernel's own link monitor can
     * overtake between had's read and its write: that is a race, not a broken card.
     */
    default boolean failureFailsTheSlot() {
        return true;
    }

    /**
     * The bond whose carrying slaves this action changes (the kernel moves the traffic inside the
     * write, long before a slow write returns), or null. What a service's record says began with it.
     */
    default String movesTrafficOf() {
        return null;
    }

    /**
     * The bond whose peers find its traffic again only once this action is done, or null: in
     * balance-alb a move of the active slave swaps the two slaves' MACs, and the driver's learning
     * frames teach only the switch the new active slave is on (they never cross to a second
     * switch, as in a dual-star chassis), so the peers behind the other one keep sending to the
     * old port until had's announcement. The bond's new state dates from the end of this action.
     */
    default String endsMoveOf() {
        return null;
    }

    /**
     * The port this action resets, or null: enslaving a port into a bond or releasing it takes it
     * down and up on many drivers (e1000e resets to take the bond's address, and its carrier is
     * gone for seconds), so its path probes are held while it runs ({@link Paths#whileChanging}).
     */
    default String resetsPort() {
        return null;
    }

    default AuditEvent audit() {
        return AuditEvent.of("net.change").with("action", describe()).with("ifname", subject()).build();
    }

    record CreateBond(String bond, BondOptions options) implements Action {
        public void apply(Network n) { n.createBond(bond, options); }
        public String subject() { return bond; }
        public String describe() { return "create " + bond + " (" + options.mode().kernelName() + ")"; }
    }

    /** {@code changes} says what differs, in the driver's words ("primary eth1 -> none"). */
    record SetBondOptions(String bond, BondOptions options, String changes) implements Action {
        public void apply(Network n) { n.setBondOptions(bond, options); }
        public String subject() { return bond; }
        public String describe() { return "set " + bond + " " + changes; }
    }

    record DeleteBond(String bond) implements Action {
        public void apply(Network n) { n.deleteBond(bond); }
        public String subject() { return bond; }
        public String describe() { return "delete " + bond; }
    }

    record CreateVlan(String parent, int vlan, String name) implements Action {
        public void apply(Network n) { n.createVlan(parent, vlan, name); }
        public String subject() { return name; }
        public String describe() { return "create VLAN " + name + " on " + parent; }
    }

    record DeleteLink(String name) implements Action {
        public void apply(Network n) { n.deleteLink(name); }
        public String subject() { return name; }
        public String describe() { return "delete " + name; }
    }

    record Enslave(String bond, String ifname) implements Action {
        public void apply(Network n) { n.enslave(bond, ifname); }
        public String movesTrafficOf() { return bond; }
        public String resetsPort() { return ifname; }
        public String subject() { return ifname; }
        public String describe() { return "enslave " + ifname + " into " + bond; }
        public AuditEvent audit() {
            return AuditEvent.of("bond.enslave").with("bond", bond).with("ifname", ifname).build();
        }
    }

    record Release(String bond, String ifname) implements Action {
        public void apply(Network n) { n.release(bond, ifname); }
        public String movesTrafficOf() { return bond; }
        public String resetsPort() { return ifname; }
        public String subject() { return ifname; }
        public String describe() { return "release " + ifname + " from " + bond; }
        public AuditEvent audit() {
            return AuditEvent.of("bond.release").with("bond", bond).with("ifname", ifname).build();
        }
    }

    /** See {@link Network#setAllSlavesActive}. */
    record SetAllSlavesActive(String bond, boolean on, String reason) implements Action {
        public void apply(Network n) { n.setAllSlavesActive(bond, on); }
        public String subject() { return bond; }
        public String describe() {
            return on ? "let " + bond + "'s backup slaves deliver what they receive (" + reason + ")"
                    : bond + "'s backup slaves drop what they receive again (" + reason + ")";
        }
    }

    /**
     * A gratuitous ARP for the bond's addresses out of {@code via}, so the switch learns the port;
     * {@code endsMove}: the one that tells the peers where a move just sent the traffic ({@link #endsMoveOf}).
     */
    record Announce(String bond, String via, String reason, boolean endsMove) implements Action {
        public void apply(Network n) { n.announce(bond, via); }
        public String endsMoveOf() { return endsMove ? bond : null; }
        public String subject() { return via; }
        public String describe() { return "announce " + bond + "'s addresses out of " + via + " (" + reason + ")"; }
        /** A switch that was not told learns at the bond's next frame: nothing to fail a card for. */
        public boolean failureFailsTheSlot() { return false; }
    }

    record SetActiveSlave(String bond, String ifname, String reason) implements Action {
        public void apply(Network n) { n.setActiveSlave(bond, ifname); }
        public String movesTrafficOf() { return bond; }
        public String subject() { return ifname; }
        public String describe() { return "make " + ifname + " the active slave of " + bond; }
        /** The driver refuses a slave it has just seen go down; the next reconciliation chooses again. */
        public boolean failureFailsTheSlot() { return false; }
        public AuditEvent audit() {
            return AuditEvent.of("bond.active").with("bond", bond).with("ifname", ifname)
                    .with("reason", reason).build();
        }
    }

    record SetMtu(String ifname, int mtu) implements Action {
        public void apply(Network n) { n.setMtu(ifname, mtu); }
        public String subject() { return ifname; }
        public String describe() { return "set MTU of " + ifname + " to " + mtu; }
    }

    record AddAddress(String ifname, IfAddress address) implements Action {
        public void apply(Network n) { n.addAddress(ifname, address); }
        public String subject() { return ifname; }
        public String describe() { return "add " + address + " to " + ifname; }
    }

    record RemoveAddress(String ifname, IfAddress address) implements Action {
        public void apply(Network n) { n.removeAddress(ifname, address); }
        public String subject() { return ifname; }
        public String describe() { return "remove " + address + " from " + ifname; }
    }

    record SetUp(String ifname, boolean up) implements Action {
        public void apply(Network n) { n.setUp(ifname, up); }
        public String subject() { return ifname; }
        public String describe() { return "bring " + ifname + (up ? " up" : " down"); }
    }
}

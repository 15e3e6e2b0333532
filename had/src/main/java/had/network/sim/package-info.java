/**
 * An in-memory model of the Linux network stack and bonding driver (as of Linux 6.1), behind the
 * {@link had.network.Network} port, for simulations and tests. Where it departs from the kernel:
 * <ul>
 * <li>no LACP: an 802.3ad bond treats every up slave as one aggregator, and min_links counts them;</li>
 * <li>ARP monitoring: a slave hears the targets whenever it has carrier and its path is reachable,
 *     whatever arp_validate says; with no active slave all slaves probe at once rather than in turn;
 *     arp_missed_max is the driver's default (2);</li>
 * <li>per-slave priority (6.x "prio") is not modelled: all slaves have the same, which is the default;</li>
 * <li>a bond cannot be a slave of a bond; MAC addresses, fail_over_mac effects, IPv6 and
 *     peer notifications are not modelled;</li>
 * <li>monitor runs fall exactly on multiples of their interval from the moment the bond came up.</li>
 * </ul>
 */
package had.network.sim;

/**
 * The {@link had.network.Network} port on a real Linux kernel: the bonding driver's sysfs files,
 * /proc/net/bonding, /sys/class/net and rtnetlink. Its tests prove what it writes and parses, and
 * the rtnetlink messages against this machine's kernel in a private network namespace; that the
 * bonding driver and a card's ports take it is proven in the lab on a real kernel.
 */
package had.network.linux;

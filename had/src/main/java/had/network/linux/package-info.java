/**
 * The {@link had.network.Network} port on a real Linux kernel: the bonding driver's sysfs files,
 * /proc/net/bonding, /sys/class/net and iproute2. Its tests only prove what it writes, runs and
 * parses; that the kernel takes it is proven in the lab on a real kernel.
 */
package had.network.linux;

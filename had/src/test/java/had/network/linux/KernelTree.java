package had.network.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory tree shaped like the parts of sysfs and procfs the adapter reads, and recorders for
 * what it writes and runs, in one trace so that the order between the two shows. Writes land in
 * the files but do nothing more: the kernel's side effects are the lab's business.
 */
final class KernelTree {
    final Path root;
    final List<String> trace = new ArrayList<>();
    final List<List<String>> failing = new ArrayList<>();
    String ipAddrJson = "[]";
    /** The one kernel reaction a test may want to emulate after a write (a bond appearing, say). */
    java.util.function.BiConsumer<String, String> afterWrite = (file, value) -> { };

    KernelTree(Path root) {
        this.root = root;
        file("sys/class/net/bonding_masters", "");
    }

    LinuxNetwork network() {
        CommandRunner runner = argv -> {
            if (argv.contains("-json")) return new CommandRunner.Result(0, ipAddrJson, "");
            trace.add("run " + String.join(" ", argv));
            if (failing.contains(argv)) return new CommandRunner.Result(2, "", "RTNETLINK answers: File exists\n");
            return new CommandRunner.Result(0, "", "");
        };
        Sysfs.Writer writer = (file, value) -> {
            trace.add("write " + root.relativize(file) + " " + value);
            Sysfs.FILES.write(file, value);
            afterWrite.accept(root.relativize(file).toString(), value);
        };
        return new LinuxNetwork(root, runner, "ip", writer);
    }

    KernelTree port(String name, boolean up, boolean carrier, int mtu) {
        String d = "sys/class/net/" + name + "/";
        file(d + "flags", up ? "0x1003" : "0x1002");
        file(d + "carrier", carrier ? "1" : "0");
        file(d + "operstate", up && carrier ? "up" : "down");
        file(d + "mtu", String.valueOf(mtu));
        file(d + "type", "1");
        file(d + "uevent", "INTERFACE=" + name + "\nIFINDEX=2");
        return this;
    }

    KernelTree vlan(String name, String parent, int vid) {
        port(name, true, true, 1500);
        String d = "sys/class/net/" + name + "/";
        file(d + "uevent", "DEVTYPE=vlan\nINTERFACE=" + name + "\nIFINDEX=9");
        symlink(d + "lower_" + parent, "../" + parent);
        file("proc/net/vlan/" + name, name + "  VID: " + vid + "\t REORDER_HDR: 1  dev->priv_flags: 1021\n"
                + "Device: " + parent + "\n");
        return this;
    }

    /** A bond as the driver creates it (balance-rr, no monitoring), or with the given sysfs values. */
    KernelTree bond(String name, boolean up, String... keyValues) {
        port(name, up, up, 1500);
        String d = "sys/class/net/" + name + "/";
        file(d + "uevent", "DEVTYPE=bond\nINTERFACE=" + name + "\nIFINDEX=5");
        String b = d + "bonding/";
        String[][] defaults = {{"mode", "balance-rr 0"}, {"miimon", "0"}, {"updelay", "0"}, {"downdelay", "0"},
            {"arp_interval", "0"}, {"arp_ip_target", ""}, {"arp_validate", "none 0"}, {"primary", ""},
            {"primary_reselect", "always 0"}, {"lacp_rate", "slow 0"}, {"xmit_hash_policy", "layer2 0"},
            {"min_links", "0"}, {"fail_over_mac", "none 0"}, {"slaves", ""}, {"active_slave", ""}};
        for (String[] kv : defaults) file(b + kv[0], kv[1]);
        for (int i = 0; i < keyValues.length; i += 2) file(b + keyValues[i], keyValues[i + 1]);
        String masters = read("sys/class/net/bonding_masters");
        file("sys/class/net/bonding_masters", (masters.isEmpty() ? "" : masters + " ") + name);
        return this;
    }

    KernelTree slaveOf(String slave, String bond) {
        symlink("sys/class/net/" + slave + "/master", "../" + bond);
        return this;
    }

    KernelTree procBonding(String bond, String resource) {
        try (InputStream in = KernelTree.class.getResourceAsStream(resource)) {
            file("proc/net/bonding/" + bond, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String resource(String name) {
        try (InputStream in = KernelTree.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void file(String relative, String content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content.isEmpty() || content.endsWith("\n") ? content : content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String relative) {
        try {
            return Files.readString(root.resolve(relative)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void symlink(String relative, String target) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package had.daemon;

import had.audit.AuditLog;
import had.audit.AuditReader;
import had.audit.TestDisk;
import had.backplane.bridge.SimChassisControl;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.control.AccessPolicy;
import had.control.ControlClient;
import had.core.Chassis;
import had.core.Settings;
import had.ctl.HadCtl;
import had.os.UnixDatagram;
import had.sim.DemoScenario;
import had.sim.SimulatedChassis;
import had.time.Clock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * had on the simulated chassis with its control socket, as a test talks to it: configuration files
 * in a directory of the test's own (so a test may rewrite them), a notification socket standing in
 * for systemd, and hadctl run in-process.
 */
final class ServiceFixture implements AutoCloseable {
    /** This test's own uid: the only peer the fixture's control socket lets in. */
    static final int MY_UID = (int) new com.sun.security.auth.module.UnixSystem().getUid();

    final Path dir;
    final Path hadConf;
    final Path driversConf;
    final Path socket;
    final UnixDatagram notifySocket;
    final SimulatedChassis chassis;
    final Service service;

    ServiceFixture(Path dir, String hadConfText, boolean sighup) throws IOException {
        this(dir, hadConfText, sighup, Map.of());
    }

    /** {@code env}: more of systemd's environment (WATCHDOG_USEC) besides NOTIFY_SOCKET. */
    ServiceFixture(Path dir, String hadConfText, boolean sighup, Map<String, String> env) throws IOException {
        this(dir, hadConfText, sighup, env, null);
    }

    /** {@code disk}: where the audit log lives, when not on the test's own file system. */
    ServiceFixture(Path dir, String hadConfText, boolean sighup, Map<String, String> env, TestDisk disk,
                   AuditLog.Settings auditSettings) throws IOException {
        this(dir, hadConfText, sighup, env, disk == null ? null : disk.open(dir.resolve("audit.log"), Clock.SYSTEM, auditSettings));
    }

    private ServiceFixture(Path dir, String hadConfText, boolean sighup, Map<String, String> env, AuditLog audit)
            throws IOException {
        this.dir = dir;
        this.hadConf = dir.resolve("had.conf");
        this.driversConf = dir.resolve("pcidrivers.conf");
        this.socket = dir.resolve("had.sock");
        Files.writeString(hadConf, hadConfText);
        Files.copy(Path.of("conf/pcidrivers.conf"), driversConf);
        LoadResult loaded = new ConfigLoader().load(hadConf, driversConf);
        if (!loaded.ok()) throw new IllegalArgumentException(loaded.errors().toString());
        Path notify = dir.resolve("notify.sock");
        notifySocket = UnixDatagram.bind(notify.toString());
        chassis = audit == null
                ? SimulatedChassis.start(loaded.config(), Settings.DEFAULT, dir.resolve("run"), dir.resolve("audit.log"))
                : SimulatedChassis.start(loaded.config(), Settings.DEFAULT, dir.resolve("run"), audit, "");
        Service.Settings s = Service.Settings.of(socket, hadConf, driversConf, "simulated", chassis.controlSocket())
                .withAccess(AccessPolicy.onlyUsers(MY_UID))
                .withEnv(withNotify(env, notify), sighup);
        service = Service.start(chassis.daemon(), s);
    }

    private static Map<String, String> withNotify(Map<String, String> env, Path notify) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("NOTIFY_SOCKET", notify.toString());
        return all;
    }

    static String shippedConf() throws IOException {
        return Files.readString(Path.of("conf/had.conf"));
    }

    void insert(int slot, int ports) {
        try (SimChassisControl ctl = SimChassisControl.connect(chassis.controlSocket())) {
            ctl.insert(slot, DemoScenario.CARD, ports);
        }
    }

    <T> T core(Function<Chassis, T> f) throws Exception {
        return chassis.daemon().loop().call(f).get(5, TimeUnit.SECONDS);
    }

    /** One request over the control socket, answered as the protocol says (ok or not). */
    Map<String, Object> request(String json) throws Exception {
        try (ControlClient c = ControlClient.connect(socket, 10_000)) {
            return c.exchange(json);
        }
    }

    record Run(int status, String out, String err) {}

    Run hadctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = HadCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), socket.toString());
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<Map<String, Object>> audit() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        AuditReader.read(chassis.daemon().audit().file(), out::add);
        return out;
    }

    List<Map<String, Object>> audit(Predicate<Map<String, Object>> p) throws IOException {
        return audit().stream().filter(p).toList();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        service.close();
        chassis.close();
        notifySocket.close();
    }
}

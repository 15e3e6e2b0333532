package had.daemon;

import had.audit.AuditEvent;
import had.config.ChassisConfig;
import had.config.ConfigError;
import had.config.ConfigLoader;
import had.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads had.conf and pcidrivers.conf (SIGHUP, {@code hadctl reload}). The files are read and
 * checked here, off the core thread; only a configuration without a single error is handed to
 * the core, which applies the difference. A refused file leaves the running configuration in
 * place: the errors are logged as FILE:LINE messages and recorded as "config.refused".
 */
final class Reloader {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** What a reload did: applied or refused, with every error and warning as FILE:LINE text. */
    record Outcome(boolean applied, List<String> errors, List<String> warnings, Map<String, String> files) {}

    private final Daemon daemon;
    private final Path hadConf;
    private final Path driversConf;
    private final long timeoutMs;
    private volatile Map<String, String> loaded;
    private final java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    /** Told of every configuration applied, after the core took it (the metrics endpoint follows its address). */
    private final List<java.util.function.Consumer<ChassisConfig>> appliedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    Reloader(Daemon daemon, Path hadConf, Path driversConf, long timeoutMs) {
        this.daemon = daemon;
        this.hadConf = hadConf;
        this.driversConf = driversConf;
        this.timeoutMs = timeoutMs;
        this.loaded = fingerprints();
    }

    /** Each configuration file in use and the SHA-256 of what was read from it. */
    Map<String, String> files() {
        return loaded;
    }

    /** Reloads applied and refused since had started. */
    long applied() {
        return applied.get();
    }

    long refused() {
        return refused.get();
    }

    void onApplied(java.util.function.Consumer<ChassisConfig> listener) {
        appliedListeners.add(listener);
    }

    synchronized Outcome reload(String source) {
        Map<String, String> prints = fingerprints();
        LoadResult r = new ConfigLoader().load(hadConf, driversConf);
        List<String> warnings = strings(r.warnings());
        for (String w : warnings) log.warn("{} (warning)", w);
        if (!r.ok()) {
            List<String> errors = strings(r.errors());
            for (String e : errors) log.error("{}", e);
            log.error("configuration refused on {} ({} error(s)); the running configuration stays", source, errors.size());
            onCore(c -> daemon.audit().record(AuditEvent.of("config.refused").with("source", source)
                    .with("had_conf", hadConf.toString()).with("drivers_conf", driversConf.toString())
                    .with("errors", errors).build()));
            refused.incrementAndGet();
            return new Outcome(false, errors, warnings, prints);
        }
        ChassisConfig next = r.config();
        onCore(c -> c.reload(next));
        loaded = prints;
        applied.incrementAndGet();
        for (var l : appliedListeners) l.accept(next);
        log.info("configuration reloaded on {}: {}, {}", source, hadConf, driversConf);
        return new Outcome(true, List.of(), warnings, prints);
    }

    /** Runs {@code task} on the core thread (the audit log's single writer) and waits for it. */
    private void onCore(java.util.function.Consumer<had.core.Chassis> task) {
        try {
            daemon.loop().call(c -> {
                task.accept(c);
                return null;
            }).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("had's event loop did not answer within " + timeoutMs
                    + " ms; the reload may still be applied");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private Map<String, String> fingerprints() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(hadConf.toString(), sha256(hadConf));
        out.put(driversConf.toString(), sha256(driversConf));
        return out;
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(List<ConfigError> errors) {
        List<String> out = new ArrayList<>();
        for (ConfigError e : errors) out.add(e.toString());
        return out;
    }
}

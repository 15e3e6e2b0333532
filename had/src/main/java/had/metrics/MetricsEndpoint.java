package had.metrics;

import had.config.MetricsConfig;
import io.prometheus.metrics.config.ExporterHttpServerProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint Prometheus scrapes ({@code /metrics}), on the address of had.conf's
 * {@code [metrics]}. One thread answers scrapes one after another: a slow or idle client costs
 * another scraper a wait, never the core (a scrape asks the core for its views with a time limit).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final MetricsConfig config;
    private final HTTPServer server;
    private final ExecutorService thread;

    private MetricsEndpoint(MetricsConfig config, HTTPServer server, ExecutorService thread) {
        this.config = config;
        this.server = server;
        this.thread = thread;
    }

    /** Serves {@code metrics} on {@code config}'s address; throws when the address cannot be bound. */
    public static MetricsEndpoint start(MetricsConfig config, ChassisMetrics metrics) throws IOException {
        // The JDK's HTTP server leaves Nagle's algorithm on unless told: headers and body then go
        // in two segments and each answer waits for the scraper's delayed ACK, 40 ms a scrape.
        // Read once, when the server's configuration class loads: before the first server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(metrics);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "had-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            // Uncompressed even when gzip is accepted: on the management network 30 KB cost
            // nothing, gzip would more than double a scrape's CPU (make bench). Built from
            // properties given here, not read from a prometheus.properties file had knows nothing of.
            PrometheusProperties properties = PrometheusProperties.builder().exporterHttpServerProperties(
                    ExporterHttpServerProperties.builder().preferUncompressedResponse(true).build()).build();
            HTTPServer server = HTTPServer.builder(properties).inetAddress(config.listen().getAddress()).port(config.listen().getPort())
                    .registry(registry).executorService(thread).buildAndStart();
            log.info("serving Prometheus metrics on http://{}/metrics", config.describe());
            return new MetricsEndpoint(config, server, thread);
        } catch (IOException | RuntimeException e) {
            thread.shutdownNow();
            throw new IOException("cannot serve metrics on " + config.describe() + ": " + e.getMessage(), e);
        }
    }

    public MetricsConfig config() {
        return config;
    }

    @Override
    public void close() {
        server.close();
        thread.shutdownNow();
    }
}

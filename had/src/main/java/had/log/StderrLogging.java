package had.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * had logs to stderr, one line per message, as systemd services do. Under journald (the
 * JOURNAL_STREAM variable is set) each line starts with the syslog priority, {@code <3>} for
 * errors ... {@code <7>} for debug, so the journal keeps levels; at a terminal it starts with
 * the time and level instead. The level comes from HAD_LOG_LEVEL (error, warn, info, debug).
 */
public final class StderrLogging implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private ILoggerFactory factory;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        String level = System.getenv().getOrDefault("HAD_LOG_LEVEL", System.getProperty("had.log.level", "info"));
        boolean journal = System.getenv("JOURNAL_STREAM") != null;
        factory = name -> new StderrLogger(name, StderrLogger.threshold(level), journal);
    }
}

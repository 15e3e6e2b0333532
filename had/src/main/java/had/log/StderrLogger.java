package had.log;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One logger of {@link StderrLogging}: a line per message on stderr. */
final class StderrLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final int threshold;
    private final boolean journal;

    StderrLogger(String name, int threshold, boolean journal) {
        this.name = name;
        this.threshold = threshold;
        this.journal = journal;
    }

    /** Lower is more severe, as syslog counts: error 3, warn 4, info 6, debug 7, trace 8. */
    static int severity(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            case DEBUG -> 7;
            case TRACE -> 8;
        };
    }

    static int threshold(String level) {
        try {
            return severity(Level.valueOf(level.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return 6;
        }
    }

    private boolean on(Level l) {
        return severity(l) <= threshold;
    }

    @Override public boolean isTraceEnabled() { return on(Level.TRACE); }
    @Override public boolean isTraceEnabled(Marker m) { return on(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return on(Level.DEBUG); }
    @Override public boolean isDebugEnabled(Marker m) { return on(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return on(Level.INFO); }
    @Override public boolean isInfoEnabled(Marker m) { return on(Level.INFO); }
    @Override public boolean isWarnEnabled() { return on(Level.WARN); }
    @Override public boolean isWarnEnabled(Marker m) { return on(Level.WARN); }
    @Override public boolean isErrorEnabled() { return on(Level.ERROR); }
    @Override public boolean isErrorEnabled(Marker m) { return on(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable thrown) {
        if (!on(level)) return;
        String msg = MessageFormatter.basicArrayFormat(pattern, args);
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        String line = journal
                ? "<" + Math.min(severity(level), 7) + ">" + shortName + ": " + msg
                : LocalTime.now().format(TIME) + " " + String.format("%-5s", level) + " " + shortName + ": " + msg;
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (thrown != null && threshold >= 7) thrown.printStackTrace(err);
        }
    }
}

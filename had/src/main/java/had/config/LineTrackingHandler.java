package had.config;

import java.util.ArrayList;
import java.util.List;
import org.ini4j.spi.IniHandler;

/**
 * Receives ini4j's streaming events and files them into {@link IniSection}s with line numbers.
 * ini4j reports events in file order, one per section or option line, and {@link IniLines} has
 * listed exactly those lines in that order; the n-th event therefore belongs to the n-th line. Each
 * event is checked against what the line says, so if ini4j ever saw the text differently the
 * loader reports it instead of putting a wrong line number on an error.
 */
final class LineTrackingHandler implements IniHandler {
    private final List<IniLines.Line> lines;
    private final List<IniSection> sections = new ArrayList<>();
    private int next;
    private String header;
    private int headerLine;
    private List<IniEntry> entries;
    private int desyncLine = -1;

    LineTrackingHandler(List<IniLines.Line> lines) {
        this.lines = lines;
    }

    List<IniSection> sections() {
        return sections;
    }

    /** The line ini4j was about to report, for a parse error it raises there. */
    int nextLine() {
        return next < lines.size() ? lines.get(next).number() : (lines.isEmpty() ? 1 : lines.get(lines.size() - 1).number());
    }

    /** The line where ini4j's events stopped matching the pre-scan, or -1. */
    int desyncLine() {
        return desyncLine;
    }

    @Override
    public void startIni() {
    }

    @Override
    public void endIni() {
        closeSection();
    }

    @Override
    public void startSection(String name) {
        closeSection();
        IniLines.Line line = take(IniLines.Kind.SECTION, IniLines.Kind.BAD_SECTION, name);
        if (line == null || line.kind() == IniLines.Kind.BAD_SECTION) return;
        header = name;
        headerLine = line.number();
        entries = new ArrayList<>();
    }

    @Override
    public void endSection() {
        closeSection();
    }

    @Override
    public void handleOption(String name, String value) {
        IniLines.Line line = take(IniLines.Kind.OPTION, IniLines.Kind.OPTION, name);
        if (line == null || entries == null) return;
        entries.add(new IniEntry(name, value == null ? "" : value, line.number()));
    }

    @Override
    public void handleComment(String comment) {
    }

    private IniLines.Line take(IniLines.Kind kind, IniLines.Kind alternative, String name) {
        if (desyncLine >= 0) return null;
        if (next >= lines.size()) {
            desyncLine = nextLine();
            return null;
        }
        IniLines.Line line = lines.get(next++);
        boolean kindOk = line.kind() == kind || line.kind() == alternative;
        if (!kindOk || !line.name().equals(name)) {
            desyncLine = line.number();
            return null;
        }
        return line;
    }

    private void closeSection() {
        if (entries != null) sections.add(new IniSection(header, headerLine, entries));
        entries = null;
        header = null;
    }
}

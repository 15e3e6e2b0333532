package had.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modes had gives the directories and files it creates, whatever the umask it was started
 * with: directories 0750, files 0640, in the {@value GroupDatabase#OPERATORS} group where that group
 * exists (else the daemon's own group). The audit log tells what happened on the chassis and who
 * asked for it: root writes it, the had group (operators) reads it, nobody else. What already
 * exists keeps its mode and group: an administrator's choice stands.
 *
 * <p>A mode that cannot be set (a file system without Unix modes, a group had may not give) is
 * warned about and had carries on: it never stops over a file's mode.
 */
public final class FileModes {
    private static final Logger log = LoggerFactory.getLogger(FileModes.class);
    public static final int DIRECTORY = 0750;
    public static final int FILE = 0640;

    /** The group's id, or null when the group does not exist. */
    private final Long gid;

    public FileModes(Long gid) {
        this.gid = gid;
    }

    /** had's own rule: the {@value GroupDatabase#OPERATORS} group from {@code groups}, if it is there. */
    public static FileModes standard(GroupDatabase groups) {
        Optional<GroupDatabase.Entry> g;
        try {
            g = groups.lookup(GroupDatabase.OPERATORS);
        } catch (RuntimeException | LinkageError e) {
            log.warn("cannot look the {} group up ({}); what had creates stays in its own group", GroupDatabase.OPERATORS,
                    e.getMessage());
            g = Optional.empty();
        }
        return new FileModes(g.map(GroupDatabase.Entry::gid).orElse(null));
    }

    public static FileModes standard() {
        return standard(GroupDatabase.SYSTEM);
    }

    /** Creates {@code dir} and any missing parent, each 0750 in the group. */
    public void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) missing.push(p);
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) continue;
                throw e;
            }
            set(p, DIRECTORY);
        }
    }

    /** Gives a file had has just created its mode (0640) and group. */
    public void file(Path f) {
        set(f, FILE);
    }

    private void set(Path p, int mode) {
        try {
            if (gid != null) Files.setAttribute(p, "unix:gid", gid.intValue(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            log.warn("cannot make {} mode {}{}: {}", p, Integer.toOctalString(mode),
                    gid == null ? "" : " group " + GroupDatabase.OPERATORS, e.getMessage());
        }
    }
}

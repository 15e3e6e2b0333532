package had.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * Who is at the other end of a control connection, as the kernel says (SO_PEERCRED, taken when
 * the client connected): never what the client claims. The JDK gives the user and group names
 * (or the numbers, when the ids have no name); the ids come from the user database.
 * {@code uid} or {@code gid} is -1 when a name could not be mapped back to a number.
 */
public record PeerCredentials(int uid, int gid, String user, String group) {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    /** The credentials of the process that connected {@code channel}. */
    public static PeerCredentials of(SocketChannel channel) throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = p.user().getName();
        String group = p.group().getName();
        return new PeerCredentials(uidOf(user), gidOf(group), user, group);
    }

    static int uidOf(String user) {
        Passwd pw = POSIX.getpwnam(user);
        if (pw != null) return (int) pw.getUID();
        return number(user);
    }

    static int gidOf(String group) {
        Group gr = POSIX.getgrnam(group);
        if (gr != null) return (int) gr.getGID();
        return number(group);
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** "root (uid 0)" for messages and the audit log. */
    public String describe() {
        return user + " (uid " + uid + ")";
    }
}

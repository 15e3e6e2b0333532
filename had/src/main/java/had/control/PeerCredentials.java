package had.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import had.os.UserDatabase;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a control connection, as the kernel says (SO_PEERCRED, taken when
 * the client connected): never what the client claims. The JDK gives the user and group names
 * (or the numbers, when the ids have no name); the ids come from the user database.
 * {@code uid} or {@code gid} is -1 when a name could not be mapped back to a number.
 */
public record PeerCredentials(int uid, int gid, String user, String group) {
    /** The credentials of the process that connected {@code channel}. */
    public static PeerCredentials of(SocketChannel channel) throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = p.user().getName();
        String group = p.group().getName();
        return new PeerCredentials(uidOf(user), gidOf(group), user, group);
    }

    static int uidOf(String user) {
        var uid = UserDatabase.uid(user);
        return uid.isPresent() ? (int) uid.getAsLong() : number(user);
    }

    static int gidOf(String group) {
        return UserDatabase.group(group).map(g -> (int) g.gid()).orElseGet(() -> number(group));
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

package had.control;

import had.os.GroupDatabase;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the control socket: the users in {@code uids}, and the members of {@code group}
 * (its gid as the peer's group, or the peer's user listed in the group database). had's own rule
 * is {@link #standard()}: root and the {@value #GROUP} group. The socket file's mode (0660, group
 * had) keeps others out too, but this check is what decides: it sees the kernel's word on the peer.
 */
public record AccessPolicy(Set<Integer> uids, String group, GroupDatabase groups) {
    public static final String GROUP = GroupDatabase.OPERATORS;

    public AccessPolicy {
        uids = Set.copyOf(uids);
    }

    public AccessPolicy(Set<Integer> uids, String group) {
        this(uids, group, GroupDatabase.SYSTEM);
    }

    public static AccessPolicy standard() {
        return new AccessPolicy(Set.of(0), GROUP);
    }

    /** Only the given users, no group: for tests that need a peer to be refused. */
    public static AccessPolicy onlyUsers(Integer... uids) {
        return new AccessPolicy(Set.of(uids), null);
    }

    public boolean allows(PeerCredentials peer) {
        if (peer.uid() >= 0 && uids.contains(peer.uid())) return true;
        if (group == null) return false;
        Optional<GroupDatabase.Entry> g = groups.lookup(group);
        if (g.isEmpty()) return false;
        if (peer.gid() >= 0 && peer.gid() == g.get().gid()) return true;
        return g.get().members().contains(peer.user());
    }

    /** What a refused peer is told. */
    public String refusal(PeerCredentials peer) {
        return "permission denied: " + peer.describe() + " is neither root nor in the '" + (group == null ? "(none)" : group)
                + "' group" + (group == null ? "" : " (as root: adduser " + peer.user() + " " + group
                + ", then log in again)");
    }
}

package had.control;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.posix.Group;
import jnr.posix.POSIXFactory;

/**
 * Where {@link AccessPolicy} looks a group up. The system's database (getgrnam) on a chassis;
 * tests give their own, because the group had names ({@code had}) exists on no test machine.
 */
@FunctionalInterface
public interface GroupDatabase {
    /** A group as the database has it: its gid and the users listed as its members. */
    record Entry(long gid, List<String> members) {
        public Entry {
            members = List.copyOf(members);
        }
    }

    Optional<Entry> lookup(String group);

    GroupDatabase SYSTEM = name -> {
        Group g = POSIXFactory.getNativePOSIX().getgrnam(name);
        if (g == null) return Optional.empty();
        String[] members = g.getMembers();
        return Optional.of(new Entry(g.getGID(), members == null ? List.of() : Arrays.asList(members)));
    };
}

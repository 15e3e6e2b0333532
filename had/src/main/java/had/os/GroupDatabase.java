package had.os;

import java.util.List;
import java.util.Optional;

/**
 * Where {@link AccessPolicy} looks a group up. The system's database (getgrnam_r) on a chassis;
 * tests give their own, because the group had names ({@code had}) exists on no test machine.
 */
@FunctionalInterface
public interface GroupDatabase {
    /** The group of had's operators: may use the control socket and read what had writes. */
    String OPERATORS = "had";

    /** A group as the database has it: its gid and the users listed as its members. */
    record Entry(long gid, List<String> members) {
        public Entry {
            members = List.copyOf(members);
        }
    }

    Optional<Entry> lookup(String group);

    GroupDatabase SYSTEM = name -> UserDatabase.group(name).map(g -> new Entry(g.gid(), g.members()));
}

package had.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.os.GroupDatabase;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Root and the had group may use the control socket; nobody else, whatever their group. */
class AccessPolicyTest {
    /** The had group as a chassis has it: gid 998, with alice listed as a member. */
    static final GroupDatabase CHASSIS = name -> Optional.ofNullable(
            Map.of("had", new GroupDatabase.Entry(998, List.of("alice"))).get(name));

    static final AccessPolicy STANDARD = new AccessPolicy(Set.of(0), AccessPolicy.GROUP, CHASSIS);

    @Test
    void rootIsAllowed() {
        assertTrue(STANDARD.allows(new PeerCredentials(0, 0, "root", "root")));
    }

    @Test
    void aPeerWhoseGroupIsHadIsAllowed() {
        assertTrue(STANDARD.allows(new PeerCredentials(1001, 998, "bob", "had")));
    }

    @Test
    void aPeerListedAsAMemberOfHadIsAllowed() {
        assertTrue(STANDARD.allows(new PeerCredentials(1002, 100, "alice", "users")));
    }

    @Test
    void aPeerOfAnotherGroupNotListedInHadIsRefused() {
        assertFalse(STANDARD.allows(new PeerCredentials(1003, 100, "mallory", "users")));
        assertFalse(STANDARD.allows(new PeerCredentials(1003, 999, "mallory", "other")));
    }

    @Test
    void aPeerWhoseGroupCouldNotBeMappedIsRefused() {
        assertFalse(STANDARD.allows(new PeerCredentials(1003, -1, "mallory", "4242")));
    }

    @Test
    void withoutAHadGroupOnlyRootIsAllowed() {
        AccessPolicy none = new AccessPolicy(Set.of(0), AccessPolicy.GROUP, name -> Optional.empty());
        assertFalse(none.allows(new PeerCredentials(1001, 998, "bob", "had")));
        assertTrue(none.allows(new PeerCredentials(0, 0, "root", "root")));
    }

    /** The system's database, through a group every Linux has: root, gid 0. */
    @Test
    void theSystemDatabaseDecidesByTheGroupsGid() {
        AccessPolicy rootGroup = new AccessPolicy(Set.of(), "root");
        assertTrue(rootGroup.allows(new PeerCredentials(1001, 0, "bob", "root")));
        assertFalse(rootGroup.allows(new PeerCredentials(1001, 4242, "bob", "4242")));
    }
}

package had.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The user database through libc, checked against getent's word on every user and group. */
class UserDatabaseTest {
    private static List<String> getent(String db) throws Exception {
        Process p = new ProcessBuilder("getent", db).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void everyUserHasGetentsUid() throws Exception {
        List<String> users = getent("passwd");
        assertTrue(users.stream().anyMatch(l -> l.startsWith("root:")), users.toString());
        for (String l : users) {
            String[] f = l.split(":", -1);
            assertEquals(OptionalLong.of(Long.parseLong(f[2])), UserDatabase.uid(f[0]), l);
        }
    }

    @Test
    void everyGroupHasGetentsGidAndMembers() throws Exception {
        for (String l : getent("group")) {
            String[] f = l.split(":", -1);
            List<String> members = f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
            assertEquals(Optional.of(new UserDatabase.Group(Long.parseLong(f[2]), members)), UserDatabase.group(f[0]), l);
        }
    }

    @Test
    void unknownNamesAreEmpty() {
        assertEquals(OptionalLong.empty(), UserDatabase.uid("no-such-user-of-had"));
        assertEquals(Optional.empty(), UserDatabase.group("no-such-group-of-had"));
    }
}

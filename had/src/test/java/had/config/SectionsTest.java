package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Section types, keys, duplicates and [domains]. */
class SectionsTest extends ConfigTestSupport {

    @Test
    void unknownSectionTypeSuggestsTheClosest() {
        assertErrors(VALID + "[bnod bond1]\n",
                "had.conf:14: unknown section type 'bnod' in [bnod bond1]: did you mean 'bond'?"
                        + " Sections are [domains], [hotswap], [metrics], [bond NAME], [config NAME] or [slot N]");
    }

    @Test
    void unknownSectionTypeWithoutCloseMatch() {
        assertErrors(VALID + "[interfaces]\n",
                "had.conf:14: unknown section type 'interfaces' in [interfaces]: sections are"
                        + " [domains], [hotswap], [metrics], [bond NAME], [config NAME] or [slot N]");
    }

    @Test
    void sectionWithoutItsName() {
        assertErrors(VALID + "[bond]\n", "had.conf:14: [bond] is not a valid header: write [bond NAME], e.g. [bond bond0]");
    }

    @Test
    void unknownKeySuggestsTheClosest() {
        assertErrors(VALID.replace("miimon = 100", "miimoon = 100"),
                "had.conf:4: unknown key 'miimoon' in [bond bond0]: did you mean 'miimon'?");
    }

    @Test
    void dashedKeySuggestsTheUnderscoredOne() {
        assertErrors(VALID.replace("miimon = 100", "miimon = 100\nbond-updelay = 200"),
                "had.conf:5: unknown key 'bond-updelay' in [bond bond0]: did you mean 'updelay'?");
    }

    @Test
    void keyOfAnotherSectionType() {
        assertErrors(VALID.replace("[config plain]\n", "[config plain]\nmode = active-backup\n"),
                "had.conf:8: key 'mode' does not belong in [config plain]: it is a [bond NAME] key");
    }

    @Test
    void unknownKeyWithNothingClose() {
        assertErrors(VALID.replace("[config plain]\n", "[config plain]\ngateway = 10.0.2.254\n"),
                "had.conf:8: unknown key 'gateway' in [config plain]: valid keys are address, netmask,"
                        + " network, broadcast, bond, vlan, mtu");
    }

    @Test
    void duplicateSection() {
        assertErrors(VALID + "[config plain]\naddress = 10.0.3.1/24\n",
                "had.conf:14: duplicate section [config plain]: it is already at line 7; merge the two into one section");
    }

    @Test
    void duplicateSlotWrittenDifferently() {
        assertErrors(VALID + "[slot 02]\n1 = slave\n",
                "had.conf:14: duplicate section [slot 2]: it is already at line 9; merge the two into one section");
    }

    @Test
    void slotOutOfRange() {
        assertErrors(VALID + "[slot 22]\n0 = plain\n",
                "had.conf:14: [slot 22]: slot must be a number 1..21 (a CompactPCI backplane has at most 21 slots)");
    }

    @Test
    void slotNotANumber() {
        assertErrors(VALID + "[slot two]\n",
                "had.conf:14: [slot two]: slot must be a number 1..21 (a CompactPCI backplane has at most 21 slots)");
    }

    @Test
    void domains() {
        ChassisConfig c = assertValid("[domains]\ncontrol = 1, 2\n" + VALID);
        assertEquals(Set.of(1, 2), c.domains());
        assertEquals(Set.of(), assertValid(VALID).domains());
    }

    @Test
    void domainOutOfRangeAndTwice() {
        assertErrors("[domains]\ncontrol = 1, 1\n" + VALID,
                "had.conf:2: control lists domain 1 twice: list each domain once");
        assertErrors("[domains]\ncontrol = 1, 0\n" + VALID, "had.conf:2: control = 1, 0: domain 0 is not a"
                + " number 1..21; list the I/O domains this controller owns, e.g. control = 1, 2");
    }

    @Test
    void domainsWithoutControl() {
        assertErrors("[domains]\n" + VALID, "had.conf:1: [domains] does not say which domains this"
                + " controller owns: add control = 1, 2 (or leave the section out on a single-domain chassis)");
    }

    @Test
    void domainsWithAName() {
        assertErrors("[domains all]\n" + VALID, "had.conf:1: [domains all] is not a valid header: write [domains] (no name)");
    }

    @Test
    void emptyListItem() {
        assertErrors("[domains]\ncontrol = 1,,2\n" + VALID,
                "had.conf:2: control = 1,,2 has an empty item: separate values with single commas, e.g. control = a, b");
    }

    @Test
    void invalidBondName() {
        assertErrors(VALID + "[bond a/b]\nmode = 1\n",
                "had.conf:14: bond name 'a/b' is not a valid interface name: a Linux interface name has"
                        + " 1..15 printable ASCII characters, not '/', ':' or whitespace (e.g. bond0)");
        assertErrors(VALID + "[bond bond_with_long_name]\nmode = 1\n",
                "had.conf:14: bond name 'bond_with_long_name' is not a valid interface name: a Linux"
                        + " interface name has 1..15 printable ASCII characters, not '/', ':' or whitespace (e.g. bond0)");
    }

    @Test
    void invalidBondNameInConfig() {
        assertErrors(VALID.replace("bond = bond0", "bond = bond:0"),
                "had.conf:6: bond 'bond:0' is not a valid interface name: a Linux interface name has"
                        + " 1..15 printable ASCII characters, not '/', ':' or whitespace (e.g. bond0)");
    }

    @Test
    void invalidConfigName() {
        assertErrors(VALID + "[config a,b]\naddress = 10.0.9.1/24\n",
                "had.conf:14: config name 'a,b' is not valid: use 1..64 letters, digits, '_', '-' or '.' (e.g. config1)");
    }

    @Test
    void keysAreCaseSensitive() {
        assertEquals(List.of("had.conf:3: unknown key 'Mode' in [bond bond0]: did you mean 'mode'?",
                        "had.conf:1: [bond bond0] has no mode: add mode = active-backup (one slave carries"
                                + " traffic, the others stand by; the usual choice for a chassis) or another of"
                                + " balance-rr (0), active-backup (1), balance-xor (2), broadcast (3), 802.3ad (4),"
                                + " balance-tlb (5), balance-alb (6)").stream().sorted(
                                java.util.Comparator.comparingInt(s -> Integer.parseInt(s.split(":")[1]))).toList(),
                errors(VALID.replace("mode = active-backup", "Mode = active-backup")));
    }
}

package had.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/**
 * Frames out of the loopback interface (nothing leaves the machine), taken in by a packet socket
 * of the test's own bound to loopback and to an EtherType for local experiments.
 */
class PacketSocketTest {
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int LOCAL_EXPERIMENTAL = 0x88B5; // IEEE 802: local experimental EtherType

    private static byte[] frame(int n) {
        byte[] f = new byte[60];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        f[6] = 0x02; // a locally administered source
        f[11] = (byte) n;
        f[12] = (byte) (LOCAL_EXPERIMENTAL >> 8);
        f[13] = (byte) LOCAL_EXPERIMENTAL;
        f[14] = (byte) n;
        return f;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** A socket that takes in the test's frames on loopback, or -1 without CAP_NET_RAW. */
    private static int listener(LibC c) {
        int proto = Short.toUnsignedInt(Short.reverseBytes((short) LOCAL_EXPERIMENTAL));
        int fd = c.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, proto);
        if (fd < 0) return -1;
        Pointer sa = Memory.allocateDirect(Runtime.getSystemRuntime(), 20, true);
        sa.putShort(0, (short) AF_PACKET);
        sa.putShort(2, (short) proto);
        sa.putInt(4, c.if_nametoindex("lo"));
        assertEquals(0, c.bind(fd, sa, 20), LibC.describe("bind(lo)"));
        return fd;
    }

    @Test
    void sendsEachFrameWholeOutOfTheNamedInterfaceThroughOneSocketKeptOpen() throws Exception {
        LibC c = LibC.get();
        int in = listener(c);
        assumeTrue(in >= 0, "no packet socket: needs CAP_NET_RAW (root)");
        try {
            PacketSocket out = new PacketSocket();
            long before = openFds();
            for (int n = 1; n <= 50; n++) {
                out.send("lo", frame(n));
                if (n == 1) assertEquals(before + 1, openFds(), "the first frame opens the socket");
            }
            // Not one socket a frame: closing a packet socket waits for an RCU grace period.
            assertEquals(before + 1, openFds(), "50 frames, one socket");
            Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), 2048);
            int got = 0;
            for (long deadline = System.nanoTime() + 5_000_000_000L; got < 50 && System.nanoTime() < deadline; ) {
                long len = c.recv(in, buf, 2048, 0);
                if (len < 0) {
                    Thread.sleep(1);
                    continue;
                }
                byte[] f = new byte[(int) len];
                buf.get(0, f, 0, f.length);
                if (f.length < 15 || f[6] != 0x02) continue; // not one of ours
                got++;
                assertArrayEquals(frame(f[14]), f, "frame " + f[14] + " as it was sent");
            }
            assertEquals(50, got, "every frame went out of lo");
        } finally {
            c.close(in);
        }
    }

    @Test
    void anInterfaceThatIsNotThereIsNamed() {
        IOException e = assertThrows(IOException.class, () -> new PacketSocket().send("no-such-if0", frame(1)));
        assertTrue(e.getMessage().contains("no-such-if0"), e.getMessage());
    }
}

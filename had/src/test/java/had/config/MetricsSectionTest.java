package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** [metrics]: off unless given, one literal address and a port, every mistake named with its line. */
class MetricsSectionTest extends ConfigTestSupport {
    @Test
    void offWithoutTheSection() {
        assertNull(assertValid(VALID).metrics());
    }

    @Test
    void anIpv4AndAnIpv6Listener() {
        assertEquals("127.0.0.1:9712", assertValid(VALID + "[metrics]\nlisten = 127.0.0.1:9712\n").metrics().describe());
        assertEquals("[::1]:9712", assertValid(VALID + "[metrics]\nlisten = [::1]:9712\n").metrics().describe());
        assertEquals("0.0.0.0:80", assertValid(VALID + "[metrics]\nlisten = 0.0.0.0:80\n").metrics().describe());
    }

    @Test
    void everyBadValueIsNamedWithItsLine() {
        String shape = "write ADDRESS:PORT, e.g. listen = 127.0.0.1:9712, or [::1]:9712 for IPv6";
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1\n", "had.conf:15: listen = 127.0.0.1 has no port: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1:0\n",
                "had.conf:15: listen = 127.0.0.1:0: the port must be a number 1..65535: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1:65536\n",
                "had.conf:15: listen = 127.0.0.1:65536: the port must be a number 1..65535: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1:http\n",
                "had.conf:15: listen = 127.0.0.1:http: the port must be a number 1..65535: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = ::1:9712\n",
                "had.conf:15: listen = ::1:9712: an IPv6 address goes in brackets: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = [::1]9712\n", "had.conf:15: listen = [::1]9712 is not ADDRESS:PORT: " + shape);
        assertErrors(VALID + "[metrics]\nlisten = localhost:9712\n",
                "had.conf:15: listen address localhost is not an IPv4 address: write four numbers 0..255 separated by dots, e.g. 10.0.1.1");
        assertErrors(VALID + "[metrics]\n", "had.conf:14: [metrics] has no listen key: " + shape
                + " (remove the section to serve no metrics)");
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1:9712\nport = 9712\n",
                "had.conf:16: unknown key 'port' in [metrics]: valid keys are listen");
        assertErrors(VALID + "[metrics]\nlisten = 127.0.0.1:9712\n[metrics]\nlisten = 127.0.0.1:9713\n",
                "had.conf:16: duplicate section [metrics]: it is already at line 14; merge the two into one section");
        assertErrors(VALID + "[metrics main]\nlisten = 127.0.0.1:9712\n",
                "had.conf:14: [metrics main] is not a valid header: write [metrics] (no name)");
        assertErrors(VALID.replace("miimon = 100", "miimon = 100\nlisten = 127.0.0.1:9712"),
                "had.conf:5: key 'listen' does not belong in [bond bond0]: it is a [metrics] key");
    }
}

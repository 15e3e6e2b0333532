package had.os;

import java.io.IOException;

/** The kernel refused a netlink request: its errno, and its own words when it gave any (extended ack). */
public final class NetlinkError extends IOException {
    private final int errno;

    public NetlinkError(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

package had.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file channel that counts what reaches the disk: the fsyncs ({@code force}) and the bytes
 * written since the last one, so a test can tell "written" from "durable".
 */
final class CountingChannel extends FileChannel {
    /** What every channel opened through {@link #opener} adds to. */
    static final class Counts {
        final AtomicInteger forces = new AtomicInteger();
        final AtomicLong unforced = new AtomicLong();
        /** The next force fails, as on a disk that has gone away. */
        volatile boolean failNextForce;

        AuditLog.Opener opener() {
            return (file, options) -> new CountingChannel(FileChannel.open(file, options), this);
        }
    }

    private final FileChannel inner;
    private final Counts counts;

    private CountingChannel(FileChannel inner, Counts counts) {
        this.inner = inner;
        this.counts = counts;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = inner.write(src);
        counts.unforced.addAndGet(n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = inner.write(srcs, offset, length);
        counts.unforced.addAndGet(n);
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int n = inner.write(src, position);
        counts.unforced.addAndGet(n);
        return n;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (counts.failNextForce) {
            counts.failNextForce = false;
            throw new IOException("Input/output error");
        }
        inner.force(metaData);
        counts.forces.incrementAndGet();
        counts.unforced.set(0);
    }

    @Override public int read(ByteBuffer dst) throws IOException { return inner.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return inner.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return inner.read(dst, position); }
    @Override public long position() throws IOException { return inner.position(); }
    @Override public FileChannel position(long p) throws IOException { inner.position(p); return this; }
    @Override public long size() throws IOException { return inner.size(); }
    @Override public FileChannel truncate(long size) throws IOException { inner.truncate(size); return this; }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return inner.transferTo(position, count, target);
    }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return inner.transferFrom(src, position, count);
    }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return inner.map(mode, position, size);
    }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException {
        return inner.lock(position, size, shared);
    }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return inner.tryLock(position, size, shared);
    }
    @Override protected void implCloseChannel() throws IOException { inner.close(); }
}

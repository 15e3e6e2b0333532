package had.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file channel that counts what reaches the disk: the fsyncs ({@code force}) and the bytes
 * written since the last one, so a test can tell "written" from "durable". It can also play a
 * small file system that fills up: writes beyond {@link Counts#capacity} are cut short, then
 * refused with ENOSPC's message, as the kernel does; truncating or deleting a file frees its room.
 */
final class CountingChannel extends FileChannel {
    /** What every channel opened through {@link #opener} adds to. */
    static final class Counts {
        final AtomicInteger forces = new AtomicInteger();
        final AtomicLong unforced = new AtomicLong();
        /** The next force fails, as on a disk that has gone away. */
        volatile boolean failNextForce;
        /** Bytes the files opened here may hold in all; Long.MAX_VALUE: no limit. */
        volatile long capacity = Long.MAX_VALUE;
        /** Writes refused with ENOSPC, and writes cut short by it. */
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger cutShort = new AtomicInteger();
        final Set<Path> files = ConcurrentHashMap.newKeySet();

        AuditLog.Opener opener() {
            return (file, options) -> {
                files.add(file);
                return new CountingChannel(FileChannel.open(file, options), this);
            };
        }

        /** What the files opened here hold now (a deleted one holds nothing). */
        long used() {
            long n = 0;
            for (Path f : files) {
                try {
                    n += Files.size(f);
                } catch (IOException e) {
                    // deleted
                }
            }
            return n;
        }

        /** Fills the file system: what is free now is all there will be, plus {@code free}. */
        void fill(long free) {
            capacity = used() + free;
        }

        /** How many of {@code wanted} bytes fit; throws as a full file system does. */
        int room(int wanted) throws IOException {
            long free = capacity == Long.MAX_VALUE ? Long.MAX_VALUE : capacity - used();
            if (wanted > 0 && free <= 0) {
                refused.incrementAndGet();
                throw new IOException("No space left on device");
            }
            if (free < wanted) cutShort.incrementAndGet();
            return (int) Math.min(wanted, free);
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
        int room = counts.room(src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + room);
        int n = inner.write(part);
        src.position(src.position() + n);
        counts.unforced.addAndGet(n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            if (!srcs[i].hasRemaining()) continue;
            n += write(srcs[i]);
            if (srcs[i].hasRemaining()) break;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int room = counts.room(src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + room);
        int n = inner.write(part, position);
        src.position(src.position() + n);
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

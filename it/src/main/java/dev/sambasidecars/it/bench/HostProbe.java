package dev.sambasidecars.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the host gives a thread at this moment, next to a load: at a steady pace, for as long as
 * it runs, it times a small write and its flush ({@code FileChannel.force(false)}, an fdatasync)
 * on a disk, which is what a log append's flush costs there, and how late its thread wakes from
 * each pause between flushes, which is how long a thread woken on this host waits for a CPU (a
 * write's path through the stores is a chain of such wake-ups). The file is written through
 * once and flushed before the timing starts, so each timed flush writes data only (no block
 * allocation, no file size change), as Ratis's appends into its preallocated segments do. A
 * flush's time includes the wake-up after the disk has answered, so a flush tail that the
 * wake-up tail matches is the CPU's, not the disk's; one well above it can be the CPU's too,
 * since a thread woken by a finished flush waited longer here than one woken by a timer
 * ({@code scripts/log-flush-model.py --hogs} measures the disk with and without busy CPUs).
 */
final class HostProbe implements AutoCloseable {

    /** The flush times and wake-up delays, in milliseconds, sorted. */
    record Samples(double[] flushes, double[] wakes) {
    }

    private static final int BLOCK = 4096;
    private static final int FILE_BYTES = 16 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long pauseNanos;
    private final Thread thread;
    private final List<Double> flushes = new ArrayList<>();
    private final List<Double> wakes = new ArrayList<>();
    private volatile boolean running = true;

    /** Starts flushing in {@code dir} every {@code pause}. */
    HostProbe(Path dir, Duration pause) throws IOException {
        this.file = Files.createTempFile(dir, "host-probe", ".bin");
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        this.pauseNanos = pause.toNanos();
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < FILE_BYTES; at += zeros.capacity()) {
            zeros.clear();
            while (zeros.hasRemaining()) {
                channel.write(zeros, at + zeros.position());
            }
        }
        channel.force(true);
        this.thread = Thread.ofPlatform().daemon().name("host-probe").start(this::run);
    }

    private void run() {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        long at = 0;
        try {
            while (running) {
                block.clear();
                block.putLong(0, at);
                while (block.hasRemaining()) {
                    channel.write(block, at + block.position());
                }
                long start = System.nanoTime();
                channel.force(false);
                long flushed = System.nanoTime();
                at = (at + BLOCK) % FILE_BYTES;
                LockSupport.parkNanos(pauseNanos);
                long late = Math.max(0, System.nanoTime() - flushed - pauseNanos);
                synchronized (this) {
                    flushes.add((flushed - start) / 1e6);
                    wakes.add(late / 1e6);
                }
            }
        } catch (IOException e) {
            if (running) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The samples since the last call. */
    synchronized Samples take() {
        Samples out = new Samples(sorted(flushes), sorted(wakes));
        flushes.clear();
        wakes.clear();
        return out;
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** The {@code p}th percentile (nearest rank) of sorted values; NaN for none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
        Files.deleteIfExists(file);
    }
}

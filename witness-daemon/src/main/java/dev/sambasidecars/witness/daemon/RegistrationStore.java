package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.api.v1.StoreEntry;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessService;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-local record of registrations, so that they survive a restart of the daemon: an
 * append-only log of added and removed registrations (length-delimited protobuf), written by one
 * thread that batches and fsyncs at most every {@code flushInterval}, and compacted at start and
 * when it holds many more entries than live registrations. A torn or corrupt tail (a crash in the
 * middle of a write) is cut off at the last whole entry, with a warning.
 */
final class RegistrationStore implements WitnessService.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationStore.class);
    static final String FILE = "registrations.log";
    private static final StoreEntry STOP = StoreEntry.getDefaultInstance();

    private final Path file;
    private final int witnessPnn;
    private final LinkedBlockingQueue<StoreEntry> pending = new LinkedBlockingQueue<>();
    private final Map<UUID, dev.sambasidecars.witness.api.v1.Registration> live = new LinkedHashMap<>();
    private final Thread writer;
    private final long flushMillis;
    private FileChannel channel;
    private OutputStream out;
    private long entries;

    private RegistrationStore(Path file, int witnessPnn, long flushMillis) {
        this.file = file;
        this.witnessPnn = witnessPnn;
        this.flushMillis = flushMillis;
        this.writer = Thread.ofPlatform().daemon().name("witness-store").unstarted(this::write);
    }

    /** Opens (creating) the store in {@code dir} and returns it with what it held. */
    static RegistrationStore open(Path dir, int witnessPnn, long flushMillis) throws IOException {
        Files.createDirectories(dir);
        RegistrationStore s = new RegistrationStore(dir.resolve(FILE), witnessPnn, flushMillis);
        s.load();
        s.compact();
        s.writer.start();
        return s;
    }

    /** The registrations the log held when opened. */
    List<Registration.Info> restored() {
        List<Registration.Info> out = new ArrayList<>();
        for (var p : live.values()) {
            try {
                out.add(RegistrationProtos.fromProto(p));
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: skipping an unreadable registration {}: {}", file, p.getId(), e.getMessage());
            }
        }
        return out;
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        long count = 0;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            while (true) {
                StoreEntry e;
                try {
                    e = StoreEntry.parseDelimitedFrom(in);
                } catch (IOException bad) {
                    LOG.warn("{}: entry {} is torn or corrupt ({}); keeping the {} before it", file, count + 1,
                            bad.getMessage(), count);
                    break;
                }
                if (e == null) {
                    break;
                }
                count++;
                apply(e);
            }
        }
    }

    private void apply(StoreEntry e) {
        switch (e.getChangeCase()) {
            case ADDED -> {
                try {
                    live.put(UUID.fromString(e.getAdded().getId()), e.getAdded());
                } catch (IllegalArgumentException bad) {
                    LOG.warn("{}: skipping a registration with id '{}'", file, e.getAdded().getId());
                }
            }
            case REMOVED_ID -> {
                try {
                    live.remove(UUID.fromString(e.getRemovedId()));
                } catch (IllegalArgumentException bad) {
                    LOG.warn("{}: skipping a removal of id '{}'", file, e.getRemovedId());
                }
            }
            default -> { }
        }
    }

    /** Rewrites the log with only the live registrations (temporary file, fsync, rename). */
    private void compact() throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch));
            for (var p : live.values()) {
                StoreEntry.newBuilder().setAdded(p).build().writeDelimitedTo(o);
            }
            o.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (out != null) {
            out.close();
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        out = new BufferedOutputStream(Channels.newOutputStream(channel));
        entries = live.size();
    }

    @Override
    public void registered(Registration r) {
        pending.add(StoreEntry.newBuilder().setAdded(RegistrationProtos.toProto(r.info(), witnessPnn)).build());
    }

    @Override
    public void ended(Registration r, String why) {
        pending.add(StoreEntry.newBuilder().setRemovedId(r.id().toString()).build());
    }

    private void write() {
        List<StoreEntry> batch = new ArrayList<>();
        while (true) {
            try {
                StoreEntry first = pending.take();
                batch.add(first);
                Thread.sleep(flushMillis);
                pending.drainTo(batch);
                boolean stop = batch.removeIf(e -> e == STOP);
                for (StoreEntry e : batch) {
                    apply(e);
                    e.writeDelimitedTo(out);
                    entries++;
                }
                out.flush();
                channel.force(false);
                batch.clear();
                if (entries > 2L * live.size() + 1000) {
                    compact();
                }
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.error("{}: cannot record registrations: {}", file, e.getMessage());
                batch.clear();
            }
        }
    }

    /** Number of registrations the log holds (after the writes so far). */
    int size() {
        return live.size();
    }

    @Override
    public void close() throws IOException {
        pending.add(STOP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }
}

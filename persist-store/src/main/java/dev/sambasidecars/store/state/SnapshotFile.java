package dev.sambasidecars.store.state;

import dev.sambasidecars.store.v1.Record;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
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
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A shard's snapshot on disk: a header (magic, format, shard, applied index, next version, record
 * count), the records length-delimited in key order, and a CRC-32C of everything before it.
 * Written to a temporary file, fsync'd and renamed, so a crash leaves the old snapshot or the
 * new one, never half of one.
 */
public final class SnapshotFile {

    private static final int MAGIC = 0x50535331; // "PSS1"
    private static final int FORMAT = 1;

    /** What a snapshot holds besides the records. */
    public record Header(int shard, long appliedIndex, long nextVersion, long records) { }

    private SnapshotFile() {
    }

    public static void write(Path file, StoreState state) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(ch);
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(state.shard());
            out.writeLong(state.appliedIndex());
            out.writeLong(state.nextVersion());
            out.writeLong(state.size());
            for (Record r : state.records()) {
                r.writeDelimitedTo(out);
            }
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a snapshot into {@code state}. */
    public static Header read(Path file, StoreState state) throws IOException, InvalidRecordException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a persist-store snapshot");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(file + " has snapshot format " + format + ", this version reads " + FORMAT);
            }
            Header h = new Header(in.readInt(), in.readLong(), in.readLong(), in.readLong());
            if (h.shard() != state.shard()) {
                throw new IOException(file + " holds shard " + h.shard() + ", not " + state.shard());
            }
            List<Record> records = new ArrayList<>();
            for (long i = 0; i < h.records(); i++) {
                Record r = Record.parseDelimitedFrom(in);
                if (r == null) {
                    throw new EOFException(file + " ends after " + i + " of " + h.records() + " records");
                }
                records.add(r);
            }
            int expected = (int) crc.getValue();
            int stored = new DataInputStream(raw).readInt();
            if (stored != expected) {
                throw new IOException(String.format("%s is corrupt: crc32c %08x, content gives %08x", file, stored, expected));
            }
            state.restore(h.appliedIndex(), h.nextVersion(), records);
            return h;
        }
    }
}

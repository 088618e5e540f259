package dev.sambasidecars.store.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads a replica's Raft log segments before Ratis does, to say what is wrong with them in the
 * store's own words. A segment is an 8-byte header ({@code RaftLog1}), then entries (a varint
 * length, the entry, a big-endian CRC32C of length and entry), then zeros up to its preallocated
 * size. Ratis itself keeps a segment up to its first bad entry and drops the rest, which the
 * shard's leader then sends again; this check only reports.
 */
final class LogCheck {

    private static final byte[] HEADER = "RaftLog1".getBytes(StandardCharsets.US_ASCII);

    /** One thing wrong in one segment; {@code torn} for an entry cut short at the end of the data (a crash mid-write). */
    record Finding(Path segment, long offset, String what, boolean torn) {
        @Override
        public String toString() {
            return segment.getFileName() + " at byte " + offset + ": " + what;
        }
    }

    private LogCheck() {
    }

    /** Checks every segment in a replica's {@code current} directory (none there: nothing found). */
    static List<Finding> scan(Path current) throws IOException {
        List<Finding> out = new ArrayList<>();
        if (!Files.isDirectory(current)) {
            return out;
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(current)) {
            segments = files.filter(f -> f.getFileName().toString().startsWith("log_")).sorted().toList();
        }
        for (Path s : segments) {
            Finding f = check(s, Files.readAllBytes(s));
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    static Finding check(Path segment, byte[] b) {
        if (b.length == 0) {
            return null;
        }
        if (b.length < HEADER.length || !Arrays.equals(b, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            return new Finding(segment, 0, "the segment header is not " + new String(HEADER, StandardCharsets.US_ASCII), false);
        }
        int at = HEADER.length;
        while (at < b.length) {
            int start = at;
            long length = 0;
            int shift = 0;
            while (true) {
                if (at >= b.length) {
                    return new Finding(segment, start, "an entry length is cut short", true);
                }
                byte x = b[at++];
                length |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    break;
                }
                shift += 7;
                if (shift > 28) {
                    return new Finding(segment, start, "an entry length is not a valid varint", false);
                }
            }
            if (length == 0) {
                for (int i = at; i < b.length; i++) {
                    if (b[i] != 0) {
                        return new Finding(segment, i, "data after the end of the entries", false);
                    }
                }
                return null;
            }
            long end = at + length + 4;
            if (end > b.length) {
                return new Finding(segment, start, "an entry of " + length + " bytes runs past the end of the file", true);
            }
            CRC32C crc = new CRC32C();
            crc.update(b, start, (int) (at + length - start));
            int stored = ByteBuffer.wrap(b, (int) (at + length), 4).getInt();
            if ((int) crc.getValue() != stored) {
                boolean torn = allZero(b, (int) (at + length), b.length);
                return new Finding(segment, start, String.format("entry checksum %08x, stored %08x", (int) crc.getValue(), stored), torn);
            }
            at = (int) end;
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}

package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever ctdbd (or a corrupted stream) sends, the codec may only answer with a
 * {@link CtdbProtocolException} or {@link EOFException}: any other exception (index, negative
 * size, out of memory, NPE) would escape the connection's error handling. Fixed seeds, so a
 * failure reproduces; the failing input is printed in hex.
 */
class DecoderFuzzTest {

    private static final long SEED = 0x5a3bad_c7dbL;
    private static final int ROUNDS = 5000;

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    /** Valid packets of every kind the client reads, with nested control data to mutate. */
    private static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        byte[] nodemap = Le.of().u32(2).u32(0).u32(0).sockaddr4(10, 0, 0, 1, 0)
                .u32(1).u32(0x22).sockaddr6(Le.hex("fd000000000000000000000000000002"), 0, 0, 0).bytes();
        byte[] ips = Le.of().u32(2).u32(0).sockaddr4(10, 0, 0, 5, 0).u32(0xFFFFFFFFL).sockaddr4(10, 0, 0, 6, 0)
                .bytes();
        Le info = Le.of().u32(1).sockaddr4(10, 0, 0, 5, 0).u32(0).u32(2);
        info.ascii("eth0").zeros(14).u16(1).u32(1).ascii("eth1").zeros(14).u16(0).u32(0);
        byte[] runstate = Le.of().u32(5).bytes();
        for (byte[] data : List.of(nodemap, ips, info.bytes(), runstate, new byte[0])) {
            out.add(reply(data, ""));
        }
        out.add(reply(new byte[0], "control failed"));
        out.add(message(0xF301000000000000L, Le.of().ascii("10.0.0.5").u8(0).bytes()));
        out.add(message(0xF900000000000000L, Le.of().u32(1).u32(2).u32(0).bytes()));
        out.add(message(0xF200000000000000L, new byte[0]));
        byte[] tcp = Le.of().sockaddr4(192, 168, 1, 10, 51234).sockaddr4(10, 0, 0, 5, 445).bytes();
        out.add(control(44, tcp));
        out.add(control(35, new byte[0]));
        return out;
    }

    private static byte[] reply(byte[] data, String error) {
        int len = 32 + 12 + data.length + error.length();
        return Le.of().header((len + 7) & ~7, 8, 0, 0, 1).u32(0).u32(data.length).u32(error.length()).bytes(data)
                .ascii(error).padTo(8).bytes();
    }

    private static byte[] message(long srvid, byte[] data) {
        int len = Math.max(48, (32 + 12 + data.length + 7) & ~7);
        Le b = Le.of().header(len, 5, 0, 0, 0).u64(srvid).u32(data.length).bytes(data);
        return b.zeros(len - b.size()).bytes();
    }

    private static byte[] control(int opcode, byte[] data) {
        int len = (60 + data.length + 7) & ~7;
        return Le.of().header(len, 7, 0xF0000001L, 0, 1).u32(opcode).u32(0).u64(0).u32(0).u32(0).u32(data.length)
                .bytes(data).padTo(8).bytes();
    }

    private static final int[] INTERESTING = {0, 1, 4, 27, 28, 31, 32, 33, 48, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0xFFFFFFFE, 4096, 4097, 65536, 1 << 20};

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(6)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> { // an aligned 32-bit field (lengths, counts, indexes) set to an edge value
                    int at = r.nextInt(Math.max(1, b.length / 4)) * 4;
                    int v = INTERESTING[r.nextInt(INTERESTING.length)];
                    for (int i = 0; i < 4 && at + i < b.length; i++) {
                        b[at + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
                case 4 -> { // extend with junk
                    byte[] tail = new byte[r.nextInt(64)];
                    r.nextBytes(tail);
                    byte[] x = Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, x, b.length, tail.length);
                    b = x;
                }
                default -> { // the first (length) field to an edge value: what PacketReader trusts first
                    int v = INTERESTING[r.nextInt(INTERESTING.length)];
                    for (int i = 0; i < 4 && i < b.length; i++) {
                        b[i] = (byte) (v >>> (8 * i));
                    }
                }
            }
            if (b.length == 0) {
                break;
            }
        }
        return b;
    }

    @FunctionalInterface
    private interface Decoder {
        void decode(CtdbBuffer b) throws CtdbProtocolException;
    }

    /** Every decoder the client has, each applied on its own to the same bytes. */
    private static final List<Decoder> DECODERS = List.of(
            PacketHeader::decode,
            NodeAndFlags::decodeMap,
            PublicIp::decodeList,
            b -> PublicIpInfo.decode(b).activeInterface(),
            SockAddr::decode,
            TcpConnection::decode,
            NodeFlagChange::decode,
            b -> RunState.of(b.i32("runstate")),
            b -> ReqMessage.decode(b).nulTerminatedString());

    private static void decodeEverything(byte[] bytes) {
        for (Decoder d : DECODERS) {
            try {
                d.decode(CtdbBuffer.reader(bytes));
            } catch (CtdbProtocolException expected) {
                // the only allowed failure
            }
        }
    }

    /** What the connection does with a packet, plus every data decoder on the reply's data. */
    private static void decodePacket(PacketReader.Packet p) {
        decodeEverything(p.raw());
        decodeEverything(Arrays.copyOfRange(p.raw(), PacketHeader.SIZE, p.raw().length));
        try {
            ReplyControl r = ReplyControl.decode(p.header(), p.body());
            decodeEverything(r.data());
        } catch (CtdbProtocolException expected) {
            // refused
        }
        try {
            ReqControl c = ReqControl.decode(p.header(), p.body());
            decodeEverything(c.data());
        } catch (CtdbProtocolException expected) {
            // refused
        }
        try {
            ReqMessage m = ReqMessage.decode(p.body());
            decodeEverything(m.data());
            m.nulTerminatedString();
        } catch (CtdbProtocolException expected) {
            // refused
        }
    }

    private static void readStream(byte[] stream) throws Exception {
        PacketReader reader = new PacketReader(new ByteArrayInputStream(stream), 64 * 1024);
        for (int i = 0; i < 64; i++) {
            PacketReader.Packet p;
            try {
                p = reader.next();
            } catch (EOFException | CtdbProtocolException end) {
                return;
            }
            decodePacket(p);
        }
    }

    private static void run(byte[] input, String what) {
        try {
            readStream(input);
            decodeEverything(input);
        } catch (Throwable t) {
            fail(what + ": " + t + " on input " + Le.hex(input), t);
        }
    }

    @Test
    void theCorpusItselfDecodes() throws Exception {
        // Guards the fuzz test: mutations must start from packets the codec accepts.
        for (byte[] p : corpus()) {
            PacketReader.Packet packet = new PacketReader(new ByteArrayInputStream(p)).next();
            assertTrue(packet.raw().length % 8 == 0);
        }
    }

    @Test
    void mutatedPacketsOnlyFailAsProtocolErrors() {
        Random r = new Random(SEED);
        List<byte[]> corpus = corpus();
        for (int i = 0; i < ROUNDS; i++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int packets = 1 + r.nextInt(3);
            for (int k = 0; k < packets; k++) {
                byte[] p = corpus.get(r.nextInt(corpus.size()));
                stream.writeBytes(r.nextInt(4) == 0 ? p : mutate(p, r));
            }
            run(stream.toByteArray(), "round " + i);
        }
    }

    @Test
    void randomBytesOnlyFailAsProtocolErrors() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            if (junk.length >= 12 && r.nextBoolean()) {
                // A valid magic and version, so the junk gets past the header check.
                byte[] head = Le.of().u32(32 + r.nextInt(168)).u32(0x43544442L).u32(1).bytes();
                System.arraycopy(head, 0, junk, 0, head.length);
            }
            run(junk, "random " + i);
        }
    }
}

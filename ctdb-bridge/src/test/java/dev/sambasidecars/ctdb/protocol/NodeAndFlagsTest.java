package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET_NODEMAP's reply: uint32 count, then 36-byte {pnn, flags, ctdb_sock_addr} entries. */
class NodeAndFlagsTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    @Test
    void decodesEveryEntry() throws Exception {
        byte[] raw = Le.of().u32(3)
                .u32(0).u32(0).sockaddr4(10, 0, 0, 1, 0)
                .u32(1).u32(0x09).sockaddr4(10, 0, 0, 2, 0) // DISCONNECTED | BANNED
                .u32(2).u32(0x10).sockaddr6(Le.hex("fd000000000000000000000000000002"), 0, 0, 0) // DELETED
                .bytes();
        assertEquals(4 + 3 * 36, raw.length);

        List<NodeAndFlags> nodes = NodeAndFlags.decodeMap(CtdbBuffer.reader(raw));

        assertEquals(List.of(
                new NodeAndFlags(0, 0, InetAddress.ofLiteral("10.0.0.1")),
                new NodeAndFlags(1, 9, InetAddress.ofLiteral("10.0.0.2")),
                new NodeAndFlags(2, 0x10, InetAddress.ofLiteral("fd00::2"))), nodes);
        assertTrue(nodes.get(1).has(1));
        assertTrue(nodes.get(1).has(8));
        assertFalse(nodes.get(1).has(2));
    }

    @Test
    void emptyMap() throws Exception {
        assertEquals(List.of(), NodeAndFlags.decodeMap(CtdbBuffer.reader(Le.of().u32(0).bytes())));
    }

    @Test
    void flagBitsMatchProtocolH() {
        assertEquals(0x01, NodeFlags.DISCONNECTED);
        assertEquals(0x02, NodeFlags.UNHEALTHY);
        assertEquals(0x04, NodeFlags.PERMANENTLY_DISABLED);
        assertEquals(0x08, NodeFlags.BANNED);
        assertEquals(0x10, NodeFlags.DELETED);
        assertEquals(0x20, NodeFlags.STOPPED);
    }

    @Test
    void absurdCountIsRefusedBeforeAllocating() {
        // 0xFFFFFFFF entries would be 150 GB: refused from the count alone.
        byte[] raw = Le.of().u32(0xFFFFFFFFL).bytes();
        assertThrows(PacketTooLongException.class, () -> NodeAndFlags.decodeMap(CtdbBuffer.reader(raw)));
    }

    @Test
    void countAboveTheLimitIsTooLong() {
        byte[] raw = Le.of().u32(NodeAndFlags.MAX_NODES + 1L).bytes();
        assertThrows(PacketTooLongException.class, () -> NodeAndFlags.decodeMap(CtdbBuffer.reader(raw)));
    }

    @Test
    void countLargerThanTheEntriesIsCorrupt() {
        byte[] raw = Le.of().u32(2).u32(0).u32(0).sockaddr4(10, 0, 0, 1, 0).bytes();
        assertThrows(CorruptedPacketException.class, () -> NodeAndFlags.decodeMap(CtdbBuffer.reader(raw)));
    }

    @Test
    void entryWithUnknownFamilyIsCorrupt() {
        byte[] raw = Le.of().u32(1).u32(0).u32(0).u16(7).zeros(26).bytes();
        assertThrows(CorruptedPacketException.class, () -> NodeAndFlags.decodeMap(CtdbBuffer.reader(raw)));
    }
}

package dev.sambasidecars.witness.ndr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pointers (ref, unique, full; top-level and embedded with deferral), arrays, unions and context
 * handles, checked on Windows' witness captures (published in Samba's
 * source4/torture/ndr/witness.c) and on hand-laid bytes that follow C706 chapter 14 and MS-RPCE
 * 2.2.5 (NDR64).
 */
class NdrConstructsTest {

    record Notify(int type, int length, int count, byte[] messages) {}

    /** RESP_ASYNC_NOTIFY with its MessageBuffer behind an embedded [unique, size_is(Length)] pointer. */
    static Notify readNotify(NdrReader r) throws NdrException {
        record Raw(int type, int length, int count, Deferred<List<Byte>> buffer) {}
        Raw raw = r.constructed(s -> new Raw(s.u32("MessageType"), s.u32("Length"), s.u32("NumberOfMessages"),
                s.embeddedUnique("MessageBuffer", p -> p.conformantArray("MessageBuffer", 1 << 20, 1,
                        e -> (byte) e.u8("byte")))));
        List<Byte> bytes = raw.buffer().get();
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return new Notify(raw.type(), raw.length(), raw.count(), out);
    }

    static void writeNotify(NdrWriter w, Notify n) {
        w.u32(n.type()).u32(n.length()).u32(n.count()).embeddedUnique(n.messages(), (p, m) -> p.wide(m.length).bytes(m));
    }

    @Test
    void asyncNotifyCaptureThroughTopLevelAndEmbeddedPointers() throws Exception {
        byte[] stub = WitnessCapturesTest.capture("asyncnotify-out");
        NdrReader r = new NdrReader(stub, NdrSyntax.NDR32);
        Notify n = r.unique("pResponse", NdrConstructsTest::readNotify);
        assertEquals(0, r.u32("WERROR"));
        r.end();
        assertEquals(1, n.type());
        assertEquals(18, n.messages().length);
        byte[] again = new NdrWriter(NdrSyntax.NDR32).unique(n, (w, v) -> w.constructed(v, NdrConstructsTest::writeNotify))
                .align(4).u32(0).toByteArray();
        assertArrayEquals(stub, again);
    }

    record Iface(String group, int state, byte[] ipv4, int flags) {}

    @Test
    void getInterfaceListCaptureDefersTheArrayAfterItsStructure() throws Exception {
        byte[] stub = WitnessCapturesTest.capture("getinterfacelist-out");
        NdrReader r = new NdrReader(stub, NdrSyntax.NDR32);
        record Raw(int count, Deferred<List<Iface>> list) {}
        Raw raw = r.unique("InterfaceList", p -> p.constructed(s -> new Raw(s.u32("NumberOfInterfaces"),
                s.embeddedUnique("InterfaceInfo", a -> a.conformantArray("InterfaceInfo", 1024, 552, e -> {
                    String group = e.fixedString(260, "InterfaceGroupName");
                    e.u32("Version");
                    int state = e.u16("State");
                    e.align(4);
                    byte[] v4 = e.bytes(4, "IPV4");
                    e.bytes(16, "IPV6");
                    return new Iface(group, state, v4, e.u32("Flags"));
                })))));
        assertEquals(0, r.u32("WERROR"));
        r.end();
        assertEquals(2, raw.count());
        assertEquals("NODE1", raw.list().get().get(1).group());
        assertEquals("192.168.3.45", InetAddress.getByAddress(raw.list().get().get(1).ipv4()).getHostAddress());
    }

    record Node(int value, Node left, Node right) {}

    static void writeNode(NdrWriter w, Node n) {
        w.u32(n.value()).embeddedUnique(n.left(), NdrConstructsTest::writeNode)
                .embeddedUnique(n.right(), NdrConstructsTest::writeNode);
    }

    static Node readNode(NdrReader r) throws NdrException {
        record Raw(int value, Deferred<Node> left, Deferred<Node> right) {}
        Raw raw = r.constructed(s -> new Raw(s.u32("value"), s.embeddedUnique("left", NdrConstructsTest::readNode),
                s.embeddedUnique("right", NdrConstructsTest::readNode)));
        return new Node(raw.value(), raw.left().get(), raw.right().get());
    }

    @Test
    void embeddedPointeesFollowTheirConstructDepthFirst() throws Exception {
        // root{1, left→{2, left→{3}}, right→{4}}: root's scalars, then left's scalars, then left's
        // own pointee (3) before root's second pointee (4).
        Node tree = new Node(1, new Node(2, new Node(3, null, null), null), new Node(4, null, null));
        byte[] bytes = new NdrWriter(NdrSyntax.NDR32).constructed(tree, NdrConstructsTest::writeNode).toByteArray();
        assertEquals("01000000" + "00000200" + "04000200"
                + "02000000" + "08000200" + "00000000"
                + "03000000" + "00000000" + "00000000"
                + "04000000" + "00000000" + "00000000", HexFormat.of().formatHex(bytes));
        assertEquals(tree.toString(), readNode(new NdrReader(bytes, NdrSyntax.NDR32)).toString());

        byte[] wide = new NdrWriter(NdrSyntax.NDR64).constructed(tree, NdrConstructsTest::writeNode).toByteArray();
        assertEquals(4 * 24, wide.length, "NDR64: u32, 4 bytes of padding, two 8-byte referent ids per node");
        assertEquals(tree.toString(), readNode(new NdrReader(wide, NdrSyntax.NDR64)).toString());
    }

    @Test
    void fullPointersToOneObjectShareTheReferentAndThePointee() throws Exception {
        String shared = "shared";
        NdrEncoder<String> str = (w, s) -> w.conformantVaryingString(s);
        byte[] bytes = new NdrWriter(NdrSyntax.NDR32).constructed(shared, (w, s) -> {
            w.embeddedFull(s, str).embeddedFull(s, str).embeddedFull(null, str);
        }).toByteArray();
        assertEquals("00000200" + "00000200" + "00000000", HexFormat.of().formatHex(bytes, 0, 12), "one referent id twice");
        record Raw(Deferred<String> a, Deferred<String> b, Deferred<String> c) {}
        NdrReader r = new NdrReader(bytes, NdrSyntax.NDR32);
        Raw raw = r.constructed(s -> new Raw(s.embeddedFull("a", String.class, p -> p.conformantVaryingString("a", 64)),
                s.embeddedFull("b", String.class, p -> p.conformantVaryingString("b", 64)),
                s.embeddedFull("c", String.class, p -> p.conformantVaryingString("c", 64))));
        r.end();
        assertEquals("shared", raw.a().get());
        assertSame(raw.a().get(), raw.b().get(), "the pointee is read once");
        assertNull(raw.c().get());
    }

    @Test
    void aFullPointerReferentReusedForAnotherTypeIsRefused() {
        // Found by fuzzing ept_lookup: object (a GUID) and interface_id given one referent id.
        byte[] bytes = new NdrWriter(NdrSyntax.NDR32).u32(0x00020000).uuid(new UUID(1, 2)).u32(0x00020000).toByteArray();
        NdrReader r = new NdrReader(bytes, NdrSyntax.NDR32);
        NdrException e = assertThrows(NdrException.class, () -> {
            r.full("object", UUID.class, p -> p.uuid("object"));
            r.full("interface_id", String.class, p -> "never read");
        });
        assertTrue(e.getMessage().contains("reused"), e.getMessage());
    }

    @Test
    void aNullRefPointerIsRefused() {
        NdrReader r = new NdrReader(new byte[4], NdrSyntax.NDR32);
        assertThrows(NdrException.class, () -> r.constructed(s -> s.embeddedRef("p", p -> p.u32("x"))));
    }

    @Test
    void unionArmsStartAtTheUnionsAlignmentInNdr64Only() throws Exception {
        // A union of a long and a pointer, discriminant short 1 selecting the long.
        byte[] ndr32 = new NdrWriter(NdrSyntax.NDR32).unionDiscriminant(1, 2, 8).u32(7).toByteArray();
        byte[] ndr64 = new NdrWriter(NdrSyntax.NDR64).unionDiscriminant(1, 2, 8).u32(7).toByteArray();
        assertEquals("0100000007000000", HexFormat.of().formatHex(ndr32));
        assertEquals("010000000000000007000000", HexFormat.of().formatHex(ndr64));
        NdrReader r = new NdrReader(ndr64, NdrSyntax.NDR64);
        assertEquals(1, r.unionDiscriminant("level", 2, 8));
        assertEquals(7, r.u32("arm"));
        r.end();
    }

    @Test
    void conformantVaryingArraysRoundTripAndTheirCountsAreChecked() throws Exception {
        List<Integer> values = List.of(5, 6, 7);
        for (NdrSyntax syntax : NdrSyntax.values()) {
            byte[] bytes = new NdrWriter(syntax).conformantVaryingArray(values, (w, v) -> w.u16(v)).toByteArray();
            NdrReader r = new NdrReader(bytes, syntax);
            assertEquals(values, r.conformantVaryingArray("a", 16, 2, e -> e.u16("v")));
            r.end();
        }
        byte[] offset = HexFormat.of().parseHex("03000000" + "01000000" + "02000000" + "0500" + "0600");
        assertThrows(NdrException.class,
                () -> new NdrReader(offset, NdrSyntax.NDR32).conformantVaryingArray("a", 16, 2, e -> e.u16("v")));
        byte[] overfull = HexFormat.of().parseHex("02000000" + "00000000" + "03000000" + "050006000700");
        assertThrows(NdrException.class,
                () -> new NdrReader(overfull, NdrSyntax.NDR32).conformantVaryingArray("a", 16, 2, e -> e.u16("v")));
        // An NDR64 count with the top bit set once slipped past a signed comparison.
        byte[] huge = HexFormat.of().parseHex("ffffffffffffff7f" + "0000");
        assertThrows(NdrException.class,
                () -> new NdrReader(huge, NdrSyntax.NDR64).conformantArray("a", 16, 2, e -> e.u16("v")));
        byte[] negative = HexFormat.of().parseHex("0000000000000080" + "0000");
        assertThrows(NdrException.class, () -> new NdrReader(negative, NdrSyntax.NDR64).count("a", 16, 0));
    }

    @Test
    void contextHandlesFromTheRegisterCapture() throws Exception {
        byte[] out = WitnessCapturesTest.capture("register-out");
        NdrReader r = new NdrReader(out, NdrSyntax.NDR32);
        ContextHandle h = ContextHandle.read(r);
        assertEquals(new ContextHandle(0, UUID.fromString("3ab88633-1e57-4c1a-856c-d1bc4b15bbb1")), h);
        assertEquals(0, r.u32("WERROR"));
        r.end();
        NdrWriter w = new NdrWriter(NdrSyntax.NDR64);
        ContextHandle.NULL.write(w);
        assertTrue(ContextHandle.read(new NdrReader(w.toByteArray(), NdrSyntax.NDR64)).isNull());
    }

    @Test
    void pointeeChainsNestedBeyondTheBoundAreRefused() {
        NdrWriter w = new NdrWriter(NdrSyntax.NDR32);
        Node chain = null;
        for (int i = 0; i < NdrReader.MAX_NESTING + 8; i++) {
            chain = new Node(i, chain, null);
        }
        byte[] bytes = w.constructed(chain, NdrConstructsTest::writeNode).toByteArray();
        NdrException e = assertThrows(NdrException.class,
                () -> readNode(new NdrReader(bytes, NdrSyntax.NDR32)));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }
}

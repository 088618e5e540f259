package dev.sambasidecars.witness.ndr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The NDR library against Windows Server 2012's witness stubs (NDR32), as published in Samba's
 * source4/torture/ndr/witness.c: each is unmarshalled field by field following MS-SWN's IDL,
 * then marshalled again and compared byte for byte.
 */
class WitnessCapturesTest {

    static byte[] capture(String name) throws IOException {
        try (InputStream in = WitnessCapturesTest.class.getResourceAsStream("/captures/witness-" + name + ".hex")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            StringBuilder hex = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line.strip());
                }
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    record Register(int version, String netName, String ip, String client) {}

    static Register readRegister(NdrReader r) throws NdrException {
        int version = r.u32("Version");
        String[] s = new String[3];
        for (int i = 0; i < 3; i++) {
            // Top-level [in, unique, string] parameters: referent id, then the string at once.
            s[i] = r.pointer("string pointer") ? r.conformantVaryingString("string", 1024) : null;
        }
        return new Register(version, s[0], s[1], s[2]);
    }

    static byte[] writeRegister(Register reg, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax).u32(reg.version());
        for (String s : new String[] {reg.netName(), reg.ip(), reg.client()}) {
            w.pointer(s != null);
            if (s != null) {
                w.conformantVaryingString(s);
            }
        }
        return w.toByteArray();
    }

    @Test
    void registerRequest() throws Exception {
        byte[] stub = capture("register-in");
        NdrReader r = new NdrReader(stub, NdrSyntax.NDR32);
        Register reg = readRegister(r);
        r.end();
        assertEquals(new Register(0x00010001, "sofs", "192.168.3.45", "MTHELENA"), reg);
        assertArrayEquals(stub, writeRegister(reg, NdrSyntax.NDR32));
    }

    @Test
    void registerResponseAndUnregisterRequestCarryTheContextHandle() throws Exception {
        UUID handle = UUID.fromString("3ab88633-1e57-4c1a-856c-d1bc4b15bbb1");
        byte[] out = capture("register-out");
        NdrReader r = new NdrReader(out, NdrSyntax.NDR32);
        assertEquals(0, r.u32("handle_type"));
        assertEquals(handle, r.uuid("uuid"));
        assertEquals(0, r.u32("WERROR"));
        r.end();
        assertArrayEquals(out, new NdrWriter(NdrSyntax.NDR32).u32(0).uuid(handle).u32(0).toByteArray());

        byte[] in = capture("unregister-in");
        NdrReader u = new NdrReader(in, NdrSyntax.NDR32);
        assertEquals(0, u.u32("handle_type"));
        assertEquals(handle, u.uuid("uuid"));
        u.end();
    }

    @Test
    void asyncNotifyResponseWithAResourceChange() throws Exception {
        byte[] stub = capture("asyncnotify-out");
        NdrReader r = new NdrReader(stub, NdrSyntax.NDR32);
        assertTrue(r.pointer("response"));
        int type = r.u32("MessageType");
        int length = r.u32("Length");
        int num = r.u32("NumberOfMessages");
        assertTrue(r.pointer("MessageBuffer"));
        int size = r.count("MessageBuffer size_is", 1 << 20, 1);
        byte[] messages = r.bytes(size, "MessageBuffer");
        r.align(4);
        int werror = r.u32("WERROR");
        r.end();
        assertEquals(1, type, "RESOURCE_CHANGE");
        assertEquals(18, length);
        assertEquals(length, size);
        assertEquals(1, num);
        assertEquals(0, werror);
        // RESOURCE_CHANGE: Length 18, ChangeType 0xFF (unavailable), "SOFS" NUL-terminated UTF-16.
        assertEquals("12000000ff000000", HexFormat.of().formatHex(messages, 0, 8));
        assertEquals("SOFS\0", new String(messages, 8, 10, StandardCharsets.UTF_16LE));

        byte[] again = new NdrWriter(NdrSyntax.NDR32).pointer(true).u32(type).u32(length).u32(num).pointer(true)
                .wide(size).bytes(messages).align(4).u32(werror).toByteArray();
        assertArrayEquals(stub, again);
    }

    record Iface(String group, int version, int state, byte[] ipv4, byte[] ipv6, int flags) {}

    @Test
    void getInterfaceListResponseWithTwoNodes() throws Exception {
        byte[] stub = capture("getinterfacelist-out");
        NdrReader r = new NdrReader(stub, NdrSyntax.NDR32);
        assertTrue(r.pointer("InterfaceList"));
        int num = r.u32("NumberOfInterfaces");
        assertTrue(r.pointer("InterfaceInfo"));
        int conformance = r.count("InterfaceInfo size_is", 1024, 552);
        assertEquals(num, conformance);
        List<Iface> list = new ArrayList<>();
        for (int i = 0; i < conformance; i++) {
            String group = r.fixedString(260, "InterfaceGroupName");
            int version = r.u32("Version");
            int state = r.u16("State");
            r.align(4);
            byte[] v4 = r.bytes(4, "IPV4");
            byte[] v6 = r.bytes(16, "IPV6");
            int flags = r.u32("Flags");
            list.add(new Iface(group, version, state, v4, v6, flags));
        }
        assertEquals(0, r.u32("WERROR"));
        r.end();

        assertEquals(2, list.size());
        assertEquals("NODE2", list.get(0).group());
        assertEquals(-1, list.get(0).version());
        assertEquals(1, list.get(0).state(), "AVAILABLE");
        assertEquals("192.168.3.44", java.net.InetAddress.getByAddress(list.get(0).ipv4()).getHostAddress());
        assertEquals(5, list.get(0).flags(), "IPv4 | INTERFACE_WITNESS: a node other than the one answering");
        assertEquals("NODE1", list.get(1).group());
        assertEquals("192.168.3.45", java.net.InetAddress.getByAddress(list.get(1).ipv4()).getHostAddress());
        assertEquals(1, list.get(1).flags(), "IPv4 only: the answering node");

        NdrWriter w = new NdrWriter(NdrSyntax.NDR32).pointer(true).u32(list.size()).pointer(true).wide(list.size());
        for (Iface i : list) {
            w.fixedString(i.group(), 260).u32(i.version()).u16(i.state()).align(4).bytes(i.ipv4()).bytes(i.ipv6())
                    .u32(i.flags());
        }
        assertArrayEquals(stub, w.u32(0).toByteArray());
    }

    @Test
    void ndr64WidensPointersAndCounts() throws Exception {
        Register reg = new Register(0x00020000, "sofs", "fd00::5", null);
        byte[] ndr64 = writeRegister(reg, NdrSyntax.NDR64);
        byte[] ndr32 = writeRegister(reg, NdrSyntax.NDR32);
        assertTrue(ndr64.length > ndr32.length);
        // version (4), pad (4), referent id (8), max/offset/actual (3 x 8): the string starts at 40.
        assertEquals("s", new String(ndr64, 40, 2, StandardCharsets.UTF_16LE));
        NdrReader r = new NdrReader(ndr64, NdrSyntax.NDR64);
        assertEquals(reg, readRegister(r));
        r.end();
    }

    @Test
    void malformedStringsAreRefused() throws Exception {
        byte[] stub = capture("register-in");
        byte[] noNul = stub.clone();
        noNul[28] = 'x';
        assertThrows(NdrException.class, () -> readRegister(new NdrReader(noNul, NdrSyntax.NDR32)));
        byte[] actualAboveMax = stub.clone();
        actualAboveMax[16] = 6;
        assertThrows(NdrException.class, () -> readRegister(new NdrReader(actualAboveMax, NdrSyntax.NDR32)));
        byte[] hugeCount = capture("getinterfacelist-out");
        hugeCount[12] = (byte) 0xff;
        hugeCount[13] = (byte) 0xff;
        hugeCount[14] = (byte) 0xff;
        NdrReader r = new NdrReader(hugeCount, NdrSyntax.NDR32);
        r.pointer("list");
        r.u32("num");
        r.pointer("array");
        assertThrows(NdrException.class, () -> r.count("size_is", 1024, 552));
    }

    @Test
    void mutatedStubsOnlyEverFailAsNdrErrors() throws Exception {
        Random rnd = new Random(7);
        byte[] seed = capture("register-in");
        for (int i = 0; i < 20_000; i++) {
            byte[] p = seed.clone();
            for (int f = 0; f < 1 + rnd.nextInt(3); f++) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                p = java.util.Arrays.copyOf(p, rnd.nextInt(p.length + 1));
            }
            try {
                readRegister(new NdrReader(p, rnd.nextBoolean() ? NdrSyntax.NDR32 : NdrSyntax.NDR64));
            } catch (NdrException expected) {
                // the only way malformed stub data may fail
            } catch (RuntimeException e) {
                throw new AssertionError(HexFormat.of().formatHex(p) + " threw " + e, e);
            }
        }
    }
}

package dev.sambasidecars.witness.epm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.Pdu;
import dev.sambasidecars.witness.msrpce.PduDecoder;
import dev.sambasidecars.witness.msrpce.PduEncoder;
import dev.sambasidecars.witness.msrpce.PduType;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ept_map over the engine on loopback, with the request marshalled as rpcclient marshals it.
 * (Checked by hand against Debian's rpcclient 4.17: {@code rpcclient -U% -N ncacn_ip_tcp:127.0.0.1
 * -c 'epmmap witness'} printed {@code ncacn_ip_tcp:127.0.0.1[49200,…]}; an unknown interface
 * gave EPT_S_NOT_REGISTERED.)
 */
class EndpointMapperTest {
    static final SyntaxId WITNESS = new SyntaxId(UUID.fromString("ccd8c074-d0e5-4a40-92b4-d074faa6ba28"), 1, 1);

    @Test
    void towerLayoutFollowsC706() {
        Tower t = new Tower(WITNESS, SyntaxId.NDR32, 49200, InetAddress.getLoopbackAddress());
        byte[] b = t.encode();
        String hex = HexFormat.of().formatHex(b);
        assertTrue(hex.startsWith("0500" + "13000d" + "74c0d8cce5d0404a92b4d074faa6ba28" + "0100" + "02000100"), hex);
        assertTrue(hex.endsWith("01000b" + "0200" + "0000" + "010007" + "0200c030" + "010009" + "04007f000001"), hex);
        assertEquals(t, Tower.decode(b));
        assertThrows(IllegalArgumentException.class, () -> Tower.decode(java.util.Arrays.copyOf(b, 30)));
    }

    private static byte[] mapRequest(SyntaxId iface, int maxTowers) {
        byte[] tower = new Tower(iface, SyntaxId.NDR32, 0, null).encode();
        return new NdrWriter(NdrSyntax.NDR32)
                .pointer(true).uuid(new UUID(0, 0))
                .pointer(true).wide(tower.length).u32(tower.length).bytes(tower).align(4)
                .bytes(new byte[20]).u32(maxTowers).toByteArray();
    }

    private static byte[] call(RpcServer server, int opnum, byte[] stub) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(PduEncoder.bind(PduType.BIND, 1, 3, 5840, 5840, 0,
                    List.of(new Pdu.ContextElement(0, EndpointMapper.SYNTAX, List.of(SyntaxId.NDR32))), null));
            read(in);
            s.getOutputStream().write(PduEncoder.request(2, 3, stub.length, 0, opnum, null, stub, null));
            Pdu p = read(in);
            if (p instanceof Pdu.FaultPdu f) {
                throw new AssertionError(String.format("fault 0x%08x", f.status()));
            }
            return ((Pdu.ResponsePdu) p).stub();
        }
    }

    private static Pdu read(DataInputStream in) throws Exception {
        byte[] head = new byte[16];
        in.readFully(head);
        byte[] frag = new byte[(head[8] & 0xff) | (head[9] & 0xff) << 8];
        System.arraycopy(head, 0, frag, 0, 16);
        in.readFully(frag, 16, frag.length - 16);
        return PduDecoder.decode(frag);
    }

    @Test
    void mapAnswersWithThePortOfTheServedInterface() throws Exception {
        try (RpcServer server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WITNESS, 49200)))),
                Duration.ofSeconds(5), s -> { }, e -> { })) {
            NdrReader r = new NdrReader(call(server, EndpointMapper.EPT_MAP, mapRequest(WITNESS, 500)), NdrSyntax.NDR32);
            assertArrayEquals(new byte[20], r.bytes(20, "entry_handle"));
            assertEquals(1, r.u32("num_towers"));
            assertEquals(500, r.wide("max_count"), "size_is(max_towers)");
            assertEquals(0, r.wide("offset"));
            assertEquals(1, r.wide("actual_count"));
            assertTrue(r.pointer("tower"));
            int len = r.count("conformance", 1024, 1);
            assertEquals(len, r.u32("tower_length"));
            Tower t = Tower.decode(r.bytes(len, "tower"));
            assertEquals(49200, t.port());
            assertEquals(WITNESS, t.iface());
            assertEquals(SyntaxId.NDR32, t.transfer());
            r.align(4);
            assertEquals(0, r.u32("status"));
            r.end();

            NdrReader none = new NdrReader(call(server, EndpointMapper.EPT_MAP,
                    mapRequest(new SyntaxId(UUID.randomUUID(), 1, 0), 4)), NdrSyntax.NDR32);
            none.bytes(20, "handle");
            assertEquals(0, none.u32("num_towers"));
            none.wide("max");
            none.wide("offset");
            assertEquals(0, none.wide("actual"));
            assertEquals(EndpointMapper.NOT_REGISTERED, none.u32("status"));

            AssertionError denied = assertThrows(AssertionError.class,
                    () -> call(server, EndpointMapper.EPT_INSERT, new byte[0]));
            assertEquals(String.format("fault 0x%08x", FaultStatus.ACCESS_DENIED), denied.getMessage());
            assertFalse(server.associations() > 1);
        }
    }
}

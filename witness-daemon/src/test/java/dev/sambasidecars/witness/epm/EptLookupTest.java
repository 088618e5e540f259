package dev.sambasidecars.witness.epm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.Pdu;
import dev.sambasidecars.witness.msrpce.PduDecoder;
import dev.sambasidecars.witness.msrpce.PduEncoder;
import dev.sambasidecars.witness.msrpce.PduType;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ept_lookup enumerations through a lookup handle, marshalled as Samba's rpcclient epmlookup
 * marshals them (inquiry all, no object or interface, version option 0, one entry per call),
 * in NDR32 and NDR64.
 */
class EptLookupTest {
    static final SyntaxId WITNESS = EndpointMapperTest.WITNESS;
    static final SyntaxId OTHER = new SyntaxId(UUID.fromString("12345678-1234-abcd-ef00-01234567cffb"), 1, 0);

    private RpcServer server;

    @BeforeEach
    void start() throws IOException {
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WITNESS, 49200, "Witness"),
                        new EndpointMapper.Endpoint(OTHER, 49300, "Other")))),
                Duration.ofSeconds(5), s -> { }, e -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One bound association to the endpoint mapper. */
    static final class Session implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final NdrSyntax syntax;
        int callId = 1;

        Session(int port, NdrSyntax syntax) throws Exception {
            this.syntax = syntax;
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
            socket.getOutputStream().write(PduEncoder.bind(PduType.BIND, callId++, 3, 5840, 5840, 0,
                    List.of(new Pdu.ContextElement(0, EndpointMapper.SYNTAX,
                            List.of(syntax == NdrSyntax.NDR64 ? SyntaxId.NDR64 : SyntaxId.NDR32))), null));
            assertInstanceOf(Pdu.BindAckPdu.class, read());
        }

        Pdu call(int opnum, byte[] stub) throws Exception {
            socket.getOutputStream().write(PduEncoder.request(callId++, 3, stub.length, 0, opnum, null, stub, null));
            return read();
        }

        private Pdu read() throws Exception {
            byte[] head = new byte[16];
            in.readFully(head);
            byte[] frag = new byte[(head[8] & 0xff) | (head[9] & 0xff) << 8];
            System.arraycopy(head, 0, frag, 0, 16);
            in.readFully(frag, 16, frag.length - 16);
            return PduDecoder.decode(frag);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Entry(Tower tower, String annotation) {}

    record Reply(ContextHandle handle, List<Entry> entries, int status) {}

    static byte[] lookupRequest(NdrSyntax syntax, int inquiry, SyntaxId iface, int versOption, ContextHandle handle,
                                int maxEnts) {
        NdrWriter w = new NdrWriter(syntax).u32(inquiry).pointer(false);
        w.full(iface, (p, i) -> p.uuid(i.uuid()).u16(i.major()).u16(i.minor()));
        w.u32(versOption);
        handle.write(w);
        return w.u32(maxEnts).toByteArray();
    }

    static Reply parse(byte[] stub, NdrSyntax syntax) throws NdrException {
        NdrReader r = new NdrReader(stub, syntax);
        ContextHandle handle = ContextHandle.read(r);
        int n = r.u32("num_ents");
        List<Entry> entries = r.constructed(a -> {
            a.wide("max_count");
            int actual = a.variance("entries", Integer.MAX_VALUE, 1);
            assertEquals(n, actual, "length_is(num_ents)");
            record Raw(dev.sambasidecars.witness.ndr.Deferred<byte[]> tower, String annotation) {}
            List<Raw> raw = new ArrayList<>();
            for (int i = 0; i < actual; i++) {
                a.align(syntax == NdrSyntax.NDR64 ? 8 : 4);
                assertEquals(new UUID(0, 0), a.uuid("object"));
                var tower = a.embeddedUnique("tower", t -> {
                    int len = t.count("tower conformance", 1024, 1);
                    assertEquals(len, t.u32("tower_length"));
                    return t.bytes(len, "tower");
                });
                assertEquals(0, a.wide("annotation offset"));
                int len = (int) a.wide("annotation length");
                byte[] text = a.bytes(len, "annotation");
                assertEquals(0, text[len - 1], "NUL-terminated");
                raw.add(new Raw(tower, new String(text, 0, len - 1, StandardCharsets.US_ASCII)));
            }
            return raw;
        }).stream().map(x -> new Entry(Tower.decode(x.tower().get()), x.annotation())).toList();
        r.align(4);
        int status = r.u32("status");
        r.end();
        return new Reply(handle, entries, status);
    }

    @Test
    void rpcclientStyleEnumerationReturnsEveryEndpointThenNoMoreEntries() throws Exception {
        for (NdrSyntax syntax : NdrSyntax.values()) {
            try (Session s = new Session(server.port(), syntax)) {
                ContextHandle handle = ContextHandle.NULL;
                List<Entry> seen = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Reply reply = parse(assertInstanceOf(Pdu.ResponsePdu.class,
                            s.call(EndpointMapper.EPT_LOOKUP, lookupRequest(syntax, 0, null, 0, handle, 1))).stub(), syntax);
                    assertEquals(0, reply.status(), syntax + " entry " + i);
                    assertFalse(reply.handle().isNull(), "the enumeration goes on through the handle");
                    assertEquals(1, reply.entries().size());
                    seen.addAll(reply.entries());
                    handle = reply.handle();
                }
                Reply end = parse(assertInstanceOf(Pdu.ResponsePdu.class,
                        s.call(EndpointMapper.EPT_LOOKUP, lookupRequest(syntax, 0, null, 0, handle, 1))).stub(), syntax);
                assertEquals(EndpointMapper.NOT_REGISTERED, end.status(), "no more entries");
                assertTrue(end.handle().isNull());
                assertEquals(List.of(), end.entries());
                assertEquals(WITNESS, seen.get(0).tower().iface());
                assertEquals(49200, seen.get(0).tower().port());
                assertEquals("Witness", seen.get(0).annotation());
                assertEquals(OTHER, seen.get(1).tower().iface());
                assertEquals(49300, seen.get(1).tower().port());
                assertEquals(InetAddress.getLoopbackAddress(), seen.get(1).tower().address(), "the address the client used");
            }
        }
    }

    @Test
    void matchByInterfaceHonoursTheVersionOption() throws Exception {
        try (Session s = new Session(server.port(), NdrSyntax.NDR32)) {
            Reply exact = parse(((Pdu.ResponsePdu) s.call(EndpointMapper.EPT_LOOKUP,
                    lookupRequest(NdrSyntax.NDR32, 1, WITNESS, 3, ContextHandle.NULL, 10))).stub(), NdrSyntax.NDR32);
            assertEquals(1, exact.entries().size());
            assertEquals(WITNESS, exact.entries().getFirst().tower().iface());
            SyntaxId newer = new SyntaxId(WITNESS.uuid(), 1, 2);
            Reply compatible = parse(((Pdu.ResponsePdu) s.call(EndpointMapper.EPT_LOOKUP,
                    lookupRequest(NdrSyntax.NDR32, 1, newer, 2, ContextHandle.NULL, 10))).stub(), NdrSyntax.NDR32);
            assertEquals(List.of(), compatible.entries(), "1.1 is not compatible with a request for 1.2");
            assertEquals(EndpointMapper.NOT_REGISTERED, compatible.status());
            Reply badOption = parse(((Pdu.ResponsePdu) s.call(EndpointMapper.EPT_LOOKUP,
                    lookupRequest(NdrSyntax.NDR32, 1, WITNESS, 9, ContextHandle.NULL, 10))).stub(), NdrSyntax.NDR32);
            assertEquals(EptLookup.CANT_PERFORM_OP, badOption.status());
        }
    }

    @Test
    void aLookupHandleBelongsToItsAssociationAndIsFreed() throws Exception {
        ContextHandle handle;
        try (Session a = new Session(server.port(), NdrSyntax.NDR32)) {
            handle = parse(((Pdu.ResponsePdu) a.call(EndpointMapper.EPT_LOOKUP,
                    lookupRequest(NdrSyntax.NDR32, 0, null, 0, ContextHandle.NULL, 1))).stub(), NdrSyntax.NDR32).handle();
            try (Session b = new Session(server.port(), NdrSyntax.NDR32)) {
                Pdu.FaultPdu f = assertInstanceOf(Pdu.FaultPdu.class, b.call(EndpointMapper.EPT_LOOKUP,
                        lookupRequest(NdrSyntax.NDR32, 0, null, 0, handle, 1)));
                assertEquals(FaultStatus.CONTEXT_MISMATCH, f.status(), "another association's handle");
            }
            NdrWriter free = new NdrWriter(NdrSyntax.NDR32);
            handle.write(free);
            NdrReader r = new NdrReader(((Pdu.ResponsePdu) a.call(EndpointMapper.EPT_LOOKUP_HANDLE_FREE,
                    free.toByteArray())).stub(), NdrSyntax.NDR32);
            assertTrue(ContextHandle.read(r).isNull());
            assertEquals(0, r.u32("status"));
            Pdu.FaultPdu gone = assertInstanceOf(Pdu.FaultPdu.class, a.call(EndpointMapper.EPT_LOOKUP,
                    lookupRequest(NdrSyntax.NDR32, 0, null, 0, handle, 1)));
            assertEquals(FaultStatus.CONTEXT_MISMATCH, gone.status(), "a freed handle");
        }
    }
}

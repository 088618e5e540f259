package dev.sambasidecars.witness.epm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sambasidecars.witness.msrpce.RpcClientOptions;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** ept_map from the client side: the codec both ways and EndpointMapperClient against the served EndpointMapper. */
class EndpointMapperClientTest {
    static final SyntaxId WITNESS = EndpointMapperTest.WITNESS;

    @Test
    void requestsAreMarshalledAsRpcclientSendsThemAndDecodeAgain() throws Exception {
        for (NdrSyntax syntax : NdrSyntax.values()) {
            byte[] stub = EptMap.encodeRequest(WITNESS, SyntaxId.NDR32, 4, syntax);
            EptMap.Request r = EptMap.decodeRequest(stub, syntax);
            assertEquals(new UUID(0, 0), r.object());
            assertEquals(WITNESS, r.tower().iface());
            assertEquals(SyntaxId.NDR32, r.tower().transfer());
            assertEquals(4, r.maxTowers());
            assertArrayEquals(new byte[20], r.entryHandle());
        }
        // NDR32: object pointer + GUID (20), tower pointer (4), conformance + length (8), 75 tower bytes,
        // 1 pad, handle (20), max_towers (4).
        assertEquals(132, EptMap.encodeRequest(WITNESS, SyntaxId.NDR32, 4, NdrSyntax.NDR32).length);
    }

    @Test
    void responsesWithSeveralTowersRoundTrip() throws Exception {
        List<Tower> towers = List.of(new Tower(WITNESS, SyntaxId.NDR32, 49200, InetAddress.getByName("10.0.0.1")),
                new Tower(WITNESS, SyntaxId.NDR64, 49201, InetAddress.getByName("10.0.0.2")));
        for (NdrSyntax syntax : NdrSyntax.values()) {
            EptMap.Response r = EptMap.decodeResponse(EptMap.encodeResponse(new byte[20], 8, towers, 0, syntax), syntax);
            assertEquals(towers, r.towers(), syntax.name());
            assertEquals(0, r.status());
        }
        EptMap.Response none = EptMap.decodeResponse(
                EptMap.encodeResponse(new byte[20], 8, List.of(), EptMap.NOT_REGISTERED, NdrSyntax.NDR32), NdrSyntax.NDR32);
        assertEquals(List.of(), none.towers());
        assertEquals(EptMap.NOT_REGISTERED, none.status());
    }

    @Test
    void mapsAnInterfaceToItsPortThroughTheEndpointMapper() throws Exception {
        try (RpcServer epm = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WITNESS, 49200)))),
                Duration.ofSeconds(5), s -> { }, e -> { })) {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), epm.port());
            assertEquals(49200, EndpointMapperClient.port(at, WITNESS, RpcClientOptions.DEFAULT));
            EndpointMapperClient.NotRegisteredException missing = assertThrows(
                    EndpointMapperClient.NotRegisteredException.class,
                    () -> EndpointMapperClient.port(at, new SyntaxId(UUID.randomUUID(), 1, 0), RpcClientOptions.DEFAULT));
            assertEquals(EptMap.NOT_REGISTERED, missing.status());
        }
    }

    @Test
    void aRequestWithoutTowerDecodes() throws Exception {
        byte[] stub = new dev.sambasidecars.witness.ndr.NdrWriter(NdrSyntax.NDR32).pointer(false).pointer(false)
                .bytes(new byte[20]).u32(1).toByteArray();
        EptMap.Request r = EptMap.decodeRequest(stub, NdrSyntax.NDR32);
        assertNull(r.object());
        assertNull(r.tower());
    }
}

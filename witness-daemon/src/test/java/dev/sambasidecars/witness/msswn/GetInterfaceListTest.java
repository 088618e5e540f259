package dev.sambasidecars.witness.msswn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GetInterfaceList's [out] parameters: Windows Server 2012's answer decoded, and both NDRs round-tripped. */
class GetInterfaceListTest {

    static byte[] capture() throws Exception {
        try (InputStream in = GetInterfaceListTest.class.getResourceAsStream("/captures/witness-getinterfacelist-out.hex")) {
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line.strip());
                }
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    @Test
    void decodesWindowsAnswerAndEncodesItAgainByteForByte() throws Exception {
        byte[] stub = capture();
        GetInterfaceList.Result r = GetInterfaceList.decodeResponse(stub, NdrSyntax.NDR32);
        assertEquals(0, r.status());
        assertEquals(2, r.interfaces().size());
        InterfaceInfo node2 = r.interfaces().get(0);
        assertEquals("NODE2", node2.groupName());
        assertEquals(-1, node2.version());
        assertEquals(InterfaceInfo.STATE_AVAILABLE, node2.state());
        assertEquals(InetAddress.getByName("192.168.3.44"), node2.address());
        assertFalse(node2.onThisNode(), "INTERFACE_WITNESS: another node's address");
        assertTrue(r.interfaces().get(1).onThisNode());
        assertArrayEquals(stub, GetInterfaceList.encodeResponse(r.interfaces(), NdrSyntax.NDR32));
    }

    @Test
    void roundTripsInBothSyntaxesAndEmptyIsNoMoreItems() throws Exception {
        List<InterfaceInfo> list = List.of(
                new InterfaceInfo("NODE0", InterfaceInfo.WITNESS_V2, InterfaceInfo.STATE_AVAILABLE,
                        InetAddress.getByName("10.0.0.1"), true),
                new InterfaceInfo("NODE1", InterfaceInfo.WITNESS_V2, InterfaceInfo.STATE_UNAVAILABLE,
                        InetAddress.getByName("fd00::2"), false));
        for (NdrSyntax syntax : NdrSyntax.values()) {
            assertEquals(list, GetInterfaceList.decodeResponse(GetInterfaceList.encodeResponse(list, syntax), syntax)
                    .interfaces(), syntax.name());
            GetInterfaceList.Result empty = GetInterfaceList.decodeResponse(
                    GetInterfaceList.encodeResponse(List.of(), syntax), syntax);
            assertEquals(List.of(), empty.interfaces());
            assertEquals(GetInterfaceList.ERROR_NO_MORE_ITEMS, empty.status());
        }
    }

    @Test
    void inconsistentCountsAndTruncationsAreNdrErrors() throws Exception {
        byte[] stub = capture();
        byte[] moreThanSent = stub.clone();
        moreThanSent[4] = 3;
        assertThrows(NdrException.class, () -> GetInterfaceList.decodeResponse(moreThanSent, NdrSyntax.NDR32));
        for (int cut = 0; cut < stub.length; cut += 97) {
            byte[] truncated = java.util.Arrays.copyOf(stub, cut);
            assertThrows(NdrException.class, () -> GetInterfaceList.decodeResponse(truncated, NdrSyntax.NDR32),
                    "cut at " + cut);
        }
    }
}

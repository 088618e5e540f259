package dev.sambasidecars.witness.msswn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sambasidecars.witness.msswn.Notification.AddressList;
import dev.sambasidecars.witness.msswn.Notification.IpAddr;
import dev.sambasidecars.witness.msswn.Notification.ResourceChange;
import dev.sambasidecars.witness.msswn.WitnessStubs.RegisterArgs;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Witness operations' stubs against Windows captures published in Samba's
 * source4/torture/ndr/witness.c (NDR32), and round trips in NDR32 and NDR64.
 */
class WitnessStubsTest {

    static byte[] capture(String name) throws IOException {
        try (InputStream in = WitnessStubsTest.class.getResourceAsStream("/captures/witness-" + name + ".hex")) {
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
    void registerRequestCapture() throws Exception {
        byte[] stub = capture("register-in");
        RegisterArgs a = WitnessStubs.readRegister(new NdrReader(stub, NdrSyntax.NDR32), false);
        assertEquals(RegisterArgs.register(0x00010001, "sofs", "192.168.3.45", "MTHELENA"), a);
        assertArrayEquals(stub, WitnessStubs.writeRegister(a, NdrSyntax.NDR32));
    }

    @Test
    void registerExRoundTripsInBothSyntaxes() throws Exception {
        RegisterArgs a = RegisterArgs.registerEx(0x00020000, "SOFS", "share", "10.0.0.1", null, 1, 120);
        for (NdrSyntax s : NdrSyntax.values()) {
            assertEquals(a, WitnessStubs.readRegister(new NdrReader(WitnessStubs.writeRegister(a, s), s), true), s.name());
        }
    }

    @Test
    void registerReplyAndHandleCaptures() throws Exception {
        ContextHandle h = new ContextHandle(0, UUID.fromString("3ab88633-1e57-4c1a-856c-d1bc4b15bbb1"));
        assertArrayEquals(capture("register-out"), WitnessStubs.registerReply(h, 0, NdrSyntax.NDR32));
        assertEquals(h, WitnessStubs.readHandle(new NdrReader(capture("unregister-in"), NdrSyntax.NDR32)));
        assertEquals(new ContextHandle(0, UUID.fromString("1fb9f2ee-2a4d-4bf8-af8b-cb9d4529a9ab")),
                WitnessStubs.readHandle(new NdrReader(capture("asyncnotify-in"), NdrSyntax.NDR32)));
    }

    @Test
    void asyncNotifyResourceChangeCapture() throws Exception {
        byte[] stub = capture("asyncnotify-out");
        WitnessStubs.NotifyReply r = WitnessStubs.readAsyncNotifyReply(new NdrReader(stub, NdrSyntax.NDR32));
        assertEquals(Notification.RESOURCE_CHANGE, r.type());
        assertEquals(List.of(new ResourceChange(ResourceChange.UNAVAILABLE, "SOFS")), r.messages());
        assertEquals(0, r.status());
        assertArrayEquals(stub, WitnessStubs.asyncNotifyReply(r.messages(), 0, NdrSyntax.NDR32));
    }

    @Test
    void asyncNotifyClientMoveCaptures() throws Exception {
        WitnessStubs.NotifyReply r = WitnessStubs.readAsyncNotifyReply(
                new NdrReader(capture("asyncnotify-move-out"), NdrSyntax.NDR32));
        assertEquals(Notification.CLIENT_MOVE, r.type());
        AddressList move = (AddressList) r.messages().getFirst();
        assertEquals(1, move.addresses().size());
        assertEquals(InetAddress.getByName("192.168.3.45"), move.addresses().getFirst().address());
        assertEquals(IpAddr.V4, move.addresses().getFirst().flags(), "Windows sent V4 without ONLINE");

        byte[] empty = capture("asyncnotify-emptymove-out");
        WitnessStubs.NotifyReply e = WitnessStubs.readAsyncNotifyReply(new NdrReader(empty, NdrSyntax.NDR32));
        assertEquals(List.of(new AddressList(Notification.CLIENT_MOVE, List.of())), e.messages());
        assertArrayEquals(empty, WitnessStubs.asyncNotifyReply(e.messages(), 0, NdrSyntax.NDR32));
    }

    @Test
    void everyMessageFormRoundTripsInBothSyntaxes() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.1.2.3");
        InetAddress v6 = InetAddress.getByName("fd00::17");
        List<List<? extends Notification>> cases = List.of(
                List.of(new ResourceChange(ResourceChange.AVAILABLE, "10.1.2.3"), new ResourceChange(ResourceChange.UNAVAILABLE, "fd00::17")),
                List.of(new AddressList(Notification.CLIENT_MOVE, List.of(IpAddr.online(v4), IpAddr.online(v6)))),
                List.of(new AddressList(Notification.SHARE_MOVE, List.of(IpAddr.online(v6)))),
                List.of(new AddressList(Notification.IP_CHANGE, List.of(IpAddr.offline(v4))),
                        new AddressList(Notification.IP_CHANGE, List.of(IpAddr.online(v6)))));
        for (NdrSyntax s : NdrSyntax.values()) {
            for (List<? extends Notification> m : cases) {
                byte[] stub = WitnessStubs.asyncNotifyReply(m, 0, s);
                WitnessStubs.NotifyReply r = WitnessStubs.readAsyncNotifyReply(new NdrReader(stub, s));
                assertEquals(m, r.messages(), s.name());
            }
            WitnessStubs.NotifyReply timeout = WitnessStubs.readAsyncNotifyReply(
                    new NdrReader(WitnessStubs.asyncNotifyReply(List.of(), 0x5b4, s), s));
            assertEquals(List.of(), timeout.messages());
            assertEquals(0x5b4, timeout.status());
        }
        assertThrows(IllegalArgumentException.class, () -> WitnessStubs.asyncNotifyReply(
                List.of(new ResourceChange(1, "a"), new AddressList(Notification.CLIENT_MOVE, List.of())), 0, NdrSyntax.NDR32));
    }

    @Test
    void malformedMessageBuffersAreRefused() {
        // Samba's witness_notifyResponse_data_fuzz2_STRUCT shape: a message claiming more bytes than there are.
        byte[] bad = HexFormat.of().parseHex("00000200" + "01000000" + "08000000" + "01000000" + "04000200"
                + "08000000" + "ff00000001000000" + "00000000");
        assertThrows(WitnessProtocolException.class,
                () -> WitnessStubs.readAsyncNotifyReply(new NdrReader(bad, NdrSyntax.NDR32)));
        byte[] shortList = HexFormat.of().parseHex("00000200" + "02000000" + "0c000000" + "01000000" + "04000200"
                + "0c000000" + "0c0000000000000005000000" + "00000000");
        assertThrows(WitnessProtocolException.class,
                () -> WitnessStubs.readAsyncNotifyReply(new NdrReader(shortList, NdrSyntax.NDR32)));
        assertThrows(NdrException.class, () -> WitnessStubs.readRegister(
                new NdrReader(HexFormat.of().parseHex("01000100" + "00000200" + "ffffff7f00000000"), NdrSyntax.NDR32), false));
    }
}

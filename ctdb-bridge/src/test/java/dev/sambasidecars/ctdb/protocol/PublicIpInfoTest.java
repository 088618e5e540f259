package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET_PUBLIC_IP_INFO's reply: pnn, ctdb_sock_addr, active_idx, count, then 24-byte ctdb_iface
 * {name[18] NUL-terminated, link_state u16, references u32}.
 */
class PublicIpInfoTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    private static Le iface(Le b, String name, int linkState, int references) {
        return b.ascii(name).zeros(18 - name.length()).u16(linkState).u32(references);
    }

    @Test
    void decodesInterfacesAndTheActiveOne() throws Exception {
        String longest = "eth1-seventeen-ch"; // 17 characters + NUL fill all 18 bytes
        assertEquals(17, longest.length());
        Le b = Le.of().u32(2).sockaddr4(10, 0, 0, 5, 0).u32(1).u32(2);
        iface(b, "eth0", 1, 3);
        iface(b, longest, 0, 0);
        byte[] raw = b.bytes();
        assertEquals(4 + 28 + 4 + 4 + 2 * 24, raw.length);

        PublicIpInfo info = PublicIpInfo.decode(CtdbBuffer.reader(raw));

        assertEquals(2, info.pnn());
        assertEquals(InetAddress.ofLiteral("10.0.0.5"), info.address());
        assertEquals(1, info.activeIndex());
        assertEquals(List.of(new PublicIpInfo.Iface("eth0", true, 3), new PublicIpInfo.Iface(longest, false, 0)),
                info.interfaces());
        assertEquals(longest, info.activeInterface());
    }

    @Test
    void noActiveInterface() throws Exception {
        Le b = Le.of().u32(0xFFFFFFFFL).sockaddr6(Le.hex("fd000000000000000000000000000005"), 0, 0, 0)
                .u32(0xFFFFFFFFL).u32(1);
        iface(b, "eth0", 1, 0);

        PublicIpInfo info = PublicIpInfo.decode(CtdbBuffer.reader(b.bytes()));

        assertEquals(InetAddress.ofLiteral("fd00::5"), info.address());
        assertEquals(-1, info.activeIndex());
        assertEquals("", info.activeInterface());
    }

    @Test
    void activeIndexPastTheListIsNoInterface() throws Exception {
        Le b = Le.of().u32(0).sockaddr4(10, 0, 0, 5, 0).u32(1).u32(1);
        iface(b, "eth0", 1, 0);
        assertEquals("", PublicIpInfo.decode(CtdbBuffer.reader(b.bytes())).activeInterface());
    }

    @Test
    void bytesAfterTheNulInANameAreIgnored() throws Exception {
        Le b = Le.of().u32(0).sockaddr4(10, 0, 0, 5, 0).u32(0).u32(1)
                .ascii("eth0").u8(0).ascii("garbage").zeros(6).u16(1).u32(0);
        assertEquals("eth0", PublicIpInfo.decode(CtdbBuffer.reader(b.bytes())).activeInterface());
    }

    @Test
    void absurdInterfaceCountIsRefusedBeforeAllocating() {
        byte[] raw = Le.of().u32(0).sockaddr4(10, 0, 0, 5, 0).u32(0).u32(0xFFFFFFFFL).bytes();
        assertThrows(PacketTooLongException.class, () -> PublicIpInfo.decode(CtdbBuffer.reader(raw)));
    }

    @Test
    void missingInterfacesAreCorrupt() {
        byte[] raw = Le.of().u32(0).sockaddr4(10, 0, 0, 5, 0).u32(0).u32(2).zeros(24).bytes();
        assertThrows(CorruptedPacketException.class, () -> PublicIpInfo.decode(CtdbBuffer.reader(raw)));
    }
}

package dev.sambasidecars.ctdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The one text form of addresses: RFC 5952 for IPv6 (what inet_ntop prints), dotted quad for IPv4. */
class AddressesTest {

    private static String format(String literal) {
        return Addresses.format(InetAddress.ofLiteral(literal));
    }

    @Test
    void ipv4IsDottedQuad() {
        assertEquals("10.0.0.5", format("10.0.0.5"));
        assertEquals("0.0.0.0", format("0.0.0.0"));
        assertEquals("255.255.255.255", format("255.255.255.255"));
    }

    @Test
    void loopbackAndUnspecified() {
        assertEquals("::1", format("0:0:0:0:0:0:0:1"));
        assertEquals("::", format("0:0:0:0:0:0:0:0"));
    }

    @Test
    void lowerCaseWithoutLeadingZeros() {
        assertEquals("fd00::5", format("FD00:0000:0000:0000:0000:0000:0000:0005"));
        assertEquals("2001:db8::1", format("2001:0DB8::0001"));
        assertEquals("2001:db8:a:bcd:ef:1:23:fff", format("2001:0db8:000a:0bcd:00ef:0001:0023:0FFF"));
    }

    @Test
    void zeroRunAtEitherEnd() {
        assertEquals("1::", format("1:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::", format("2001:db8:0:0:0:0:0:0"));
        assertEquals("::ffff:1", format("0:0:0:0:0:0:ffff:1"));
    }

    @Test
    void equalRunsCompressTheFirst() {
        // RFC 5952 4.2.3: of two equally long zero runs, the first is shortened.
        assertEquals("2001:db8::1:0:0:1", format("2001:db8:0:0:1:0:0:1"));
    }

    @Test
    void theLongestRunIsCompressed() {
        assertEquals("1:0:0:2::3", format("1:0:0:2:0:0:0:3"));
        assertEquals("0:0:1::", format("0:0:1:0:0:0:0:0"));
    }

    @Test
    void aSingleZeroGroupIsNotCompressed() {
        // RFC 5952 4.2.2
        assertEquals("2001:db8:0:1:1:1:1:1", format("2001:db8:0:1:1:1:1:1"));
        assertEquals("1:0:1:0:1:0:1:0", format("1:0:1:0:1:0:1:0"));
        assertEquals("0:1:1:1:1:1:1:1", format("0:1:1:1:1:1:1:1"));
    }

    @Test
    void noZerosNoCompression() {
        assertEquals("1:2:3:4:5:6:7:8", format("1:2:3:4:5:6:7:8"));
    }

    @Test
    void canonicalParsesLiteralsOnly() {
        assertEquals("fd00::5", Addresses.canonical("fd00:0:0::5"));
        assertEquals("10.0.0.5", Addresses.canonical("10.0.0.5"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.canonical("localhost"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.canonical("10.0.0.256"));
    }
}

package dev.sambasidecars.ctdb.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A tiny little-endian byte writer for hand-built test vectors. It shares no code with the
 * codec under test on purpose: the vectors must come from the wire facts (ctdb/protocol), not
 * from the implementation they check.
 */
final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** CTDB marshals in host order; these vectors are the little-endian (x86, arm64) form. */
    static void assumeLittleEndian() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN,
                "test vectors are little-endian; this host is big-endian");
    }

    static Le of() {
        return new Le();
    }

    Le u8(int v) {
        out.write(v & 0xff);
        return this;
    }

    Le u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    /** Network order: the port in ctdb_sock_addr. */
    Le be16(int v) {
        return u8(v >>> 8).u8(v);
    }

    Le u32(long v) {
        return u8((int) v).u8((int) (v >>> 8)).u8((int) (v >>> 16)).u8((int) (v >>> 24));
    }

    Le u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    Le bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Le bytes(int... b) {
        for (int x : b) {
            u8(x);
        }
        return this;
    }

    Le ascii(String s) {
        return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    Le zeros(int n) {
        for (int i = 0; i < n; i++) {
            u8(0);
        }
        return this;
    }

    Le padTo(int alignment) {
        while (out.size() % alignment != 0) {
            u8(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** sockaddr_in for a.b.c.d:port, zero-padded to ctdb_sock_addr's 28 bytes. */
    Le sockaddr4(int a, int b, int c, int d, int port) {
        return u16(2).be16(port).bytes(a, b, c, d).zeros(20);
    }

    /** sockaddr_in6: family, port, flowinfo, 16 address bytes, scope id (= 28 bytes). */
    Le sockaddr6(byte[] addr16, int port, int flowinfo, int scope) {
        return u16(10).be16(port).u32(flowinfo).bytes(addr16).u32(scope);
    }

    /** A ctdb_req_header. */
    Le header(long length, long magic, long version, long generation, long operation, long destnode, long srcnode,
              long reqid) {
        return u32(length).u32(magic).u32(version).u32(generation).u32(operation).u32(destnode).u32(srcnode)
                .u32(reqid);
    }

    /** A valid header ("CTDB", version 1). */
    Le header(long length, long operation, long destnode, long srcnode, long reqid) {
        return header(length, 0x43544442L, 1, 1, operation, destnode, srcnode, reqid);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

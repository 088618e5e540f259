package dev.sambasidecars.witness.epm;

import dev.sambasidecars.witness.msrpce.SyntaxId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * A protocol tower for ncacn_ip_tcp (C706 appendix L, MS-RPCE 2.2.1.1.6): five floors —
 * interface UUID and version, transfer syntax, connection-oriented RPC, TCP port, IPv4 address.
 * Each floor is lhs_length u16, lhs (protocol id first), rhs_length u16, rhs; lengths and
 * versions little-endian, port and address in network order.
 */
public record Tower(SyntaxId iface, SyntaxId transfer, int port, InetAddress address) {

    static final int UUID_FLOOR = 0x0d;
    static final int RPC_CO = 0x0b;
    static final int TCP = 0x07;
    static final int IP = 0x09;
    /** Towers longer than this are refused when decoding. */
    static final int MAX_BYTES = 1024;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 5);
        uuidFloor(b, iface);
        uuidFloor(b, transfer);
        b.putShort((short) 1).put((byte) RPC_CO).putShort((short) 2).putShort((short) 0);
        b.putShort((short) 1).put((byte) TCP).putShort((short) 2).put((byte) (port >> 8)).put((byte) port);
        byte[] ip = address instanceof Inet4Address ? address.getAddress() : new byte[4];
        b.putShort((short) 1).put((byte) IP).putShort((short) 4).put(ip);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void uuidFloor(ByteBuffer b, SyntaxId s) {
        b.putShort((short) 19).put((byte) UUID_FLOOR);
        long msb = s.uuid().getMostSignificantBits();
        b.putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN).putLong(s.uuid().getLeastSignificantBits()).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) s.major()).putShort((short) 2).putShort((short) s.minor());
    }

    /**
     * Reads the floors a client's ept_map request carries: it needs the interface (floor 1) and
     * transfer syntax (floor 2); the rest may be placeholders.
     *
     * @throws IllegalArgumentException when the tower is malformed
     */
    public static Tower decode(byte[] octets) {
        if (octets.length > MAX_BYTES) {
            throw new IllegalArgumentException("tower of " + octets.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(octets).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int floors = b.getShort() & 0xffff;
            if (floors < 2 || floors > 16) {
                throw new IllegalArgumentException(floors + " floors");
            }
            SyntaxId iface = null;
            SyntaxId transfer = null;
            int port = 0;
            InetAddress addr = null;
            for (int i = 0; i < floors; i++) {
                byte[] lhs = new byte[b.getShort() & 0xffff];
                b.get(lhs);
                byte[] rhs = new byte[b.getShort() & 0xffff];
                b.get(rhs);
                if (lhs.length == 0) {
                    throw new IllegalArgumentException("empty floor " + i);
                }
                int proto = lhs[0] & 0xff;
                if (proto == UUID_FLOOR && lhs.length == 19 && rhs.length == 2) {
                    SyntaxId s = uuidSyntax(lhs, rhs);
                    if (iface == null) {
                        iface = s;
                    } else {
                        transfer = s;
                    }
                } else if (proto == TCP && rhs.length == 2) {
                    port = ((rhs[0] & 0xff) << 8) | (rhs[1] & 0xff);
                } else if (proto == IP && rhs.length == 4) {
                    addr = InetAddress.getByAddress(rhs);
                }
            }
            if (iface == null || transfer == null) {
                throw new IllegalArgumentException("tower without interface and transfer syntax floors");
            }
            return new Tower(iface, transfer, port, addr);
        } catch (java.nio.BufferUnderflowException | java.nio.BufferOverflowException | NegativeArraySizeException
                 | UnknownHostException e) {
            throw new IllegalArgumentException("truncated tower", e);
        }
    }

    private static SyntaxId uuidSyntax(byte[] lhs, byte[] rhs) {
        ByteBuffer l = ByteBuffer.wrap(lhs, 1, 18).order(ByteOrder.LITTLE_ENDIAN);
        long msb = (Integer.toUnsignedLong(l.getInt()) << 32) | ((l.getShort() & 0xffffL) << 16) | (l.getShort() & 0xffffL);
        long lsb = l.order(ByteOrder.BIG_ENDIAN).getLong();
        int major = l.order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        int minor = ByteBuffer.wrap(rhs).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        return new SyntaxId(new UUID(msb, lsb), major, minor);
    }
}

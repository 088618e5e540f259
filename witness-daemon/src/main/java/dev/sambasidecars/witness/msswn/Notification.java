package dev.sambasidecars.witness.msswn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of an AsyncNotify response (MS-SWN 2.2.2.4–2.2.2.6). The message buffer is not
 * NDR: little-endian fields, no alignment, addresses in network order. A RESOURCE_CHANGE is
 * Length, ChangeType and a NUL-terminated UTF-16 resource name; the other three types carry an
 * IPADDR_INFO_LIST: Length, Reserved, IPAddrInstances, then 24-byte IPADDR_INFO entries.
 */
public sealed interface Notification {
    int RESOURCE_CHANGE = 1;
    int CLIENT_MOVE = 2;
    int SHARE_MOVE = 3;
    int IP_CHANGE = 4;

    /** The message type (the response's MessageType). */
    int type();

    /** Appends the message's bytes. */
    void encode(ByteBuffer out);

    /** Bytes {@link #encode} writes. */
    int size();

    /** RESOURCE_CHANGE: {@code name} (an address or a net name) became available, unavailable or unknown. */
    record ResourceChange(int changeType, String name) implements Notification {
        public static final int UNKNOWN = 0x00;
        public static final int AVAILABLE = 0x01;
        public static final int UNAVAILABLE = 0xff;

        @Override
        public int type() {
            return RESOURCE_CHANGE;
        }

        @Override
        public int size() {
            return 8 + (name.length() + 1) * 2;
        }

        @Override
        public void encode(ByteBuffer out) {
            out.putInt(size()).putInt(changeType).put((name + "\0").getBytes(StandardCharsets.UTF_16LE));
        }
    }

    /** One IPADDR_INFO: an address and its flags (V4/V6, and ONLINE or OFFLINE when the sender says). */
    record IpAddr(InetAddress address, int flags) {
        public static final int V4 = 0x01;
        public static final int V6 = 0x02;
        public static final int ONLINE = 0x08;
        public static final int OFFLINE = 0x10;
        static final int SIZE = 24;

        /** An address the client should use (or that came online). */
        public static IpAddr online(InetAddress a) {
            return new IpAddr(a, family(a) | ONLINE);
        }

        /** An address that went away. */
        public static IpAddr offline(InetAddress a) {
            return new IpAddr(a, family(a) | OFFLINE);
        }

        private static int family(InetAddress a) {
            return a instanceof Inet4Address ? V4 : V6;
        }
    }

    /** CLIENT_MOVE, SHARE_MOVE or IP_CHANGE with the addresses the client should use (or that changed). */
    record AddressList(int type, List<IpAddr> addresses) implements Notification {
        public AddressList {
            if (type != CLIENT_MOVE && type != SHARE_MOVE && type != IP_CHANGE) {
                throw new IllegalArgumentException("message type " + type + " carries no address list");
            }
            addresses = List.copyOf(addresses);
        }

        @Override
        public int size() {
            return 12 + IpAddr.SIZE * addresses.size();
        }

        @Override
        public void encode(ByteBuffer out) {
            out.putInt(size()).putInt(0).putInt(addresses.size());
            for (IpAddr a : addresses) {
                out.putInt(a.flags());
                out.put(a.address() instanceof Inet4Address ? a.address().getAddress() : new byte[4]);
                out.put(a.address() instanceof Inet6Address ? a.address().getAddress() : new byte[16]);
            }
        }
    }

    /** Concatenates messages of one type into a MessageBuffer. */
    static byte[] buffer(List<? extends Notification> messages) {
        int size = messages.stream().mapToInt(Notification::size).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        messages.forEach(m -> m.encode(b));
        return b.array();
    }

    /**
     * Parses a MessageBuffer of {@code count} messages of {@code type}.
     *
     * @throws WitnessProtocolException when the buffer is malformed
     */
    static List<Notification> parse(int type, int count, byte[] buffer) throws WitnessProtocolException {
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        List<Notification> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 12) {
                throw new WitnessProtocolException("message " + i + " truncated");
            }
            int start = b.position();
            int length = b.getInt();
            if (length < 12 || length > b.remaining() + 4) {
                throw new WitnessProtocolException("message " + i + " length " + length + " out of bounds");
            }
            if (type == RESOURCE_CHANGE) {
                int change = b.getInt();
                byte[] name = new byte[length - 8];
                b.get(name);
                if (name.length < 2 || name.length % 2 != 0 || name[name.length - 1] != 0 || name[name.length - 2] != 0) {
                    throw new WitnessProtocolException("resource name is not NUL-terminated UTF-16");
                }
                out.add(new ResourceChange(change, new String(name, 0, name.length - 2, StandardCharsets.UTF_16LE)));
            } else {
                b.getInt();
                int n = b.getInt();
                if (n < 0 || 12L + (long) IpAddr.SIZE * n != length) {
                    throw new WitnessProtocolException("address list of " + n + " entries in " + length + " bytes");
                }
                List<IpAddr> addrs = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    int flags = b.getInt();
                    byte[] v4 = new byte[4];
                    byte[] v6 = new byte[16];
                    b.get(v4).get(v6);
                    try {
                        InetAddress a = InetAddress.getByAddress((flags & IpAddr.V4) == 0 && (flags & IpAddr.V6) != 0 ? v6 : v4);
                        addrs.add(new IpAddr(a, flags));
                    } catch (UnknownHostException e) {
                        throw new WitnessProtocolException("bad address: " + e.getMessage());
                    }
                }
                out.add(new AddressList(type, addrs));
            }
            b.position(start + length);
        }
        return out;
    }
}

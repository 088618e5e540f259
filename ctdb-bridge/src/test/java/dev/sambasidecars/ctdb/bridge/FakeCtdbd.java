package dev.sambasidecars.ctdb.bridge;

import java.io.DataInputStream;
import java.io.IOException;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A stand-in for ctdbd on a real unix socket, speaking CTDB's wire format from the protocol
 * definition (ctdb/protocol/protocol.h and protocol_*.c in Samba) with its own byte handling —
 * it shares no code with the client under test. It answers the controls the bridge sends from
 * a small mutable cluster state, records SRVID and TCP_CLIENT registrations, and can send
 * messages, garbage, or nothing at all.
 */
final class FakeCtdbd implements AutoCloseable {
    static final int MAGIC = 0x43544442;

    private final Path path;
    private AFUNIXServerSocket server;
    private final List<AFUNIXSocket> clients = new CopyOnWriteArrayList<>();
    private volatile boolean stall;
    final int pnn;
    final Map<Integer, Integer> nodeFlags = new ConcurrentHashMap<>();
    final Map<Integer, String> nodeAddresses = new LinkedHashMap<>();
    final Map<String, Integer> ipOwners = new ConcurrentHashMap<>();
    final List<Long> registeredSrvids = new CopyOnWriteArrayList<>();
    final List<byte[]> tcpClients = new CopyOnWriteArrayList<>();
    volatile int connections;

    FakeCtdbd(Path path, int pnn) {
        this.path = path;
        this.pnn = pnn;
        for (int i = 0; i < 3; i++) {
            nodeAddresses.put(i, "10.0.0." + (11 + i));
            nodeFlags.put(i, 0);
            ipOwners.put("10.0.0." + (101 + i), i);
        }
    }

    void start() throws IOException {
        Files.deleteIfExists(path);
        server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(path));
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    AFUNIXSocket s = server.accept();
                    clients.add(s);
                    connections++;
                    Thread.ofPlatform().daemon().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** ctdbd dies: the socket goes away and every client connection drops. */
    void stop() throws IOException {
        server.close();
        for (AFUNIXSocket s : clients) {
            s.close();
        }
        clients.clear();
        Files.deleteIfExists(path);
    }

    void stallControls(boolean on) {
        stall = on;
    }

    private void serve(AFUNIXSocket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                byte[] head = new byte[32];
                in.readFully(head);
                ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                int length = h.getInt(0);
                if (h.getInt(4) != MAGIC || length < 32) {
                    return;
                }
                byte[] body = new byte[length - 32];
                in.readFully(body);
                if (h.getInt(16) == 7 && !stall) {
                    byte[] reply = control(h.getInt(28), ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
                    synchronized (out) {
                        out.write(reply);
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // client gone
        }
    }

    private byte[] control(int reqid, ByteBuffer b) {
        int opcode = b.getInt(0);
        long srvid = b.getLong(8);
        int datalen = b.getInt(24);
        byte[] data = new byte[datalen];
        b.get(28, data);
        return switch (opcode) {
            case 35 -> reply(reqid, pnn, new byte[0], "");                      // GET_PNN
            case 30 -> reply(reqid, 4242, new byte[0], "");                     // GET_PID
            case 15 -> reply(reqid, 0, new byte[0], "");                        // GET_RECMODE: NORMAL
            case 138 -> reply(reqid, 0, le32(5), "");                           // GET_RUNSTATE: RUNNING
            case 91 -> reply(reqid, 0, nodemap(), "");                          // GET_NODEMAP
            case 90 -> reply(reqid, 0, publicIps(), "");                        // GET_PUBLIC_IPS
            case 123 -> ipInfo(reqid, data);                                    // GET_PUBLIC_IP_INFO
            case 23 -> {                                                        // REGISTER_SRVID
                registeredSrvids.add(srvid);
                yield reply(reqid, 0, new byte[0], "");
            }
            case 44 -> {                                                        // TCP_CLIENT
                tcpClients.add(data);
                yield reply(reqid, 0, new byte[0], "");
            }
            default -> reply(reqid, -1, new byte[0], "Unknown control " + opcode);
        };
    }

    private byte[] ipInfo(int reqid, byte[] sockaddr) {
        String ip = ipv4(sockaddr, 0);
        if (!ipOwners.containsKey(ip)) {
            return reply(reqid, -1, new byte[0], "");
        }
        ByteBuffer b = le(4 + 28 + 4 + 4 + 24);
        b.putInt(ipOwners.get(ip)).put(sockaddr4(ip)).putInt(0).putInt(1);
        byte[] name = new byte[18];
        System.arraycopy("eth0".getBytes(StandardCharsets.US_ASCII), 0, name, 0, 4);
        b.put(name).putShort((short) 1).putInt(1);
        return reply(reqid, 0, b.array(), "");
    }

    private byte[] nodemap() {
        ByteBuffer b = le(4 + 36 * nodeAddresses.size());
        b.putInt(nodeAddresses.size());
        nodeAddresses.forEach((p, a) -> b.putInt(p).putInt(nodeFlags.get(p)).put(sockaddr4(a)));
        return b.array();
    }

    private byte[] publicIps() {
        List<String> ips = new ArrayList<>(ipOwners.keySet());
        ips.sort(null);
        ByteBuffer b = le(4 + 32 * ips.size());
        b.putInt(ips.size());
        for (String ip : ips) {
            b.putInt(ipOwners.get(ip)).put(sockaddr4(ip));
        }
        return b.array();
    }

    static byte[] sockaddr4(String ip) {
        ByteBuffer b = le(28);
        b.putShort((short) 2).put((byte) 0).put((byte) 0);
        try {
            b.put(InetAddress.getByName(ip).getAddress());
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return b.array();
    }

    static String ipv4(byte[] sockaddr, int off) {
        return (sockaddr[off + 4] & 0xff) + "." + (sockaddr[off + 5] & 0xff) + "." + (sockaddr[off + 6] & 0xff) + "."
                + (sockaddr[off + 7] & 0xff);
    }

    /** A REPLY_CONTROL as ctdbd builds it: error without NUL, padded to 8. */
    static byte[] reply(int reqid, int status, byte[] data, String error) {
        byte[] err = error.getBytes(StandardCharsets.US_ASCII);
        int len = 32 + 12 + data.length + err.length;
        int padded = (len + 7) & ~7;
        ByteBuffer b = le(padded);
        b.putInt(padded).putInt(MAGIC).putInt(1).putInt(1).putInt(8).putInt(0).putInt(0).putInt(reqid);
        b.putInt(status).putInt(data.length).putInt(err.length).put(data).put(err);
        return b.array();
    }

    /** A REQ_MESSAGE as ctdbd delivers it: padded to 8, at least 48 bytes. */
    static byte[] message(long srvid, byte[] data) {
        int padded = Math.max(48, (32 + 12 + data.length + 7) & ~7);
        ByteBuffer b = le(padded);
        b.putInt(padded).putInt(MAGIC).putInt(1).putInt(1).putInt(5).putInt(0).putInt(0).putInt(0);
        b.putLong(srvid).putInt(data.length).put(data);
        return b.array();
    }

    static byte[] ipString(String ip) {
        byte[] s = ip.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[s.length + 1];
        System.arraycopy(s, 0, out, 0, s.length);
        return out;
    }

    /** Sends raw bytes to every connected client. */
    void broadcast(byte[] packet) throws IOException {
        for (AFUNIXSocket s : clients) {
            if (s.isClosed()) {
                continue;
            }
            OutputStream out = s.getOutputStream();
            synchronized (out) {
                out.write(packet);
                out.flush();
            }
        }
    }

    private static byte[] le32(int v) {
        return le(4).putInt(v).array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        stop();
    }

}

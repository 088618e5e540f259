package dev.sambasidecars.witness.msrpce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on loopback for one connection that keeps every byte each way, so tests can look at
 * what went over the wire: fragment sizes, and whether plaintext shows.
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();

    RecordingProxy(int serverPort) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket client = listener.accept();
                 Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                Thread up = Thread.ofVirtual().start(() -> relay(client, server, toServer));
                relay(server, client, toClient);
                up.join();
            } catch (IOException | InterruptedException ignored) {
                // the test closed the proxy
            }
        });
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    private static void relay(Socket from, Socket to, ByteArrayOutputStream record) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (record) {
                    record.write(buf, 0, n);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }

    byte[] sentToServer() {
        synchronized (toServer) {
            return toServer.toByteArray();
        }
    }

    byte[] sentToClient() {
        synchronized (toClient) {
            return toClient.toByteArray();
        }
    }

    /** The frag_length of each PDU in a recorded stream. */
    static List<Integer> fragmentLengths(byte[] stream) {
        List<Integer> out = new ArrayList<>();
        for (int at = 0; at + PduHeader.SIZE <= stream.length; ) {
            int len = (stream[at + 8] & 0xff) | (stream[at + 9] & 0xff) << 8;
            out.add(len);
            at += len;
        }
        return out;
    }

    /** The PDU types of a recorded stream, in order. */
    static List<Integer> types(byte[] stream) {
        List<Integer> out = new ArrayList<>();
        for (int at = 0; at + PduHeader.SIZE <= stream.length; ) {
            out.add(stream[at + 2] & 0xff);
            at += (stream[at + 8] & 0xff) | (stream[at + 9] & 0xff) << 8;
        }
        return out;
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}

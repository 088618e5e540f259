package dev.sambasidecars.witness.msrpce;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The byte streams and addresses of one client connection an {@link Association} serves: a TCP
 * socket in the server, in-memory streams in tests and fuzz harnesses.
 */
interface Connection extends AutoCloseable {

    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** The client's address. */
    InetSocketAddress peer();

    /** The local address the client connected to. */
    InetSocketAddress local();

    @Override
    void close() throws IOException;

    /** A connection over an accepted TCP socket. */
    static Connection of(Socket socket) {
        return new Connection() {
            @Override
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public InetSocketAddress peer() {
                return (InetSocketAddress) socket.getRemoteSocketAddress();
            }

            @Override
            public InetSocketAddress local() {
                return (InetSocketAddress) socket.getLocalSocketAddress();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}

package dev.sambasidecars.common.ipc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Client side of the local unix sockets. */
public final class UnixSockets {
    private UnixSockets() {}

    /** Connects to {@code path} within {@code timeout}; reads then time out after {@code timeout} too. */
    public static AFUNIXSocket connect(Path path, Duration timeout) throws IOException {
        AFUNIXSocket s = AFUNIXSocket.newInstance();
        try {
            int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
            s.connect(AFUNIXSocketAddress.of(path), ms);
            s.setSoTimeout(ms);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}

package dev.sambasidecars.common.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Preparing the path a unix socket is bound to. */
public final class SocketFiles {
    private SocketFiles() {}

    /** The socket is bound by another live process. */
    public static final class SocketInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        SocketInUseException(Path path) {
            super(path + " is in use by another process (is the daemon already running?)");
        }
    }

    /**
     * Makes the parent directory (mode 0755) and removes a stale socket left by a process that
     * died; refuses when another process still answers on it.
     */
    public static void prepare(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (AFUNIXSocket probe = AFUNIXSocket.newInstance()) {
            probe.connect(AFUNIXSocketAddress.of(socket), 500);
            throw new SocketInUseException(socket);
        } catch (SocketInUseException e) {
            throw e;
        } catch (IOException nobodyHome) {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Lets any local user connect at the file-system level, so that the peer-credential policy
     * decides (and a refused peer is counted and logged rather than silently kept out).
     */
    public static void openToPolicy(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    }
}

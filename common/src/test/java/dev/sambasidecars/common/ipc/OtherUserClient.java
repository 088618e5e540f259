package dev.sambasidecars.common.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connects to a unix socket from another process running as {@code nobody} (uid and gid 65534),
 * so that the server sees foreign peer credentials from the kernel. Root and the server's own
 * user are always let in, so this is the only way to reach a refusal without changing the
 * policy; it needs root (to drop to another user) and util-linux's {@code setpriv}.
 */
final class OtherUserClient {
    static final int NOBODY = 65534;

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private static final String SOURCE = """
            import java.net.UnixDomainSocketAddress;
            import java.nio.ByteBuffer;
            import java.nio.channels.SocketChannel;

            public class Knock {
                public static void main(String[] args) {
                    SocketChannel ch;
                    try {
                        ch = SocketChannel.open(UnixDomainSocketAddress.of(args[0]));
                    } catch (Exception e) {
                        System.out.println("cannot connect: " + e);
                        return;
                    }
                    try (ch) {
                        ch.write(ByteBuffer.wrap("hello\\n".getBytes()));
                        ByteBuffer buf = ByteBuffer.allocate(64);
                        int n = ch.read(buf);
                        System.out.println(n < 0 ? "closed" : "answered " + new String(buf.array(), 0, n).trim());
                    } catch (Exception e) {
                        System.out.println("closed");
                    }
                }
            }
            """;

    private OtherUserClient() {}

    /** True when this process can run a client as another user. */
    static boolean available() {
        return new UnixSystem().getUid() == 0 && Files.isExecutable(SETPRIV);
    }

    /**
     * Makes {@code dir} (where the socket is) reachable for nobody, runs the client there and
     * returns its one line of output: {@code answered <reply>}, {@code closed}, or
     * {@code cannot connect: …}.
     */
    static String knock(Path dir, Path socket) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path source = dir.resolve("Knock.java");
        Files.writeString(source, SOURCE, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", source.toString(),
                socket.toString()))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        // generous: a source-file launch compiles first, and the machine is small and busy
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("client as nobody did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        // the client prints one line; anything before it would be JVM chatter
        return out.lines().reduce((first, second) -> second).orElse("");
    }
}

package dev.sambasidecars.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The base image of every cluster container, built locally by {@code build-node-image.sh}
 * (debootstrap + docker import) and tagged with a hash of that script, so that a second run
 * reuses it and a changed package list builds a new one. Nothing is pulled from a registry.
 */
public final class NodeImage {
    private static final Logger LOG = LoggerFactory.getLogger(NodeImage.class);
    private static final String SCRIPT = "image/build-node-image.sh";
    private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "samba-sidecars-node-image.lock");

    private NodeImage() {}

    /** The image tag, built first if this engine does not have it. */
    public static synchronized String ensure() throws IOException, InterruptedException {
        byte[] script = script();
        String tag = "samba-sidecars-node:" + sha256(script).substring(0, 12);
        try (FileChannel ch = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (exists(tag)) {
                return tag;
            }
            build(script, tag);
        }
        if (!exists(tag)) {
            throw new IOException("building " + tag + " reported success but the engine does not have it");
        }
        return tag;
    }

    private static boolean exists(String tag) {
        try {
            DockerClientFactory.lazyClient().inspectImageCmd(tag).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    private static void build(byte[] script, String tag) throws IOException, InterruptedException {
        Path file = Files.createTempFile("build-node-image", ".sh");
        Path log = Files.createTempFile("build-node-image", ".log");
        try {
            Files.write(file, script);
            LOG.info("building cluster image {} with debootstrap (about a minute or two; log {})", tag, log);
            Process p = new ProcessBuilder("bash", file.toString(), tag)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("building " + tag + " took over 20 minutes; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IOException("building " + tag + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] script() throws IOException {
        try (InputStream in = NodeImage.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException("missing resource " + SCRIPT);
            }
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

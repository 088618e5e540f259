package dev.sambasidecars.common.tls;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CTDB's nodes file ({@code /etc/ctdb/nodes}, ctdb(7)): the private address of each node, one
 * per line, in PNN order. Blank lines are skipped; a line starting with {@code #} is a comment,
 * and a node address commented out that way is a deleted node — kept in the file so the
 * following PNNs stay put — which needs no certificate.
 */
public final class CtdbNodesFile {
    private CtdbNodesFile() {}

    /** Where CTDB reads it by default. */
    public static final Path DEFAULT = Path.of("/etc/ctdb/nodes");

    /** Largest nodes file read; CTDB clusters have tens of nodes, not thousands. */
    static final int MAX_BYTES = 1024 * 1024;

    /** The addresses of the nodes {@code file} lists and does not mark deleted, in file order. */
    public static List<InetAddress> read(Path file) throws TlsException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new NodesFileException(file, 0, "is larger than " + MAX_BYTES + " bytes: not a CTDB nodes file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, TlsFileException.Problem.MISSING, "does not exist");
        } catch (IOException e) {
            throw new TlsFileException(file, TlsFileException.Problem.UNREADABLE, "cannot read: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /** The addresses {@code text}, the contents of {@code file}, lists. */
    public static List<InetAddress> parse(Path file, String text) throws NodesFileException {
        List<InetAddress> out = new ArrayList<>();
        Map<InetAddress, Integer> seen = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!InetAddresses.isInetAddress(line)) {
                throw new NodesFileException(file, i + 1, "'" + line + "' is not an IP address (a line holds one "
                        + "node's IPv4 or IPv6 address; '#' starts a comment or marks a deleted node)");
            }
            InetAddress a = InetAddresses.forString(line);
            Integer before = seen.putIfAbsent(a, i + 1);
            if (before != null) {
                throw new NodesFileException(file, i + 1, Certificates.text(a) + " is listed already on line " + before);
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw new NodesFileException(file, 0, "lists no node");
        }
        return List.copyOf(out);
    }
}

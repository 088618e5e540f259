package dev.sambasidecars.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtdbNodesFileTest {
    private static final Path FILE = Path.of("/etc/ctdb/nodes");

    @TempDir
    Path tmp;

    @Test
    void addressesInOrderSkippingBlanksCommentsAndDeletedNodes() throws Exception {
        String text = """
                # CTDB nodes of the test cluster
                10.0.0.11
                  10.0.0.12\t

                #10.0.0.13
                # 10.0.0.14 left in 2024
                fd00::15\r
                """;
        assertEquals(List.of(InetAddress.getByName("10.0.0.11"), InetAddress.getByName("10.0.0.12"),
                InetAddress.getByName("fd00::15")), CtdbNodesFile.parse(FILE, text));
    }

    @Test
    void aLineThatIsNoAddressIsNamedByFileAndLine() {
        NodesFileException e = assertThrows(NodesFileException.class,
                () -> CtdbNodesFile.parse(FILE, "10.0.0.1\n\nnode2.example\n"));
        assertEquals(3, e.line());
        assertEquals("/etc/ctdb/nodes:3: 'node2.example' is not an IP address (a line holds one node's IPv4 or "
                + "IPv6 address; '#' starts a comment or marks a deleted node)", e.getMessage());
        assertEquals(2, assertThrows(NodesFileException.class,
                () -> CtdbNodesFile.parse(FILE, "10.0.0.1\n10.0.0.2 10.0.0.3\n")).line());
        assertEquals(1, assertThrows(NodesFileException.class,
                () -> CtdbNodesFile.parse(FILE, "10.0.0.256\n")).line());
    }

    @Test
    void duplicatesAndEmptyFilesAreRefused() {
        NodesFileException dup = assertThrows(NodesFileException.class,
                () -> CtdbNodesFile.parse(FILE, "10.0.0.1\n10.0.0.2\n10.0.0.1\n"));
        assertEquals("/etc/ctdb/nodes:3: 10.0.0.1 is listed already on line 1", dup.getMessage());
        NodesFileException empty = assertThrows(NodesFileException.class,
                () -> CtdbNodesFile.parse(FILE, "# all deleted\n#10.0.0.1\n"));
        assertEquals("/etc/ctdb/nodes: lists no node", empty.getMessage());
    }

    @Test
    void readsAFileAndNamesAMissingOne() throws Exception {
        Path nodes = Files.writeString(tmp.resolve("nodes"), "192.168.1.1\n192.168.1.2\n");
        assertEquals(2, CtdbNodesFile.read(nodes).size());
        TlsFileException e = assertThrows(TlsFileException.class, () -> CtdbNodesFile.read(tmp.resolve("none")));
        assertEquals(TlsFileException.Problem.MISSING, e.problem());
    }
}

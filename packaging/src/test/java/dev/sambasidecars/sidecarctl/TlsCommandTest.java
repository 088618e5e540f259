package dev.sambasidecars.sidecarctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sidecarctl tls init} and {@code tls check}, run in-process as the launcher runs them. */
class TlsCommandTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private static Run sidecarctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SidecarCtl());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A node's TLS directory made from {@code init}'s output, as an operator would copy it. */
    private Path install(Path nodeOut, String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("ca.pem", "node.pem", "node.key")) {
            Files.copy(nodeOut.resolve(f), dir.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return dir;
    }

    @Test
    void initFromANodesFileThenCheckOnTheNode() throws Exception {
        Path nodes = Files.writeString(tmp.resolve("nodes"), "127.0.0.1\n#10.9.9.9\n\n10.0.0.2\n");
        Path out = tmp.resolve("pki");

        Run init = sidecarctl("tls", "init", "--out", out.toString(), "--nodes-file", nodes.toString(),
                "--cluster-name", "prod", "--san", "10.0.0.2=node2.example");

        assertEquals(0, init.exit(), init.err());
        assertTrue(init.out().startsWith("made CA " + out.resolve("ca.pem") + ": CN=prod cluster CA,O=samba-sidecars, "
                + "valid until "), init.out());
        assertTrue(init.out().contains("CA key " + out.resolve("ca.key") + ": keep it here or offline, never on a node"),
                init.out());
        assertTrue(init.out().contains("node 10.0.0.2: " + out.resolve("10.0.0.2") + "/{ca.pem,node.pem,node.key} "
                + "(names 10.0.0.2, node2.example; valid until "), init.out());
        assertTrue(init.out().contains("scp -p " + out.resolve("127.0.0.1") + "/* root@127.0.0.1:/etc/samba/sidecars/tls/"),
                init.out());
        assertFalse(Files.exists(out.resolve("10.9.9.9")), "deleted node skipped");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca.key"))));

        Path dir = install(out.resolve("127.0.0.1"), "tls");
        Run check = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + dir);
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().startsWith("tls directory " + dir + ": usable for mutual TLS [TLSv1.3]\n"), check.out());
        assertTrue(check.out().contains("  CA    CN=prod cluster CA,O=samba-sidecars (ca.pem): valid until "), check.out());
        assertTrue(check.out().contains("  node  CN=127.0.0.1,O=samba-sidecars (node.pem), names 127.0.0.1: valid until "),
                check.out());
        assertEquals("", check.err());

        Run warn = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + dir, "--warn-days", "1000",
                "--address", "127.0.0.1");
        assertEquals(0, warn.exit(), warn.err());
        assertTrue(warn.err().startsWith("warning: CN=127.0.0.1,O=samba-sidecars valid until "), warn.err());
    }

    @Test
    void initRefusesToOverwriteWithoutForce() throws Exception {
        Path out = tmp.resolve("pki");
        assertEquals(0, sidecarctl("tls", "init", "--out", out.toString(), "--nodes", "10.0.0.1,10.0.0.2").exit());
        Run again = sidecarctl("tls", "init", "--out", out.toString(), "--nodes", "10.0.0.1");
        assertEquals(1, again.exit(), again.out());
        assertTrue(again.err().startsWith("sidecarctl: " + out.resolve("10.0.0.1") + "/node.key: exists already"),
                again.err());
        Run added = sidecarctl("tls", "init", "--out", out.toString(), "--nodes", "10.0.0.3");
        assertEquals(0, added.exit(), added.err());
        assertTrue(added.out().startsWith("reused the CA "), added.out());
        Run forced = sidecarctl("tls", "init", "--out", out.toString(), "--nodes", "10.0.0.1", "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertTrue(forced.out().startsWith("made CA "), forced.out());
    }

    @Test
    void badNodesAreUsageErrors() throws Exception {
        Run bad = sidecarctl("tls", "init", "--out", tmp.resolve("a").toString(), "--nodes", "10.0.0.1,node2");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--nodes: 'node2' is not an IP address"), bad.err());

        Path nodes = Files.writeString(tmp.resolve("nodes"), "10.0.0.1\n10.0.0.x\n");
        Run file = sidecarctl("tls", "init", "--out", tmp.resolve("b").toString(), "--nodes-file", nodes.toString());
        assertEquals(2, file.exit());
        assertTrue(file.err().startsWith("sidecarctl: " + nodes + ":2: '10.0.0.x' is not an IP address"), file.err());

        Run both = sidecarctl("tls", "init", "--out", tmp.resolve("c").toString(), "--nodes", "10.0.0.1",
                "--nodes-file", nodes.toString());
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("mutually exclusive"), both.err());

        Run san = sidecarctl("tls", "init", "--out", tmp.resolve("d").toString(), "--nodes", "10.0.0.1",
                "--san", "10.0.0.9=x.example");
        assertEquals(2, san.exit());
        assertTrue(san.err().contains("--san: 10.0.0.9 is none of the nodes"), san.err());
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void checkNamesTheFileAndTheProblem() throws Exception {
        Path out = tmp.resolve("pki");
        assertEquals(0, sidecarctl("tls", "init", "--out", out.toString(), "--nodes", "127.0.0.1,10.0.0.2").exit());
        Path dir = install(out.resolve("127.0.0.1"), "tls");
        Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-r--r--"));

        Run open = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + dir);
        assertEquals(1, open.exit());
        assertEquals("sidecarctl: " + dir.resolve("node.key") + ": mode 0644 lets other users at this private key; "
                + "it must be readable by its owner only (chmod 600)\n", open.err());

        Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-------"));
        Run other = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + dir, "--address", "10.0.0.2");
        assertEquals(1, other.exit());
        assertTrue(other.err().contains("names 127.0.0.1 but this node's address is 10.0.0.2"), other.err());

        Files.copy(out.resolve("ca.key"), dir.resolve("ca.key"));
        Run caKey = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + dir);
        assertEquals(1, caKey.exit());
        assertTrue(caKey.err().startsWith("sidecarctl: " + dir.resolve("ca.key") + ": the cluster CA's private key"),
                caKey.err());

        Run none = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + tmp.resolve("missing"));
        assertEquals(1, none.exit());
        assertEquals("sidecarctl: " + tmp.resolve("missing/ca.pem") + ": does not exist\n", none.err());

        Run badConf = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=relative/dir");
        assertEquals(2, badConf.exit());
        assertTrue(badConf.err().contains("'sidecar common:tls directory'"), badConf.err());
    }

    @Test
    void everyTlsCommandAnswersHelp() {
        for (List<String> cmd : List.of(List.of("tls", "--help"), List.of("tls", "init", "--help"),
                List.of("tls", "check", "--help"))) {
            Run h = sidecarctl(cmd.toArray(String[]::new));
            assertEquals(0, h.exit(), h.err());
            assertTrue(h.out().startsWith("Usage: sidecarctl " + String.join(" ", cmd.subList(0, cmd.size() - 1))),
                    h.out());
        }
        assertTrue(sidecarctl("--help").out().contains("tls"));
        Run alone = sidecarctl("tls");
        assertEquals(2, alone.exit());
        assertTrue(alone.err().contains("a subcommand is required"), alone.err());
    }
}

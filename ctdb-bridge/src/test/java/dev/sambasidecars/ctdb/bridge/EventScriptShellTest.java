package dev.sambasidecars.ctdb.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real CTDB event script (src/main/ctdb/95.samba-sidecars.script) with /bin/sh against
 * test sockets. What matters to CTDB: the script never fails or stalls an IP event, whatever
 * the bridge does, and fails monitor only when told to.
 */
class EventScriptShellTest {

    /** Generous bound on one run (a loaded CI machine): the script caps its socket call at 1 s. */
    private static final long QUICK_MS = 2500;

    @TempDir
    Path dir;

    private Path socket;
    private Path state;
    private Path ctdbBase;
    private ServerSocketChannel listener;
    private final List<SocketChannel> held = new ArrayList<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private Thread acceptor;

    private record Run(int exit, String stdout, long millis) {}

    @BeforeEach
    void paths() throws IOException {
        socket = dir.resolve("event.sock");
        state = dir.resolve("bridge.monitor");
        ctdbBase = Files.createDirectory(dir.resolve("ctdb-base"));
    }

    @AfterEach
    void stopServer() throws Exception {
        if (acceptor != null) {
            acceptor.interrupt();
        }
        if (listener != null) {
            listener.close();
        }
        for (SocketChannel c : held) {
            c.close();
        }
        if (acceptor != null) {
            acceptor.join(5000);
        }
    }

    private static Path script() {
        for (Path p : List.of(Path.of("src/main/ctdb/95.samba-sidecars.script"),
                Path.of("ctdb-bridge/src/main/ctdb/95.samba-sidecars.script"))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("95.samba-sidecars.script not found from " + Path.of("").toAbsolutePath());
    }

    private static void assumePython() throws Exception {
        // The script talks to the socket with python3 (or nc -U); without either it stays silent.
        Process p = new ProcessBuilder("/bin/sh", "-c", "command -v python3").redirectErrorStream(true).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
                "python3 is not installed: the event script cannot reach the bridge here");
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SIDECARS_"));
        env.put("SIDECARS_EVENT_SOCKET", socket.toString());
        env.put("SIDECARS_MONITOR_STATE", state.toString());
        env.put("CTDB_BASE", ctdbBase.toString());
        return exec(pb);
    }

    private Run exec(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("event script " + pb.command() + " still running after 20 s");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Run(p.exitValue(), Files.readString(out), millis);
    }

    private void listen() throws IOException {
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
    }

    /** A bridge that records each request line and answers {@code answer}. */
    private void serve(String answer) throws IOException {
        listen();
        acceptor = Thread.ofPlatform().daemon().name("fake-bridge").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (SocketChannel c = listener.accept()) {
                    requests.add(readLine(c));
                    c.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** A bridge that accepts and then never answers (stuck, or paused in a debugger). */
    private void serveSilently() throws IOException {
        listen();
        acceptor = Thread.ofPlatform().daemon().name("silent-bridge").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    SocketChannel c = listener.accept();
                    synchronized (held) {
                        held.add(c);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (c.read(one.clear()) > 0 && one.get(0) != '\n') {
            line.write(one.get(0));
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    // (a)
    @Test
    void withoutASocketEveryEventSucceedsQuickly() throws Exception {
        for (List<String> args : List.of(List.of("takeip", "eth0", "10.0.0.5", "24"),
                List.of("releaseip", "eth0", "10.0.0.5", "24"), List.of("ipreallocated"), List.of("monitor"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), args + ": " + r);
            assertTrue(r.millis() < QUICK_MS, args + " took " + r.millis() + " ms");
        }
    }

    // (b)
    @Test
    void aBridgeThatNeverAnswersDoesNotStallCtdb() throws Exception {
        assumePython();
        serveSilently();
        for (List<String> args : List.of(List.of("takeip", "eth0", "10.0.0.5", "24"), List.of("ipreallocated"),
                List.of("monitor"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), args + ": " + r);
            assertTrue(r.millis() < QUICK_MS, args + " took " + r.millis() + " ms");
        }
        synchronized (held) {
            assertEquals(3, held.size(), "the script did connect each time");
        }
    }

    // (c)
    @Test
    void takeipSendsExactlyOneVersionedLine() throws Exception {
        assumePython();
        serve("ok");

        Run r = run("takeip", "eth0", "10.0.0.5", "24");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("v1 takeip eth0 10.0.0.5 24", requests.poll(5, TimeUnit.SECONDS));
        assertNull(requests.poll(), "one request per call");
        assertEquals("", r.stdout(), "the answer is not printed for IP events");
    }

    @Test
    void everyForwardedEventArrivesWithItsArguments() throws Exception {
        assumePython();
        serve("ok");
        List<String> lines = List.of("releaseip eth0 10.0.0.5 24", "updateip eth0 eth1 fd00::5 64", "ipreallocated",
                "startipreallocate", "startrecovery", "recovered");

        for (String line : lines) {
            Run r = run(line.split(" "));
            assertEquals(0, r.exit(), line + ": " + r);
            assertEquals("v1 " + line, requests.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anErrorAnswerDoesNotFailAnIpEvent() throws Exception {
        assumePython();
        serve("error bad address");
        assertEquals(0, run("takeip", "eth0", "10.0.0.5", "24").exit());
    }

    // (d)
    @Test
    void monitorFailsWhenTheBridgeSaysUnhealthy() throws Exception {
        assumePython();
        serve("unhealthy down: witness");

        Run r = run("monitor");

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stdout().contains("down: witness"), r.stdout());
        assertEquals("v1 monitor", requests.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void monitorPassesWhenTheBridgeSaysOkEvenIfListedInTheStateFile() throws Exception {
        assumePython();
        Files.writeString(state, "ctdb-bridge\n");
        serve("ok");

        Run r = run("monitor");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("v1 monitor", requests.poll(5, TimeUnit.SECONDS));
    }

    // (e)
    @Test
    void silentBridgeFailsMonitorOnlyWhenTheStateFileListsIt() throws Exception {
        Files.writeString(state, "witness\nctdb-bridge\n");
        Run listed = run("monitor");
        assertEquals(1, listed.exit(), listed.toString());
        assertTrue(listed.stdout().contains("ctdb-bridge does not answer"), listed.stdout());

        Files.writeString(state, "witness\n");
        assertEquals(0, run("monitor").exit());

        // The match is on the whole line.
        Files.writeString(state, "ctdb-bridge-old\n# ctdb-bridge\n");
        assertEquals(0, run("monitor").exit());

        Files.delete(state);
        assertEquals(0, run("monitor").exit());
    }

    @Test
    void monitorAsksNothingWhenTheBridgeWatchesNothing() throws Exception {
        // The bridge leaves an empty list when 'fail monitor when down' is empty: monitor can
        // only pass, and starts no interpreter to ask (it runs every 15 s on every node).
        Files.writeString(state, "");
        listen(); // bound but never accepting: a connection attempt would wait in the backlog

        Run r = run("monitor");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.millis() < QUICK_MS, "took " + r.millis() + " ms");
        listener.configureBlocking(false);
        assertNull(listener.accept(), "the script contacted the bridge");
    }

    @Test
    void stuckBridgeListedInTheStateFileFailsMonitor() throws Exception {
        assumePython();
        Files.writeString(state, "ctdb-bridge\n");
        serveSilently();

        Run r = run("monitor");

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.millis() < QUICK_MS, "took " + r.millis() + " ms");
    }

    // (f)
    @Test
    void otherEventsSucceedWithoutContactingTheBridge() throws Exception {
        listen(); // bound but never accepting: a connection attempt would wait in the backlog
        for (String event : List.of("startup", "init", "setup", "shutdown", "")) {
            Run r = run(event);
            assertEquals(0, r.exit(), event + ": " + r);
        }
        listener.configureBlocking(false);
        assertNull(listener.accept(), "the script contacted the bridge");
    }

    @Test
    void socketCanBeSetInCtdbScriptOptions() throws Exception {
        assumePython();
        serve("ok");
        Files.writeString(ctdbBase.resolve("script.options"), "SIDECARS_EVENT_SOCKET='" + socket + "'\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script().toString(), "ipreallocated");
        pb.environment().keySet().removeIf(k -> k.startsWith("SIDECARS_"));
        pb.environment().put("CTDB_BASE", ctdbBase.toString());

        Run r = exec(pb);

        assertEquals(0, r.exit(), r.toString());
        assertEquals("v1 ipreallocated", requests.poll(5, TimeUnit.SECONDS));
    }
}

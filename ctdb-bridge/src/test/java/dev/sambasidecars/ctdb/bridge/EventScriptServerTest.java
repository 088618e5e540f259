package dev.sambasidecars.ctdb.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.ctdb.model.Cause;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The bridge's side of the event script protocol: one "v1 EVENT ARGS" line, one answer line. */
class EventScriptServerTest {

    private static final long RECEIVED = 123_456_789L;

    private final Metrics metrics = new Metrics("ctdb-bridge");
    private final List<Cause> triggered = new ArrayList<>();
    private final ClusterReader reader = new ClusterReader(Map.of());
    private String health;
    private final EventScriptServer server = new EventScriptServer(triggered::add, reader, () -> health,
            new BridgeMetrics(metrics));

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    private String answer(String line) {
        return server.answer(line, RECEIVED);
    }

    /** sidecar_ctdb_bridge_event_script_calls_total{event, outcome} from a Prometheus scrape. */
    private double calls(String event, String outcome) {
        Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
        double sum = 0;
        for (String line : metrics.registry().scrape().split("\n")) {
            if (!line.startsWith("sidecar_ctdb_bridge_event_script_calls_total{")) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher m = label.matcher(line.substring(0, line.indexOf('}')));
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
            if (event.equals(labels.get("event")) && outcome.equals(labels.get("outcome"))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * The prefix lengths the reader remembered. ClusterReader only reveals them through a full
     * read from ctdbd, so the test looks at its field directly (same package, plain classpath).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Integer> prefixes() throws ReflectiveOperationException {
        Field f = ClusterReader.class.getDeclaredField("prefixes");
        f.setAccessible(true);
        return Map.copyOf((Map<String, Integer>) f.get(reader));
    }

    private void assertRefused(String line) throws Exception {
        String a = answer(line);
        assertTrue(a.startsWith("error "), line + " -> " + a);
        assertEquals(List.of(), triggered, "a refused call triggers nothing: " + line);
        assertEquals(Map.of(), prefixes(), "a refused call records no prefix: " + line);
    }

    @Test
    void takeipTriggersARereadAndRecordsThePrefix() throws Exception {
        assertEquals("ok", answer("v1 takeip eth0 10.0.0.5 24"));

        assertEquals(1, triggered.size());
        Cause c = triggered.getFirst();
        assertEquals(Trigger.TRIGGER_EVENT_SCRIPT, c.kind());
        assertEquals("takeip eth0 10.0.0.5 24", c.detail());
        assertEquals(RECEIVED, c.receivedNanos(), "the lag is measured from when the call arrived");
        assertEquals(Map.of("10.0.0.5", 24), prefixes());
        assertEquals(1.0, calls("takeip", "ok"));
    }

    @Test
    void releaseipRecordsThePrefixUnderTheCanonicalAddress() throws Exception {
        assertEquals("ok", answer("v1 releaseip eth1 FD00:0:0::0005 64"));

        assertEquals("releaseip eth1 FD00:0:0::0005 64", triggered.getFirst().detail());
        assertEquals(Map.of("fd00::5", 64), prefixes());
        assertEquals(1.0, calls("releaseip", "ok"));
    }

    @Test
    void updateipTakesFourArgumentsWithTheAddressThird() throws Exception {
        assertEquals("ok", answer("v1 updateip eth0 eth1 10.0.0.6 16"));

        assertEquals("updateip eth0 eth1 10.0.0.6 16", triggered.getFirst().detail());
        assertEquals(Map.of("10.0.0.6", 16), prefixes());
    }

    @Test
    void eventsWithoutArguments() throws Exception {
        for (String event : List.of("ipreallocated", "startipreallocate", "startrecovery", "recovered")) {
            triggered.clear();
            assertEquals("ok", answer("v1 " + event), event);
            assertEquals(1, triggered.size(), event);
            assertEquals(event, triggered.getFirst().detail());
            assertEquals(Trigger.TRIGGER_EVENT_SCRIPT, triggered.getFirst().kind());
            assertEquals(1.0, calls(event, "ok"), event);
        }
        assertEquals(Map.of(), prefixes());
    }

    @Test
    void toleratesExtraWhitespaceAndCarriageReturn() {
        assertEquals("ok", answer("  v1   takeip\teth0  10.0.0.5 24 \r"));
        assertEquals("takeip eth0 10.0.0.5 24", triggered.getFirst().detail());
    }

    @Test
    void maskBitEdgesAreAccepted() throws Exception {
        assertEquals("ok", answer("v1 takeip eth0 10.0.0.1 0"));
        assertEquals("ok", answer("v1 takeip eth0 10.0.0.2 32"));
        assertEquals("ok", answer("v1 takeip eth0 fd00::3 128"));
        assertEquals(Map.of("10.0.0.1", 0, "10.0.0.2", 32, "fd00::3", 128), prefixes());
    }

    @Test
    void wrongArgumentCountsAreRefused() throws Exception {
        for (String line : List.of("v1 takeip eth0 10.0.0.5", "v1 takeip eth0 10.0.0.5 24 extra", "v1 takeip",
                "v1 releaseip 10.0.0.5 24", "v1 updateip eth0 10.0.0.5 24", "v1 updateip a b 10.0.0.5 24 x",
                "v1 ipreallocated now", "v1 recovered 1", "v1 monitor please")) {
            assertRefused(line);
        }
        assertEquals(3.0, calls("takeip", "refused"));
        assertEquals(1.0, calls("monitor", "refused"));
    }

    @Test
    void badAddressesAreRefused() throws Exception {
        for (String line : List.of("v1 takeip eth0 10.0.0.256 24", "v1 takeip eth0 not-an-ip 24",
                "v1 releaseip eth0 fd00:::5 64", "v1 takeip eth0 example.com 24", "v1 updateip eth0 eth1 eth2 24")) {
            assertRefused(line);
        }
    }

    @Test
    void badMaskBitsAreRefused() throws Exception {
        for (String line : List.of("v1 takeip eth0 10.0.0.5 33", "v1 takeip eth0 10.0.0.5 -1",
                "v1 takeip eth0 10.0.0.5 abc", "v1 takeip eth0 10.0.0.5 24.0", "v1 takeip eth0 fd00::5 129",
                "v1 updateip eth0 eth1 10.0.0.5 99999999999")) {
            assertRefused(line);
        }
    }

    @Test
    void unknownEventsAndMissingVersionAreRefused() throws Exception {
        for (String line : List.of("v1 startup", "v1 TAKEIP eth0 10.0.0.5 24", "takeip eth0 10.0.0.5 24",
                "v2 takeip eth0 10.0.0.5 24", "v1", "", "   ")) {
            assertRefused(line);
        }
        assertEquals(7.0, calls("unknown", "refused"));
    }

    @Test
    void overlongLineIsRefused() throws Exception {
        String a = server.answer(null, RECEIVED);
        assertTrue(a.startsWith("error "), a);
        assertTrue(a.contains("512"), a);
        assertEquals(List.of(), triggered);
        assertEquals(1.0, calls("unknown", "refused"));
    }

    @Test
    void monitorAnswersFromTheHealthCheckWithoutTriggering() {
        health = null;
        assertEquals("ok", answer("v1 monitor"));
        health = "down: witness (no answer at http://127.0.0.1:9101/healthz)";
        assertEquals("unhealthy down: witness (no answer at http://127.0.0.1:9101/healthz)", answer("v1 monitor"));

        assertEquals(List.of(), triggered, "monitor is not a cluster change");
        assertEquals(1.0, calls("monitor", "healthy"));
        assertEquals(1.0, calls("monitor", "unhealthy"));
    }

    // ---- over a real socket: the line reader in front of answer() ----

    private String exchange(Path dir, byte[] request) throws Exception {
        AFUNIXSocketAddress address = AFUNIXSocketAddress.of(dir.resolve("event.sock"));
        try (AFUNIXServerSocket listener = AFUNIXServerSocket.bindOn(address)) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (AFUNIXSocket s = listener.accept()) {
                    server.handle(s);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (AFUNIXSocket client = AFUNIXSocket.connectTo(address)) {
                OutputStream out = client.getOutputStream();
                out.write(request);
                out.flush();
                client.setSoTimeout(5000);
                String line = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                served.get(5, TimeUnit.SECONDS);
                return line;
            }
        }
    }

    @Test
    void handleReadsOneLineAndAnswersOneLine(@TempDir Path dir) throws Exception {
        assertEquals("ok", exchange(dir, "v1 takeip eth0 10.0.0.5 24\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("takeip eth0 10.0.0.5 24", triggered.getFirst().detail());
    }

    @Test
    void handleRefusesALineLongerThanTheLimit(@TempDir Path dir) throws Exception {
        String longLine = "v1 takeip eth0 10.0.0.5 24" + " ".repeat(EventScriptServer.MAX_LINE) + "\n";

        String a = exchange(dir, longLine.getBytes(StandardCharsets.UTF_8));

        assertTrue(a.startsWith("error "), a);
        assertEquals(List.of(), triggered);
    }
}

package dev.sambasidecars.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.config.HostPort;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Metrics metrics;
    private MetricsServer server;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics("witness");
        server = MetricsServer.start(metrics, new HostPort("127.0.0.1", 0));
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
        metrics.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> lines(String body) {
        return body.lines().toList();
    }

    @Test
    void boundToAnEphemeralPortOnLoopback() {
        assertTrue(server.port() > 0, "port 0 must be replaced by the bound port");
        assertEquals("http://127.0.0.1:" + server.port(), server.url());
    }

    @Test
    void metricsServesOwnCountersAndJvmMetricsAsPrometheusText() throws Exception {
        Counter things = Counter.builder(metrics.name("test.things")).register(metrics.registry());
        things.increment(3);

        HttpResponse<String> r = get("/metrics");

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        Pattern counter = Pattern.compile("sidecar_witness_test_things_total\\{[^}]*sidecar=\"witness\"[^}]*} 3\\.0");
        assertTrue(lines(r.body()).stream().anyMatch(l -> counter.matcher(l).matches()), r.body());
        assertTrue(lines(r.body()).stream().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{")), "no JVM memory metric");
        assertTrue(lines(r.body()).stream().anyMatch(l -> l.startsWith("jvm_threads_live_threads{")), "no JVM thread metric");
    }

    @Test
    void scrapesSeeLaterIncrements() throws Exception {
        Counter things = Counter.builder(metrics.name("test.things")).register(metrics.registry());
        things.increment();
        assertTrue(get("/metrics").body().contains("sidecar_witness_test_things_total{sidecar=\"witness\"} 1.0"));
        things.increment();
        assertTrue(get("/metrics").body().contains("sidecar_witness_test_things_total{sidecar=\"witness\"} 2.0"));
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() throws Exception {
        Counter.builder(metrics.name("test.things")).register(metrics.registry()).increment();

        HttpResponse<String> r = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                r.headers().toString());
        assertTrue(r.body().endsWith("# EOF\n"), "OpenMetrics text must end with # EOF");
        assertTrue(r.body().contains("sidecar_witness_test_things_total{"), r.body());
    }

    @Test
    void hyphenatedModuleNamesBecomeUnderscores() {
        try (Metrics bridge = new Metrics("ctdb-bridge")) {
            Counter.builder(bridge.name("events")).register(bridge.registry()).increment();
            String text = bridge.registry().scrape();
            assertTrue(text.contains("sidecar_ctdb_bridge_events_total{sidecar=\"ctdb-bridge\"} 1.0"), text);
        }
    }

    @Test
    void healthzIsOkWithoutChecks() throws Exception {
        HttpResponse<String> r = get("/healthz");

        assertEquals(200, r.statusCode());
        assertEquals(List.of("ok"), lines(r.body()));
    }

    @Test
    void healthzIs200WhenAllChecksAreUp() throws Exception {
        server.addHealthCheck("store", () -> HealthCheck.Status.up(""));
        server.addHealthCheck("ctdb", () -> HealthCheck.Status.up("connected to ctdbd"));

        HttpResponse<String> r = get("/healthz");

        assertEquals(200, r.statusCode());
        // checks are listed by name so that the output is stable between scrapes
        assertEquals(List.of("ok", "ctdb: up (connected to ctdbd)", "store: up"), lines(r.body()));
    }

    @Test
    void healthzIs503AndNamesTheCheckThatIsDown() throws Exception {
        server.addHealthCheck("store", () -> HealthCheck.Status.up(""));
        server.addHealthCheck("ctdb", () -> HealthCheck.Status.down("ctdbd socket refused"));

        HttpResponse<String> r = get("/healthz");

        assertEquals(503, r.statusCode());
        assertEquals(List.of("unhealthy", "ctdb: down (ctdbd socket refused)", "store: up"), lines(r.body()));
    }

    @Test
    void checkThatThrowsCountsAsDown() throws Exception {
        server.addHealthCheck("flaky", () -> {
            throw new IllegalStateException("boom");
        });

        HttpResponse<String> r = get("/healthz");

        assertEquals(503, r.statusCode());
        String flaky = lines(r.body()).get(1);
        assertTrue(flaky.startsWith("flaky: down (check failed: "), flaky);
        assertTrue(flaky.contains("boom"), flaky);
    }

    @Test
    void replacingACheckRecoversHealth() throws Exception {
        server.addHealthCheck("ctdb", () -> HealthCheck.Status.down("starting"));
        assertEquals(503, get("/healthz").statusCode());

        server.addHealthCheck("ctdb", () -> HealthCheck.Status.up("connected"));
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void unknownPathsAre404() throws Exception {
        for (String path : List.of("/", "/metrics/extra", "/health", "/favicon.ico")) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.body().contains("/metrics"), "the 404 says where to look");
        }
    }

    @Test
    void portTakenByAnotherSocketFailsWithBindFailed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostPort address = new HostPort("127.0.0.1", taken.getLocalPort());
            MetricsServer.BindFailedException e = assertThrows(MetricsServer.BindFailedException.class,
                    () -> MetricsServer.start(metrics, address).close());
            assertTrue(e.getMessage().contains(address.toString()), e.getMessage());
        }
    }

    @Test
    void portTakenByAnotherMetricsServerFailsWithBindFailed() throws Exception {
        HostPort same = new HostPort("127.0.0.1", server.port());
        assertThrows(MetricsServer.BindFailedException.class, () -> MetricsServer.start(metrics, same).close());
        // the running server is unharmed by the failed attempt
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void closedServerNoLongerAnswers() throws Exception {
        String url = server.url();
        server.close();

        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/healthz")).timeout(TIMEOUT).build();
        assertThrows(IOException.class, () -> http.send(req, HttpResponse.BodyHandlers.ofString()));
    }
}

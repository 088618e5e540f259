package dev.sambasidecars.common.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.api.v1.DaemonGrpc;
import dev.sambasidecars.common.api.v1.DaemonInfo;
import dev.sambasidecars.common.api.v1.GetInfoRequest;
import dev.sambasidecars.common.ipc.GrpcUnix;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon launcher as a real process: configuration errors, readiness, metrics, the local
 * gRPC API, and a drained stop on SIGTERM with the documented exit statuses.
 */
class DaemonCommandTest {
    private static final Pattern READY = Pattern.compile("ready: .* metrics at (http://\\S+)/metrics, local API on (\\S+)");

    @TempDir
    Path dir;

    private Process launch(long drainMs, String... args) throws IOException {
        return launch(List.of("-Dsleepy.drain.ms=" + drainMs), args);
    }

    private Process launch(List<String> properties, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SleepyDaemon.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private Path conf(String body) throws IOException {
        Path f = dir.resolve("smb.conf");
        Files.writeString(f, "[global]\n\tnetbios name = TEST\n" + body);
        return f;
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    q.add(l);
                }
            } catch (IOException e) {
                q.add("(reading the daemon's output failed: " + e + ")");
            }
        });
        return q;
    }

    private static Matcher awaitReady(BlockingQueue<String> out, StringBuilder seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String l = out.poll(1, TimeUnit.SECONDS);
            if (l == null) {
                continue;
            }
            seen.append(l).append('\n');
            Matcher m = READY.matcher(l);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("daemon never said ready; output:\n" + seen);
    }

    private static String drain(BlockingQueue<String> out) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (String l; (l = out.poll(2, TimeUnit.SECONDS)) != null; ) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    @Test
    void servesMetricsHealthAndInfoThenStopsCleanlyOnSigterm() throws Exception {
        Path socketDir = dir.resolve("run");
        Path smbConf = conf("\tsidecar witness:metrics address = 127.0.0.1:0\n");
        Process p = launch(200, "--config", smbConf.toString(),
                "--set", "sidecar common:socket directory=" + socketDir);
        BlockingQueue<String> out = lines(p);
        Matcher ready = awaitReady(out, new StringBuilder());
        String base = ready.group(1);
        Path socket = Path.of(ready.group(2));
        assertEquals(socketDir.resolve("witness.sock"), socket);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics exported");
        assertTrue(metrics.body().contains("process_uptime_seconds"), "process metrics exported");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("sleepy: up"), health.body());

        ManagedChannel ch = GrpcUnix.channel(socket);
        try {
            DaemonInfo info = DaemonGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getInfo(GetInfoRequest.getDefaultInstance());
            assertEquals("witness", info.getModule());
            assertEquals(p.pid(), info.getPid());
            assertEquals(smbConf.toString(), info.getSmbConf());
            assertTrue(info.getSettingsList().stream().anyMatch(s -> s.getKey().equals("sidecar common:socket directory")
                    && s.getOrigin().equals("--set")), info.toString());
            assertTrue(info.getSettingsList().stream().anyMatch(s -> s.getKey().equals("sidecar witness:metrics address")
                    && s.getOrigin().equals(smbConf + ":3")), info.toString());
        } finally {
            ch.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }

        p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped within the drain bound");
        String rest = drain(out);
        assertEquals(0, p.exitValue(), rest);
        assertTrue(rest.contains("sleepy job drained"), rest);
        assertFalse(Files.exists(socket), "local API socket removed on stop");
    }

    @Test
    void drainBeyondTheShutdownTimeoutExitsFour() throws Exception {
        Process p = launch(30_000, "--config", conf("").toString(),
                "--set", "sidecar common:socket directory=" + dir.resolve("run"),
                "--set", "sidecar witness:metrics address=127.0.0.1:0",
                "--set", "sidecar witness:shutdown timeout=500ms");
        BlockingQueue<String> out = lines(p);
        awaitReady(out, new StringBuilder());
        long t0 = System.nanoTime();
        p.toHandle().destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(4, p.exitValue(), drain(out));
        assertTrue(ms < 15_000, "gave up after the bound, not after the 30 s job: " + ms + " ms");
    }

    @Test
    void misspeltKeyExitsTwoNamingFileLineAndKey() throws Exception {
        Path smbConf = conf("\n\tsidecar witness:metrics adress = 127.0.0.1:0\n");
        Process p = launch(0, "--config", smbConf.toString());
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains(smbConf + ":4"), output);
        assertTrue(output.contains("sidecar witness:metrics adress"), output);
        assertTrue(output.contains("metrics address"), "names what is allowed: " + output);
    }

    @Test
    void metricsPortInUseExitsThree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = launch(0, "--config", conf("").toString(),
                    "--set", "sidecar common:socket directory=" + dir.resolve("run"),
                    "--set", "sidecar witness:metrics address=127.0.0.1:" + taken.getLocalPort());
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), output);
            assertTrue(output.contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()), output);
        }
    }

    @Test
    void anUnusableTlsDirectoryExitsThreeNamingTheFile() throws Exception {
        Path tls = dir.resolve("tls");
        Process p = launch(List.of("-Dsleepy.tls.address=127.0.0.1"), "--config", conf("").toString(),
                "--set", "sidecar common:socket directory=" + dir.resolve("run"),
                "--set", "sidecar witness:metrics address=127.0.0.1:0",
                "--set", "sidecar common:tls directory=" + tls);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), output);
        assertTrue(output.contains("cannot start: TLS between nodes: " + tls.resolve("ca.pem") + ": does not exist"),
                output);
    }

    @Test
    void helpAndVersionAnswer() throws Exception {
        Process p = launch(0, "--help");
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), help);
        assertTrue(help.contains("--config") && help.contains("--set") && help.contains("Exit status"), help);
        Process v = launch(0, "--version");
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(v.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, v.exitValue());
        assertTrue(version.contains("samba-sidecars") && version.contains("Java 25"), version);
    }
}

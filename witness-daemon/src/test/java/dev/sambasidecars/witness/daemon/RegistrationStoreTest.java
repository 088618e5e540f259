package dev.sambasidecars.witness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessService;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local registration log, and the cluster-to-notification mapping. */
class RegistrationStoreTest {
    @TempDir
    Path dir;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private static Registration.Info info(int n) {
        return new Registration.Info(new UUID(7, n), 0x00020000, "SOFS", n % 2 == 0 ? "data" : null,
                InetAddress.ofLiteral("10.0.0." + (100 + n % 3)), "client" + n, 1, 120, "SIDECARS\\sidecar",
                Instant.ofEpochSecond(1_800_000_000L, n));
    }

    private WitnessService service(WitnessService.Listener l) {
        return new WitnessService(new WitnessService.Settings(Set.of("SOFS"), s -> true, Duration.ZERO,
                Duration.ofHours(1)), List::of, l, timers);
    }

    @Test
    void registrationsSurviveAReopenAndRemovalsAreKept() throws Exception {
        RegistrationStore store = RegistrationStore.open(dir, -1, 5);
        WitnessService s = service(store);
        for (int i = 0; i < 50; i++) {
            s.restore(info(i));
        }
        s.endAll(r -> r.info().clientName().endsWith("7"), "test");
        store.close();
        RegistrationStore again = RegistrationStore.open(dir, -1, 5);
        List<Registration.Info> back = again.restored();
        assertEquals(45, back.size());
        assertEquals(info(0), back.getFirst(), "every field comes back");
        again.close();
    }

    @Test
    void aTornTailIsCutAtTheLastWholeEntry() throws Exception {
        RegistrationStore store = RegistrationStore.open(dir, -1, 5);
        WitnessService s = service(store);
        for (int i = 0; i < 3; i++) {
            s.restore(info(i));
        }
        store.close();
        Path log = dir.resolve(RegistrationStore.FILE);
        byte[] whole = Files.readAllBytes(log);
        Files.write(log, new byte[] {(byte) 0x7f, 0x0a, 0x01}, StandardOpenOption.APPEND);
        RegistrationStore again = RegistrationStore.open(dir, -1, 5);
        assertEquals(3, again.restored().size());
        again.close();
        assertEquals(whole.length, Files.size(log), "compaction rewrote the log without the torn entry");
    }

    @Test
    void aMoveTellsUnavailableThenAvailableAndIpChangeWatchers() throws Exception {
        WitnessService s = service(new WitnessService.Listener() { });
        s.restore(info(1));   // 10.0.0.101, flags 1 (IP notification), V2
        s.restore(info(2));   // 10.0.0.102
        ClusterNotifier n = new ClusterNotifier(s);
        InetAddress a = InetAddress.ofLiteral("10.0.0.101");
        InetAddress b = InetAddress.ofLiteral("10.0.0.102");
        n.apply(new ClusterInterfaces(List.<InterfaceInfo>of(), Map.of(a, 0, b, 1)), Instant.now());
        n.apply(new ClusterInterfaces(List.<InterfaceInfo>of(), Map.of(a, 2, b, 1)), Instant.now());
        Registration r1 = s.registrations().stream().filter(r -> r.info().ip().equals(a)).findFirst().orElseThrow();
        assertEquals(4, r1.queuedCount(), "UNAVAILABLE, IP_CHANGE offline, AVAILABLE, IP_CHANGE online");
        Registration r2 = s.registrations().stream().filter(r -> r.info().ip().equals(b)).findFirst().orElseThrow();
        assertEquals(2, r2.queuedCount(), "the other registration wants IP changes too, but not the resource change");
        n.apply(new ClusterInterfaces(List.<InterfaceInfo>of(), Map.of(a, 2, b, -1)), Instant.now());
        assertEquals(4, r2.queuedCount(), "UNAVAILABLE and IP_CHANGE offline for its own address");
    }
}

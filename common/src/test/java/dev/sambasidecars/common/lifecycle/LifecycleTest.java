package dev.sambasidecars.common.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class LifecycleTest {

    // Upper bounds only, and loose ones: the build machine has two busy cores.
    private static final long GENEROUS_S = 20;

    private static Lifecycle quiet(Duration bound) {
        return new Lifecycle(bound, SdNotify.forSocket(null));
    }

    private static CompletableFuture<Integer> awaitStopAsync(Lifecycle lc) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lc.awaitStop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void stoppablesRunInReverseOrderOfRegistration() throws Exception {
        Lifecycle lc = quiet(Duration.ofSeconds(10));
        List<String> stopped = new CopyOnWriteArrayList<>();
        lc.onStop("metrics server", grace -> stopped.add("metrics server"));
        lc.onStop("ctdb connection", grace -> stopped.add("ctdb connection"));
        lc.onStop("local API", grace -> stopped.add("local API"));

        lc.requestStop("test");

        assertEquals(ExitCode.OK, lc.awaitStop());
        assertEquals(List.of("local API", "ctdb connection", "metrics server"), stopped);
    }

    @Test
    void awaitStopBlocksUntilAStopIsRequested() throws Exception {
        Lifecycle lc = quiet(Duration.ofSeconds(10));
        CountDownLatch stoppedOnce = new CountDownLatch(1);
        lc.onStop("server", grace -> stoppedOnce.countDown());

        CompletableFuture<Integer> exit = awaitStopAsync(lc);
        Thread.sleep(200);
        assertFalse(exit.isDone(), "awaitStop returned without a stop request");
        assertFalse(lc.stopping());
        assertEquals(1, stoppedOnce.getCount(), "nothing is stopped before the request");

        lc.requestStop("SIGTERM");

        assertTrue(lc.stopping());
        assertEquals(ExitCode.OK, exit.get(GENEROUS_S, TimeUnit.SECONDS));
        assertEquals(0, stoppedOnce.getCount());
    }

    @Test
    void eachStoppableIsGivenWhatIsLeftOfTheBound() throws Exception {
        Duration bound = Duration.ofSeconds(30);
        Lifecycle lc = quiet(bound);
        List<Duration> given = new CopyOnWriteArrayList<>();
        lc.onStop("a", given::add);
        lc.onStop("b", grace -> {
            given.add(grace);
            Thread.sleep(50);
        });

        lc.requestStop("test");
        assertEquals(ExitCode.OK, lc.awaitStop());

        assertEquals(2, given.size());
        assertTrue(given.get(0).compareTo(bound) <= 0 && !given.get(0).isNegative(), given.toString());
        // "a" stops after "b" slept, so it must be offered strictly less than "b" was
        assertTrue(given.get(1).compareTo(given.get(0)) < 0, given.toString());
    }

    @Test
    void stoppableThatOutlivesTheBoundMakesTheExitDrainTimeout() throws Exception {
        Duration bound = Duration.ofMillis(300);
        Lifecycle lc = quiet(bound);
        CountDownLatch interrupted = new CountDownLatch(1);
        lc.onStop("stuck handler", grace -> {
            try {
                Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });

        lc.requestStop("SIGTERM");
        long t0 = System.nanoTime();
        int exit = lc.awaitStop();
        long tookS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

        assertEquals(ExitCode.DRAIN_TIMEOUT, exit);
        assertTrue(tookS < GENEROUS_S, "awaitStop took " + tookS + " s with a 300 ms bound");
        // its work is abandoned: the stuck stop is interrupted rather than left running
        assertTrue(interrupted.await(GENEROUS_S, TimeUnit.SECONDS), "stuck stoppable was not interrupted");
    }

    @Test
    void failingStoppableDoesNotKeepTheOthersFromStopping() throws Exception {
        Lifecycle lc = quiet(Duration.ofSeconds(10));
        List<String> stopped = new CopyOnWriteArrayList<>();
        lc.onStop("first registered", grace -> stopped.add("first registered"));
        lc.onStop("broken", grace -> {
            throw new IllegalStateException("socket already closed");
        });

        lc.requestStop("test");

        assertEquals(ExitCode.OK, lc.awaitStop());
        assertEquals(List.of("first registered"), stopped);
    }

    @Test
    void systemdIsToldStoppingWithTheFirstReason(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(socket));
            systemd.setSoTimeout((int) TimeUnit.SECONDS.toMillis(GENEROUS_S));
            Lifecycle lc = new Lifecycle(Duration.ofSeconds(5), SdNotify.forSocket(socket.toString()));

            lc.requestStop("SIGTERM");
            lc.requestStop("SIGINT");
            assertEquals(ExitCode.OK, lc.awaitStop());

            byte[] buf = new byte[1024];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            systemd.receive(p);
            List<String> got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(List.of("STOPPING=1", "STATUS=stopping: SIGTERM"), got);
        }
    }
}

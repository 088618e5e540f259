package dev.sambasidecars.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared timeout: a future still pending past its deadline fails, one that completed is left alone. */
class DeadlinesTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void onlyFuturesStillPendingPastTheirDeadlineFail() throws Exception {
        // The sweep is run by hand: its own tick is an hour away.
        try (Deadlines d = new Deadlines(Duration.ofMillis(50), Duration.ofHours(1), timers)) {
            CompletableFuture<String> answered = d.bound(new CompletableFuture<>());
            CompletableFuture<String> late = d.bound(new CompletableFuture<>());
            d.sweep();
            assertFalse(late.isDone(), "not before its deadline");
            answered.complete("yes");
            Thread.sleep(60);
            CompletableFuture<String> fresh = d.bound(new CompletableFuture<>());
            d.sweep();
            assertEquals("yes", answered.get());
            ExecutionException e = assertThrows(ExecutionException.class, late::get);
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertFalse(fresh.isDone(), "a future bound after the others has its own, later deadline");
            assertEquals(1, d.held(), "the swept ones are gone, the fresh one stays");
            assertTrue(d.bound(CompletableFuture.completedFuture("done")).isDone());
            assertEquals(1, d.held(), "a future already complete is not held");
        }
    }

    @Test
    void theScheduledSweepFailsAPendingFuture() throws Exception {
        try (Deadlines d = new Deadlines(Duration.ofMillis(30), Duration.ofMillis(5), timers)) {
            CompletableFuture<String> f = d.bound(new CompletableFuture<>());
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }
}

package dev.sambasidecars.store.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load driver against a store that is not there (yet): its writes fail and are tried again, none hangs. */
class StoreLoadTest {

    @TempDir
    Path dir;

    /**
     * A channel that cannot connect fails each new stream on the thread that opens it. The driver
     * took that failure for a reply still to come, and its clients waited for ever.
     */
    @Test
    void writesToASocketNobodyServesFailAndAreRetriedUntilTheEnd() throws Exception {
        StoreLoad.Result r = StoreLoad.run(List.of(dir.resolve("absent.sock")), 4, 2, Duration.ofSeconds(2),
                StoreLoad.Api.STREAM);
        assertEquals(0, r.acked());
        assertTrue(r.failed() >= 8, "every client's writes failed and were tried again: " + r.failed());
    }

    /** Slow writes bunched in a few windows read as stalls; the summary counts them per 100 ms window. */
    @Test
    void slowWritesAreCountedByTheWindowTheyEndedIn() {
        long ms = 1_000_000L;
        // 20 slow writes: 12 ending within 1.20-1.29 s, 6 within 3.40-3.49 s, one at 0.05 s and one at 7.99 s.
        long[] ends = new long[20];
        for (int i = 0; i < 12; i++) {
            ends[i] = 1_200 * ms + i * 7 * ms;
        }
        for (int i = 0; i < 6; i++) {
            ends[12 + i] = 3_400 * ms + i * 15 * ms;
        }
        ends[18] = 50 * ms;
        ends[19] = 7_990 * ms;
        StoreLoad.Result r = new StoreLoad.Result(1000, 0, 8.0, new long[0], ends, java.util.Map.of(),
                java.time.Instant.EPOCH);
        assertEquals("20 writes over 10 ms ended in 4 of 80 100-ms windows; the 10 fullest hold 100% of them "
                + "(the 5 fullest start at [1.2, 3.4, 0.0, 7.9] s)", r.slowSpread());
    }
}

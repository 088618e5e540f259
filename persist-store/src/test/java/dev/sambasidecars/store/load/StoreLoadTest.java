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
}

package dev.sambasidecars.witness.ndr;

import dev.sambasidecars.witness.msswn.WitnessService;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

/** A Witness registration service for the harnesses: accepts net name SOFS, never waits on its own timers. */
public final class FuzzServices {
    private FuzzServices() {}

    public static WitnessService witness() {
        return new WitnessService(new WitnessService.Settings(Set.of("SOFS"), share -> true, Duration.ZERO,
                Duration.ofSeconds(30)), List::of, new WitnessService.Listener() { },
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory()));
    }
}

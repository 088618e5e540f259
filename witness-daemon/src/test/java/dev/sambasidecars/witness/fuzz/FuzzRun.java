package dev.sambasidecars.witness.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the inputs a harness class ran and reports them when the class finishes: one line on
 * standard output ({@code fuzz: <class> <mode> ran N inputs in T s}) and, in fuzzing mode, a file
 * {@code target/fuzz-stats/<class>.txt}. In fuzzing mode it also fails the class unless more
 * inputs ran than its seed corpus holds, so a run that only replayed seeds cannot pass for
 * fuzzing. Register it in each harness with {@code @RegisterExtension static final FuzzRun RUN}
 * and call {@link #input()} first thing in the {@code @FuzzTest} method.
 */
public final class FuzzRun implements BeforeAllCallback, AfterAllCallback {
    private final LongAdder inputs = new LongAdder();
    private long started;

    /** Counts one input. */
    public void input() {
        inputs.increment();
    }

    /** Jazzer fuzzes (rather than replays the corpus) when JAZZER_FUZZ is set to a true value. */
    public static boolean fuzzing() {
        return truthy(System.getenv("JAZZER_FUZZ")) || truthy(System.getProperty("JAZZER_FUZZ"));
    }

    private static boolean truthy(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        started = System.nanoTime();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Class<?> harness = context.getRequiredTestClass();
        long n = inputs.sum();
        double seconds = (System.nanoTime() - started) / 1e9;
        long seeds = seedCount(harness);
        String mode = fuzzing() ? "fuzzing" : "regression";
        String line = String.format(Locale.ROOT, "fuzz: %s %s ran %d inputs in %.1f s (%d seeds)",
                harness.getSimpleName(), mode, n, seconds, seeds);
        System.out.println(line);
        if (fuzzing()) {
            Path stats = Path.of("target", "fuzz-stats");
            Files.createDirectories(stats);
            Files.writeString(stats.resolve(harness.getSimpleName() + ".txt"), line + "\n", StandardCharsets.UTF_8);
            assertTrue(n > seeds, harness.getSimpleName() + " ran " + n + " inputs for " + seeds
                    + " seeds: it replayed its corpus but did not fuzz");
        }
    }

    /** Files in the harness's Jazzer inputs directory ({@code <Class>Inputs/} beside the class). */
    private static long seedCount(Class<?> harness) throws IOException {
        URL dir = harness.getResource(harness.getSimpleName() + "Inputs");
        if (dir == null || !"file".equals(dir.getProtocol())) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(Path.of(dir.toURI()))) {
            return files.filter(Files::isRegularFile).count();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}

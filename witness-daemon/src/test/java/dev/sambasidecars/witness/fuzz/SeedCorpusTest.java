package dev.sambasidecars.witness.fuzz;

import dev.sambasidecars.witness.msnlmp.NtlmFuzzFixtures;
import dev.sambasidecars.witness.msrpce.AssociationSeeds;
import dev.sambasidecars.witness.ndr.NdrSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the generated part of the harnesses' seed corpora into src/test/resources, in Jazzer's
 * layout ({@code <package>/<Harness>Inputs/<method>/<seed>}); other files there (regression
 * inputs from findings) are left alone. Run it after a protocol change with
 * {@code ./mvnw -pl witness-daemon test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class SeedCorpusTest {
    private static final Path RESOURCES = Path.of("src", "test", "resources", "dev", "sambasidecars", "witness");

    @Test
    void write() throws Exception {
        write("msrpce/AssociationFuzzTestInputs/clientStream", AssociationSeeds.streams());
        write("msrpce/PduFuzzTestInputs/fragment", AssociationSeeds.fragments());
        write("ndr/NdrStubsFuzzTestInputs/stub", NdrSeeds.seeds());
        write("msnlmp/NtlmMessagesFuzzTestInputs/message", NtlmFuzzFixtures.seeds());
    }

    private static void write(String dir, Map<String, byte[]> seeds) throws IOException {
        Path d = RESOURCES.resolve(dir);
        Files.createDirectories(d);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(d.resolve(e.getKey()), e.getValue());
        }
    }
}

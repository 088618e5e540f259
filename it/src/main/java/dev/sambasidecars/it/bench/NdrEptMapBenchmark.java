package dev.sambasidecars.it.bench;

import dev.sambasidecars.witness.epm.EptMap;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * NDR marshalling of an ept_map request for the Witness interface (object UUID, a five-floor
 * tower, entry handle, max_towers), as a client encodes it and the endpoint mapper decodes it
 * (including the tower). Run: {@code scripts/bench.sh jmh NdrEptMap}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NdrEptMapBenchmark {

    @Param({"NDR32", "NDR64"})
    public NdrSyntax syntax;

    private byte[] encoded;

    @Setup
    public void setUp() {
        encoded = encodeRequest();
    }

    @Benchmark
    public byte[] encodeRequest() {
        return EptMap.encodeRequest(WitnessInterface.SYNTAX, SyntaxId.NDR32, 4, syntax);
    }

    @Benchmark
    public EptMap.Request decodeRequest() throws NdrException {
        return EptMap.decodeRequest(encoded, syntax);
    }
}

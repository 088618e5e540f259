package dev.sambasidecars.it.bench;

import dev.sambasidecars.witness.msswn.GetInterfaceList;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
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
 * NDR marshalling of a Witness GetInterfaceList answer (MS-SWN 3.1.4.1, 552 bytes per interface)
 * with 4 and 64 interfaces, in NDR32 and NDR64, as the server encodes it and a client decodes
 * it. Run: {@code scripts/bench.sh jmh NdrInterfaceList}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NdrInterfaceListBenchmark {

    @Param({"4", "64"})
    public int interfaces;

    @Param({"NDR32", "NDR64"})
    public NdrSyntax syntax;

    private List<InterfaceInfo> list;
    private byte[] encoded;

    @Setup
    public void setUp() throws UnknownHostException {
        list = new ArrayList<>();
        for (int i = 0; i < interfaces; i++) {
            InetAddress address = i % 4 == 3 ? InetAddress.getByName("fd00::" + Integer.toHexString(i + 1))
                    : InetAddress.getByName("10.0." + (i / 250) + "." + (i % 250 + 1));
            list.add(new InterfaceInfo("NODE" + i / 2, InterfaceInfo.WITNESS_V2,
                    i % 5 == 4 ? InterfaceInfo.STATE_UNAVAILABLE : InterfaceInfo.STATE_AVAILABLE, address, i % 2 == 0));
        }
        encoded = GetInterfaceList.encodeResponse(list, syntax);
    }

    @Benchmark
    public byte[] encode() {
        return GetInterfaceList.encodeResponse(list, syntax);
    }

    @Benchmark
    public GetInterfaceList.Result decode() throws NdrException {
        return GetInterfaceList.decodeResponse(encoded, syntax);
    }
}

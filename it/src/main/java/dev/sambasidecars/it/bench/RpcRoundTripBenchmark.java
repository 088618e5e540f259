package dev.sambasidecars.it.bench;

import dev.sambasidecars.witness.msnlmp.NtHashCredentials;
import dev.sambasidecars.witness.msnlmp.NtlmClientConfig;
import dev.sambasidecars.witness.msnlmp.NtlmRpcClientSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.PresentationContext;
import dev.sambasidecars.witness.msrpce.RpcClient;
import dev.sambasidecars.witness.msrpce.RpcClientOptions;
import dev.sambasidecars.witness.msrpce.RpcInterface;
import dev.sambasidecars.witness.msrpce.RpcProtocolException;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One DCE/RPC call on loopback TCP through RpcClient to RpcServer and back, the server echoing the
 * stub: unauthenticated, NTLMSSP at packet integrity (each request and response fragment signed)
 * and at privacy (sealed), with a small and a 4 KiB stub (one fragment each way at the default
 * 5840). One association per trial, bound and authenticated in setup, so the numbers are per call.
 * Run: {@code scripts/bench.sh jmh RpcRoundTrip}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RpcRoundTripBenchmark {
    static final SyntaxId ECHO = new SyntaxId(UUID.fromString("6f1c8e7a-3b52-4d0e-9a41-0c5f2e7d9b13"), 1, 0);

    @Param({"none", "integrity", "privacy"})
    public String auth;

    @Param({"64", "4096"})
    public int stubBytes;

    private RpcServer server;
    private RpcClient client;
    private PresentationContext context;
    private byte[] stub;

    /** Answers every call with its own stub. */
    static final class Echo implements RpcInterface {
        @Override
        public SyntaxId syntax() {
            return ECHO;
        }

        @Override
        public int opnumCount() {
            return 1;
        }

        @Override
        public byte[] invoke(CallContext call, int opnum, byte[] in, NdrSyntax syntax) {
            return in;
        }
    }

    @Setup
    public void setUp() throws IOException, RpcProtocolException, InterruptedException {
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(new Echo()),
                Duration.ofMinutes(10), status -> { }, e -> { })
                .withSecurity(AuthTrailer.TYPE_NTLMSSP, () -> new NtlmRpcSecurity(
                        NtlmServerConfig.of("BENCH", "WITNESS1", null, null),
                        NtHashCredentials.builder().password("bench", "Bench-Pass1").build()));
        client = RpcClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
                RpcClientOptions.DEFAULT.withCallTimeout(Duration.ofSeconds(30)));
        List<PresentationContext.Offer> offers = List.of(PresentationContext.Offer.of(ECHO, SyntaxId.NDR32));
        int level = switch (auth) {
            case "none" -> AuthTrailer.LEVEL_NONE;
            case "integrity" -> AuthTrailer.LEVEL_INTEGRITY;
            case "privacy" -> AuthTrailer.LEVEL_PRIVACY;
            default -> throw new IllegalArgumentException(auth);
        };
        context = level == AuthTrailer.LEVEL_NONE ? client.bind(offers).getFirst()
                : client.bind(offers, level, new NtlmRpcClientSecurity(
                        NtlmClientConfig.password("bench", "BENCH", "Bench-Pass1"))).getFirst();
        stub = new byte[stubBytes];
        new Random(42).nextBytes(stub);
        byte[] back = roundTrip();
        if (!java.util.Arrays.equals(stub, back)) {
            throw new IllegalStateException("echo came back different");
        }
    }

    @TearDown
    public void tearDown() {
        client.close();
        server.close();
    }

    @Benchmark
    public byte[] roundTrip() throws IOException, RpcProtocolException, InterruptedException {
        return client.call(context, 0, stub);
    }
}

package dev.sambasidecars.witness.spnego;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sambasidecars.witness.fuzz.FuzzOracle;
import dev.sambasidecars.witness.fuzz.FuzzRun;
import dev.sambasidecars.witness.msrpce.RpcSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes SPNEGO: the token decoders on their own, and an acceptor (wrapping the NTLMSSP server
 * with the fixed challenge and clock of {@link RpcclientCaptures}) fed a fuzzed first leg and
 * then a fuzzed second leg, so that the recorded rpcclient exchange authenticates. Only
 * {@link SpnegoException} and {@link RpcSecurityException} (and the project's other typed
 * errors) may come out.
 *
 * <p>Input layout: byte 0 selects the target (modulo 3): 0 {@link GssFraming#unwrap} then
 * {@link NegotiationToken#decode}; 1 {@link NegTokenResp#decode}; 2 an exchange: bytes 1-2
 * (little-endian) give the first leg's length n, the next n bytes are the bind's token, the rest
 * the alter_context's.
 */
class SpnegoFuzzTest {
    @RegisterExtension
    static final FuzzRun RUN = new FuzzRun();

    static final int INITIAL = 0;
    static final int RESPONSE = 1;
    static final int EXCHANGE = 2;
    private static final List<Class<? extends Exception>> ALSO = List.of(SpnegoException.class, RpcSecurityException.class);

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void token(byte[] data) throws Exception {
        RUN.input();
        if (data.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        switch ((data[0] & 0xff) % 3) {
            case INITIAL -> FuzzOracle.expectTyped(() -> NegotiationToken.decode(GssFraming.unwrap(rest)), ALSO);
            case RESPONSE -> FuzzOracle.expectTyped(() -> NegTokenResp.decode(rest), ALSO);
            default -> FuzzOracle.expectTyped(() -> exchange(rest), ALSO);
        }
    }

    private static void exchange(byte[] input) throws RpcSecurityException {
        int n = input.length < 2 ? 0 : Math.min((input[0] & 0xff) | (input[1] & 0xff) << 8, input.length - 2);
        int start = Math.min(2, input.length);
        SpnegoRpcSecurity acceptor = new SpnegoRpcSecurity(RpcclientCaptures.config(), RpcclientCaptures.credentials());
        acceptor.accept(Arrays.copyOfRange(input, start, start + n));
        acceptor.accept(Arrays.copyOfRange(input, start + n, input.length));
    }
}

package dev.sambasidecars.witness.msnlmp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sambasidecars.witness.fuzz.FuzzOracle;
import dev.sambasidecars.witness.fuzz.FuzzRun;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes NTLMSSP: each message decoder on its own, and a server fed a fuzzed NEGOTIATE then a
 * fuzzed AUTHENTICATE. Checks that they fail only with {@link NtlmProtocolException} or
 * {@link NtlmAuthenticationException}, and that a decoded AUTHENTICATE's MIC accessors work
 * whenever it says it has a MIC field.
 *
 * <p>Input layout: byte 0 selects the target (modulo 4): 0 {@link NegotiateMessage#decode}, 1
 * {@link AuthenticateMessage#decode}, 2 {@link AvPairs#decode} and {@link Ntlmv2Response#parse}
 * on the rest. 3 is an exchange: bytes 1-2 (little-endian) give the NEGOTIATE's length n, the
 * next n bytes are the NEGOTIATE, the rest the AUTHENTICATE, for a server whose challenge and
 * clock are fixed (see {@link Fixtures}), so a recorded valid exchange authenticates.
 */
class NtlmMessagesFuzzTest {
    @RegisterExtension
    static final FuzzRun RUN = new FuzzRun();

    static final int NEGOTIATE = 0;
    static final int AUTHENTICATE = 1;
    static final int AV_PAIRS = 2;
    static final int EXCHANGE = 3;

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void message(byte[] data) throws Exception {
        RUN.input();
        if (data.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        switch ((data[0] & 0xff) % 4) {
            case NEGOTIATE -> FuzzOracle.expectTyped(() -> NegotiateMessage.decode(rest));
            case AUTHENTICATE -> FuzzOracle.expectTyped(() -> authenticate(rest));
            case AV_PAIRS -> {
                FuzzOracle.expectTyped(() -> AvPairs.decode(rest, 0, rest.length).micPresent());
                FuzzOracle.expectTyped(() -> Ntlmv2Response.parse(rest));
            }
            default -> FuzzOracle.expectTyped(() -> exchange(rest));
        }
    }

    private static void authenticate(byte[] message) throws NtlmProtocolException {
        AuthenticateMessage m = AuthenticateMessage.decode(message);
        if (m.hasMicField()) {
            m.mic();
            m.rawWithMicZeroed();
        }
    }

    private static void exchange(byte[] input) throws NtlmException {
        int n = input.length < 2 ? 0 : Math.min((input[0] & 0xff) | (input[1] & 0xff) << 8, input.length - 2);
        byte[] negotiate = Arrays.copyOfRange(input, Math.min(2, input.length), Math.min(2, input.length) + n);
        byte[] authenticate = Arrays.copyOfRange(input, Math.min(2, input.length) + n, input.length);
        NtlmServer server = new NtlmServer(Fixtures.config(new Fixtures.MutableClock()), Fixtures.credentials());
        server.processNegotiate(negotiate);
        server.processAuthenticate(authenticate);
    }
}

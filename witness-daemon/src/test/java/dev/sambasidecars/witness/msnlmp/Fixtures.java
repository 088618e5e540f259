package dev.sambasidecars.witness.msnlmp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.random.RandomGenerator;

/** Deterministic servers and complete exchanges for tests. */
final class Fixtures {

    private Fixtures() {}

    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

    /** A clock tests can move. */
    static final class MutableClock extends Clock {
        Instant now = NOW;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Always yields the 4.2.1 ServerChallenge, so spec AUTHENTICATE messages can be replayed. */
    static RandomGenerator fixedChallenge() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                // The server draws its challenge with nextBytes only; any other use fails the test loudly.
                throw new UnsupportedOperationException();
            }

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(SpecVectors.SERVER_CHALLENGE, 0, bytes, 0, bytes.length);
            }
        };
    }

    static NtlmServerConfig config(Clock clock) {
        return NtlmServerConfig.of("DOMAIN", "WITNESS1", "domain.example", "witness1.domain.example")
                .withClock(clock, Duration.ofMinutes(30))
                .withRandom(fixedChallenge());
    }

    static NtHashCredentials credentials() {
        return NtHashCredentials.builder()
                .password(SpecVectors.USER, SpecVectors.PASSWORD)
                .password("other", "S3cret!")
                .add(new NtHashCredentials.Account("locked", NtlmCrypto.ntHash("x"), true))
                .add(new NtHashCredentials.Account("nopass", null, false))
                .build();
    }

    /** A finished exchange. */
    record Done(NtlmSession session, TestNtlmClient client) {}

    static Done exchange(TestNtlmClient client) throws NtlmException {
        NtlmServer server = new NtlmServer(config(new MutableClock()), credentials());
        byte[] challenge = server.processNegotiate(client.negotiate());
        NtlmSession session = server.processAuthenticate(client.authenticate(challenge));
        return new Done(session, client);
    }
}

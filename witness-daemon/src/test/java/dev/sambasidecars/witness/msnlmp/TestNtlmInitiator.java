package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.spnego.NtlmInitiator;
import dev.sambasidecars.witness.spnego.SpnegoException;

/**
 * The independent {@link TestNtlmClient} behind SPNEGO's {@link NtlmInitiator}, for the spnego
 * tests (the client itself stays package-private here).
 */
public final class TestNtlmInitiator implements NtlmInitiator {

    private final TestNtlmClient client = new TestNtlmClient();

    /** A client for {@code domain\\user} with {@code password}; {@code sendMic} as MsvAvFlags says. */
    public TestNtlmInitiator(String user, String domain, String password, boolean sendMic) {
        client.user = user;
        client.domain = domain;
        client.password = password;
        client.sendMic = sendMic;
    }

    /** Stops offering these NegotiateFlags (e.g. SIGN and SEAL for a connect-level client). */
    public TestNtlmInitiator withoutFlags(int flags) {
        client.offeredFlags &= ~flags;
        return this;
    }

    @Override
    public byte[] negotiate() {
        return client.negotiate();
    }

    @Override
    public byte[] authenticate(byte[] challenge) throws SpnegoException {
        try {
            return client.authenticate(challenge);
        } catch (RuntimeException e) {
            throw new SpnegoException(SpnegoException.Reason.MECHANISM_FAILED, "bad CHALLENGE_MESSAGE: " + e, e);
        }
    }

    @Override
    public int negotiatedFlags() {
        return client.negotiatedFlags;
    }

    @Override
    public byte[] exportedSessionKey() {
        return client.exportedSessionKey.clone();
    }

    @Override
    public boolean micSent() {
        return client.sendMic;
    }
}

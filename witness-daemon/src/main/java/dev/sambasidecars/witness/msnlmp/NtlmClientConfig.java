package dev.sambasidecars.witness.msnlmp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Who an {@link NtlmClient} authenticates as and what it puts in its messages (MS-NLMP 3.1.5.1).
 *
 * @param user UserName, sent as given (NTOWFv2 upper-cases it)
 * @param domain DomainName, sent as given and part of NTOWFv2
 * @param ntHash the 16-byte NT hash (NTOWFv1) of the password
 * @param workstation Workstation name sent in the AUTHENTICATE_MESSAGE
 * @param version the VERSION sent when NTLMSSP_NEGOTIATE_VERSION is negotiated
 * @param clock time for the NTLMv2 response when the server sends no MsvAvTimestamp
 * @param random source of ClientChallenge and of the random session key (KEY_EXCH); must be a
 *     CSPRNG outside tests
 */
public record NtlmClientConfig(String user, String domain, byte[] ntHash, String workstation,
        NtlmVersion version, Clock clock, RandomGenerator random) {

    /** Checks the fields and copies the hash. */
    public NtlmClientConfig {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(workstation, "workstation");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        if (ntHash == null || ntHash.length != 16) {
            throw new IllegalArgumentException("the NT hash must be 16 bytes");
        }
        ntHash = ntHash.clone();
    }

    /** A user with a password: Samba's VERSION, no workstation name, system clock, SecureRandom. */
    public static NtlmClientConfig password(String user, String domain, String password) {
        return ntHash(user, domain, NtlmCrypto.ntHash(password));
    }

    /** A user given by the NT hash of the password (as smbpasswd and pdbedit -w store it). */
    public static NtlmClientConfig ntHash(String user, String domain, byte[] ntHash) {
        return new NtlmClientConfig(user, domain, ntHash, "", NtlmVersion.DEFAULT, Clock.systemUTC(),
                new SecureRandom());
    }

    /** The NT hash (a copy). */
    @Override
    public byte[] ntHash() {
        return ntHash.clone();
    }

    /** A copy with another workstation name. */
    public NtlmClientConfig withWorkstation(String w) {
        return new NtlmClientConfig(user, domain, ntHash, w, version, clock, random);
    }

    /** A copy with another VERSION. */
    public NtlmClientConfig withVersion(NtlmVersion v) {
        return new NtlmClientConfig(user, domain, ntHash, workstation, v, clock, random);
    }

    /** A copy with another clock. */
    public NtlmClientConfig withClock(Clock c) {
        return new NtlmClientConfig(user, domain, ntHash, workstation, version, c, random);
    }

    /** A copy with another source of challenges and keys (tests use fixed ones to replay spec vectors). */
    public NtlmClientConfig withRandom(RandomGenerator r) {
        return new NtlmClientConfig(user, domain, ntHash, workstation, version, clock, r);
    }

    /** Names only: the hash never reaches a log. */
    @Override
    public String toString() {
        return "NtlmClientConfig[" + domain + "\\" + user + (workstation.isEmpty() ? "" : " from " + workstation) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NtlmClientConfig c && user.equals(c.user) && domain.equals(c.domain)
                && java.util.Arrays.equals(ntHash, c.ntHash) && workstation.equals(c.workstation)
                && version.equals(c.version) && clock.equals(c.clock) && random.equals(c.random);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, domain, java.util.Arrays.hashCode(ntHash), workstation, version);
    }
}

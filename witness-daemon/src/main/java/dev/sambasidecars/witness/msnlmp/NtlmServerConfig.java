package dev.sambasidecars.witness.msnlmp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What {@link NtlmServer} puts in its CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2, 3.2.5.1.1) and how it
 * times it out.
 *
 * @param nbDomainName MsvAvNbDomainName
 * @param nbComputerName MsvAvNbComputerName, also sent as TargetName (TARGET_TYPE_SERVER: the
 *     accounts are this server's own)
 * @param dnsDomainName MsvAvDnsDomainName, or null to omit it
 * @param dnsComputerName MsvAvDnsComputerName, or null to omit it
 * @param version the VERSION sent when the client negotiates NTLMSSP_NEGOTIATE_VERSION
 * @param sendTimestamp whether to send MsvAvTimestamp (clients send a MIC only when it is there)
 * @param challengeLifetime how long an AUTHENTICATE_MESSAGE is accepted after the CHALLENGE
 * @param clock time source for MsvAvTimestamp and the lifetime
 * @param random source of server challenges; must be a CSPRNG outside tests
 */
public record NtlmServerConfig(String nbDomainName, String nbComputerName, String dnsDomainName,
        String dnsComputerName, NtlmVersion version, boolean sendTimestamp,
        Duration challengeLifetime, Clock clock, RandomGenerator random) {

    /** Samba's hard limit between NEGOTIATE and AUTHENTICATE (auth/ntlmssp/ntlmssp_server.c). */
    public static final Duration DEFAULT_CHALLENGE_LIFETIME = Duration.ofMinutes(30);

    /** Checks the mandatory fields. */
    public NtlmServerConfig {
        Objects.requireNonNull(nbDomainName, "nbDomainName");
        Objects.requireNonNull(nbComputerName, "nbComputerName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(challengeLifetime, "challengeLifetime");
        if (challengeLifetime.isNegative() || challengeLifetime.isZero()) {
            throw new IllegalArgumentException("challengeLifetime must be positive");
        }
    }

    /** Names as given, Samba's VERSION, timestamps on, 30 minutes, system clock, SecureRandom. */
    public static NtlmServerConfig of(String nbDomainName, String nbComputerName,
            String dnsDomainName, String dnsComputerName) {
        return new NtlmServerConfig(nbDomainName, nbComputerName, dnsDomainName, dnsComputerName,
                NtlmVersion.DEFAULT, true, DEFAULT_CHALLENGE_LIFETIME, Clock.systemUTC(),
                new SecureRandom());
    }

    /** A copy with another VERSION. */
    public NtlmServerConfig withVersion(NtlmVersion v) {
        return new NtlmServerConfig(nbDomainName, nbComputerName, dnsDomainName, dnsComputerName, v,
                sendTimestamp, challengeLifetime, clock, random);
    }

    /** A copy that does or does not send MsvAvTimestamp. */
    public NtlmServerConfig withTimestamp(boolean send) {
        return new NtlmServerConfig(nbDomainName, nbComputerName, dnsDomainName, dnsComputerName,
                version, send, challengeLifetime, clock, random);
    }

    /** A copy with another clock and challenge lifetime. */
    public NtlmServerConfig withClock(Clock c, Duration lifetime) {
        return new NtlmServerConfig(nbDomainName, nbComputerName, dnsDomainName, dnsComputerName,
                version, sendTimestamp, lifetime, c, random);
    }

    /** A copy with another challenge source (tests use a fixed one to replay spec vectors). */
    public NtlmServerConfig withRandom(RandomGenerator r) {
        return new NtlmServerConfig(nbDomainName, nbComputerName, dnsDomainName, dnsComputerName,
                version, sendTimestamp, challengeLifetime, clock, r);
    }
}

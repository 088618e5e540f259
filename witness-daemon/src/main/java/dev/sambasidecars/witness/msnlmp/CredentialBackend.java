package dev.sambasidecars.witness.msnlmp;

/**
 * Checks an NTLM challenge response for {@link NtlmServer} (the role a SAM or a domain controller
 * plays in MS-NLMP 3.2.5.1.2 / MS-APDS). Implementations must compare proofs in constant time.
 */
@FunctionalInterface
public interface CredentialBackend {

    /**
     * Verifies the client's responses to {@code serverChallenge}.
     *
     * @param user UserName as the client sent it
     * @param domain DomainName as the client sent it (may be empty)
     * @param serverChallenge the 8-byte challenge the server sent
     * @param ntChallengeResponse the NtChallengeResponse (an NTLMv2_RESPONSE for this server)
     * @param lmChallengeResponse the LmChallengeResponse (LMv2 or zeros; may be empty)
     * @return the 16-byte SessionBaseKey (3.3.2) on success
     * @throws NtlmAuthenticationException if the credentials are refused
     * @throws NtlmProtocolException if a response is malformed
     */
    byte[] verify(String user, String domain, byte[] serverChallenge, byte[] ntChallengeResponse,
            byte[] lmChallengeResponse) throws NtlmAuthenticationException, NtlmProtocolException;
}

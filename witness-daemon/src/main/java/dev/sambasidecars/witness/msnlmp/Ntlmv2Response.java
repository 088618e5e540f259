package dev.sambasidecars.witness.msnlmp;

import java.util.Arrays;

/**
 * NTLMv2_RESPONSE (MS-NLMP 2.2.2.8): Response (NTProofStr, 16 bytes) followed by
 * NTLMv2_CLIENT_CHALLENGE (2.2.2.7): RespType (1), HiRespType (1), Reserved1 (2), Reserved2 (4),
 * TimeStamp (8), ChallengeFromClient (8), Reserved3 (4), AvPairs. The bytes after NTProofStr are
 * the "temp" of 3.3.2 that NTProofStr is computed over.
 */
public final class Ntlmv2Response {

    /** Size of NTProofStr. */
    public static final int PROOF_LENGTH = 16;
    private static final int CLIENT_CHALLENGE_HEADER = 28;
    /** Shortest well-formed response: proof, blob header and a bare MsvAvEOL. */
    public static final int MIN_LENGTH = PROOF_LENGTH + CLIENT_CHALLENGE_HEADER + 4;

    private final byte[] ntProofStr;
    private final byte[] clientChallengeBlob;
    private final long timestamp;
    private final byte[] clientChallenge;
    private final AvPairs avPairs;

    private Ntlmv2Response(byte[] ntProofStr, byte[] blob, long timestamp, byte[] clientChallenge,
            AvPairs avPairs) {
        this.ntProofStr = ntProofStr;
        this.clientChallengeBlob = blob;
        this.timestamp = timestamp;
        this.clientChallenge = clientChallenge;
        this.avPairs = avPairs;
    }

    /** Parses an NtChallengeResponse longer than 24 bytes (shorter ones are NTLMv1 or LM). */
    public static Ntlmv2Response parse(byte[] ntChallengeResponse) throws NtlmProtocolException {
        if (ntChallengeResponse.length < MIN_LENGTH) {
            throw new NtlmProtocolException("NTLMv2 response of " + ntChallengeResponse.length
                    + " bytes, need at least " + MIN_LENGTH);
        }
        NtlmBuffer in = NtlmBuffer.wrap(ntChallengeResponse);
        byte[] proof = in.bytes(PROOF_LENGTH);
        int respType = in.u8();
        int hiRespType = in.u8();
        // 2.2.2.7: both MUST be 1; anything else is a different, unknown response format.
        if (respType != 1 || hiRespType != 1) {
            throw new NtlmProtocolException("NTLMv2_CLIENT_CHALLENGE RespType " + respType + "/"
                    + hiRespType + ", expected 1/1");
        }
        in.u16();
        in.u32();
        long timestamp = in.u64();
        byte[] clientChallenge = in.bytes(8);
        in.u32();
        int pairsAt = in.position();
        AvPairs pairs = AvPairs.decode(ntChallengeResponse, pairsAt,
                ntChallengeResponse.length - pairsAt);
        byte[] blob = Arrays.copyOfRange(ntChallengeResponse, PROOF_LENGTH,
                ntChallengeResponse.length);
        return new Ntlmv2Response(proof, blob, timestamp, clientChallenge, pairs);
    }

    /** NTProofStr (a copy). */
    public byte[] ntProofStr() {
        return ntProofStr.clone();
    }

    /** Everything after NTProofStr: the "temp" NTProofStr is an HMAC of (a copy). */
    public byte[] clientChallengeBlob() {
        return clientChallengeBlob.clone();
    }

    /** The client's TimeStamp (FILETIME); not checked against the clock, see {@link NtlmServer}. */
    public long timestamp() {
        return timestamp;
    }

    /** ChallengeFromClient (a copy). */
    public byte[] clientChallenge() {
        return clientChallenge.clone();
    }

    /** The AV_PAIRs the client echoed (and extended, e.g. with MsvAvFlags). */
    public AvPairs avPairs() {
        return avPairs;
    }
}

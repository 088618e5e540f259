package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import org.bouncycastle.crypto.engines.RC4Engine;

/**
 * NTLM session security with extended session security (MS-NLMP 3.4.2-3.4.5): signatures are
 * {@code Version=1 || HMAC_MD5(SigningKey, SeqNum || Message)[0..7] || SeqNum}, the checksum
 * RC4-encrypted with the direction's sealing handle when KEY_EXCH was negotiated; sealing
 * encrypts with that same handle. Each direction has its own keys, RC4 handle (whose keystream
 * runs on across messages) and sequence number starting at 0.
 *
 * <p>Order (3.4.3, checked against the 4.2.4.4 example): the checksum is computed over the
 * plaintext, then the message is encrypted, then the checksum is encrypted with the keystream
 * that follows. Unsealing decrypts first and then verifies, consuming the keystream the same way.
 *
 * <p>For DCE/RPC (MS-RPCE 3.3.1.5.2) the signed range (PDU header through sec_trailer) is larger
 * than the sealed range (the stub), so the range methods take both. Calls must be made in the
 * order messages go on the wire; a failed verification leaves that direction unusable.
 */
public final class SessionSecurity {

    /** Which end of the connection this object protects messages for. */
    public enum Role {
        /** The initiator: sends with client-to-server keys. */
        CLIENT,
        /** The acceptor: sends with server-to-client keys. */
        SERVER
    }

    /** Ciphertext plus its NTLMSSP_MESSAGE_SIGNATURE. */
    public record Sealed(byte[] ciphertext, byte[] signature) {}

    /** Size of NTLMSSP_MESSAGE_SIGNATURE (2.2.2.9.2). */
    public static final int SIGNATURE_LENGTH = 16;
    private static final int SIGNATURE_VERSION = 1;

    // 3.4.5.2 / 3.4.5.3 magic constants (the NUL terminator is appended when hashing).
    private static final String CLIENT_SIGN =
            "session key to client-to-server signing key magic constant";
    private static final String CLIENT_SEAL =
            "session key to client-to-server sealing key magic constant";
    private static final String SERVER_SIGN =
            "session key to server-to-client signing key magic constant";
    private static final String SERVER_SEAL =
            "session key to server-to-client sealing key magic constant";

    /** Keys and state of one direction. */
    private static final class Direction {
        /** HMAC_MD5 keyed with SigningKey; doFinal resets it for the next message (used under the direction's lock). */
        final Mac signing;
        final byte[] sealingKey;
        RC4Engine sealingHandle;
        int sequence;
        boolean broken;

        Direction(byte[] exportedSessionKey, String signMagic, String sealMagic) {
            signing = NtlmCrypto.newHmacMd5(NtlmCrypto.subKey(exportedSessionKey, signMagic));
            sealingKey = NtlmCrypto.subKey(exportedSessionKey, sealMagic);
            sealingHandle = NtlmCrypto.rc4Init(sealingKey);
        }

        void reset(boolean sequenceNumber) {
            sealingHandle = NtlmCrypto.rc4Init(sealingKey);
            if (sequenceNumber) {
                sequence = 0;
            }
        }
    }

    private final int flags;
    private final boolean keyExchange;
    private final Direction outgoing;
    private final Direction incoming;

    private SessionSecurity(Role role, int flags, byte[] exportedSessionKey) {
        this.flags = flags;
        this.keyExchange = NegotiateFlags.has(flags, NegotiateFlags.KEY_EXCH);
        Direction clientToServer = new Direction(exportedSessionKey, CLIENT_SIGN, CLIENT_SEAL);
        Direction serverToClient = new Direction(exportedSessionKey, SERVER_SIGN, SERVER_SEAL);
        outgoing = role == Role.CLIENT ? clientToServer : serverToClient;
        incoming = role == Role.CLIENT ? serverToClient : clientToServer;
    }

    /**
     * Derives the four keys from ExportedSessionKey. Only extended session security with 128-bit
     * keys is implemented; {@link NtlmServer} refuses anything else before getting here.
     */
    public static SessionSecurity create(Role role, int negotiatedFlags, byte[] exportedSessionKey) {
        Objects.requireNonNull(role, "role");
        if (exportedSessionKey.length != 16) {
            throw new IllegalArgumentException("ExportedSessionKey must be 16 bytes");
        }
        if (!NegotiateFlags.has(negotiatedFlags,
                NegotiateFlags.EXTENDED_SESSIONSECURITY | NegotiateFlags.NEGOTIATE_128)) {
            throw new IllegalArgumentException("only extended session security with 128-bit keys: "
                    + NegotiateFlags.toString(negotiatedFlags));
        }
        return new SessionSecurity(role, negotiatedFlags, exportedSessionKey);
    }

    /** The negotiated flags these keys were derived under. */
    public int flags() {
        return flags;
    }

    /**
     * Starts both RC4 handles over from their sealing keys, and the sequence numbers too when
     * {@code sequenceNumbers} is set. SPNEGO calls this once its mechListMIC exchange is over:
     * MS-SPNG 3.3.5.1 has each side sign or verify the mechListMIC with a copy of the RC4 handle,
     * so the first application message meets the handle as it was before the MIC, while the
     * sequence numbers the MICs used stay consumed. Samba does the same by re-keying both handles
     * (ntlmssp_sign_reset), resetting the sequence numbers only when no mechListMIC was checked
     * (gensec_spnego's call to gensec_may_reset_crypto). A direction that failed verification
     * stays unusable.
     */
    public void reset(boolean sequenceNumbers) {
        synchronized (outgoing) {
            outgoing.reset(sequenceNumbers);
        }
        synchronized (incoming) {
            incoming.reset(sequenceNumbers);
        }
    }

    /** Signs an outgoing message (GSS_GetMIC, 3.4.4.2). */
    public byte[] sign(byte[] message) {
        return sign(message, 0, message.length);
    }

    /** Signs {@code buf[off, off+len)} of an outgoing message. */
    public byte[] sign(byte[] buf, int off, int len) {
        require(NegotiateFlags.SIGN, "signing");
        Objects.checkFromIndexSize(off, len, buf.length);
        synchronized (outgoing) {
            requireUsable(outgoing);
            int seq = outgoing.sequence++;
            byte[] checksum = checksum(outgoing, seq, buf, off, len);
            encryptChecksum(outgoing, checksum);
            return signature(checksum, seq);
        }
    }

    /** Verifies an incoming message's signature (GSS_VerifyMIC). */
    public void verify(byte[] message, byte[] signature) throws NtlmAuthenticationException {
        verify(message, 0, message.length, signature);
    }

    /** Verifies the signature over {@code buf[off, off+len)} of an incoming message. */
    public void verify(byte[] buf, int off, int len, byte[] signature)
            throws NtlmAuthenticationException {
        require(NegotiateFlags.SIGN, "signing");
        Objects.checkFromIndexSize(off, len, buf.length);
        synchronized (incoming) {
            requireUsable(incoming);
            int seq = incoming.sequence++;
            byte[] checksum = checksum(incoming, seq, buf, off, len);
            encryptChecksum(incoming, checksum);
            check(signature, checksum, seq);
        }
    }

    /** Seals a whole outgoing message (GSS_WrapEx, 3.4.3). */
    public Sealed seal(byte[] plaintext) {
        byte[] buf = plaintext.clone();
        byte[] signature = sealInPlace(buf, 0, buf.length, 0, buf.length);
        return new Sealed(buf, signature);
    }

    /** Unseals a whole incoming message and verifies it; returns the plaintext. */
    public byte[] unseal(byte[] ciphertext, byte[] signature) throws NtlmAuthenticationException {
        byte[] buf = ciphertext.clone();
        unsealInPlace(buf, 0, buf.length, 0, buf.length, signature);
        return buf;
    }

    /**
     * Seals {@code buf[sealOff, sealOff+sealLen)} in place and returns the signature over the
     * plaintext of {@code buf[signOff, signOff+signLen)}, taken before anything is encrypted.
     */
    public byte[] sealInPlace(byte[] buf, int sealOff, int sealLen, int signOff, int signLen) {
        require(NegotiateFlags.SEAL, "sealing");
        Objects.checkFromIndexSize(sealOff, sealLen, buf.length);
        Objects.checkFromIndexSize(signOff, signLen, buf.length);
        synchronized (outgoing) {
            requireUsable(outgoing);
            int seq = outgoing.sequence++;
            byte[] checksum = checksum(outgoing, seq, buf, signOff, signLen);
            outgoing.sealingHandle.processBytes(buf, sealOff, sealLen, buf, sealOff);
            encryptChecksum(outgoing, checksum);
            return signature(checksum, seq);
        }
    }

    /**
     * Decrypts {@code buf[sealOff, sealOff+sealLen)} in place, then verifies {@code signature} over
     * the now-plaintext {@code buf[signOff, signOff+signLen)}. On failure the buffer holds
     * unauthenticated plaintext that the caller must discard.
     */
    public void unsealInPlace(byte[] buf, int sealOff, int sealLen, int signOff, int signLen,
            byte[] signature) throws NtlmAuthenticationException {
        require(NegotiateFlags.SEAL, "sealing");
        Objects.checkFromIndexSize(sealOff, sealLen, buf.length);
        Objects.checkFromIndexSize(signOff, signLen, buf.length);
        synchronized (incoming) {
            requireUsable(incoming);
            int seq = incoming.sequence++;
            incoming.sealingHandle.processBytes(buf, sealOff, sealLen, buf, sealOff);
            byte[] checksum = checksum(incoming, seq, buf, signOff, signLen);
            encryptChecksum(incoming, checksum);
            check(signature, checksum, seq);
        }
    }

    private void require(int flag, String what) {
        if (!NegotiateFlags.has(flags, flag)) {
            throw new IllegalStateException(what + " was not negotiated");
        }
    }

    private static void requireUsable(Direction d) {
        if (d.broken) {
            throw new IllegalStateException("an earlier message failed verification; RC4 state lost");
        }
    }

    /** HMAC_MD5(SigningKey, ConcatenationOf(SeqNum, Message))[0..7] (3.4.4.2). */
    private static byte[] checksum(Direction d, int seq, byte[] buf, int off, int len) {
        Mac mac = d.signing;
        byte[] seqLe = new byte[4];
        NtlmBuffer.putInt(seqLe, 0, seq);
        mac.update(seqLe);
        mac.update(buf, off, len);
        return Arrays.copyOf(mac.doFinal(), 8);
    }

    private void encryptChecksum(Direction d, byte[] checksum) {
        if (keyExchange) {
            d.sealingHandle.processBytes(checksum, 0, checksum.length, checksum, 0);
        }
    }

    private static byte[] signature(byte[] checksum, int seq) {
        byte[] sig = new byte[SIGNATURE_LENGTH];
        NtlmBuffer.putInt(sig, 0, SIGNATURE_VERSION);
        System.arraycopy(checksum, 0, sig, 4, 8);
        NtlmBuffer.putInt(sig, 12, seq);
        return sig;
    }

    private void check(byte[] received, byte[] checksum, int seq)
            throws NtlmAuthenticationException {
        if (received == null || received.length != SIGNATURE_LENGTH
                || NtlmBuffer.getInt(received, 0) != SIGNATURE_VERSION) {
            incoming.broken = true;
            throw new NtlmAuthenticationException(Reason.BAD_SIGNATURE,
                    "not a version 1 NTLMSSP_MESSAGE_SIGNATURE");
        }
        int sentSeq = NtlmBuffer.getInt(received, 12);
        if (sentSeq != seq) {
            incoming.broken = true;
            throw new NtlmAuthenticationException(Reason.BAD_SEQUENCE,
                    "sequence number " + Integer.toUnsignedString(sentSeq) + ", expected "
                            + Integer.toUnsignedString(seq));
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(received, 4, 12), checksum)) {
            incoming.broken = true;
            throw new NtlmAuthenticationException(Reason.BAD_SIGNATURE, "checksum mismatch");
        }
    }

    /**
     * Protects a DCE/RPC PDU in place: signs {@code [0, signedLength)} and, when {@code sealed},
     * first encrypts the stub; returns the signature for the auth value.
     */
    public byte[] protectPdu(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength) {
        return sealed ? sealInPlace(frag, stubOffset, stubLength, 0, signedLength) : sign(frag, 0, signedLength);
    }

    /** Checks a protected DCE/RPC PDU in place (decrypting the stub when {@code sealed}). */
    public void verifyPdu(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength,
                          byte[] signature) throws NtlmAuthenticationException {
        if (sealed) {
            unsealInPlace(frag, stubOffset, stubLength, 0, signedLength, signature);
        } else {
            verify(frag, 0, signedLength, signature);
        }
    }
}

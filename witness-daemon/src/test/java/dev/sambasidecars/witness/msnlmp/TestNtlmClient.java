package dev.sambasidecars.witness.msnlmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * A minimal NTLMv2 client written for the tests from MS-NLMP 3.1.5.1 and 3.3.2, deliberately
 * sharing no code with the server: its own message layout (ByteBuffer), its own key derivation
 * and its own session security on the JDK's HmacMD5 and ARCFOUR. Knobs let tests produce the
 * malformed or refused variants a server must reject. The production client, {@link NtlmClient},
 * is held to this one: for the same inputs it must send the same bytes (NtlmClientTest).
 */
final class TestNtlmClient {

    String user = SpecVectors.USER;
    String domain = SpecVectors.DOMAIN;
    String password = SpecVectors.PASSWORD;
    String workstation = SpecVectors.WORKSTATION;
    // 56, KEY_EXCH, 128, VERSION, ESS, ALWAYS_SIGN, NTLM, LM_KEY, SEAL, SIGN, REQUEST_TARGET, OEM, UNICODE
    int offeredFlags = 0xe20882b7;
    byte[] clientChallenge = SpecVectors.CLIENT_CHALLENGE.clone();
    byte[] randomSessionKey = SpecVectors.RANDOM_SESSION_KEY.clone();
    long clientTime = 0x01d2d400fdc80b80L;
    boolean sendMic = true;
    /** Send a 24-byte (NTLMv1-shaped) NT response instead of NTLMv2. */
    boolean ntlmV1 = false;
    /** Send only an LM response. */
    boolean lmOnly = false;
    /** Clear these bits from the flags sent in AUTHENTICATE (downgrade attempts). */
    int dropFromAuthenticate = 0;
    /** Replace the echoed MsvAvNbComputerName. */
    String forgedComputerName = null;

    byte[] negotiate;
    byte[] challenge;
    int negotiatedFlags;
    byte[] sessionBaseKey;
    byte[] exportedSessionKey;

    byte[] negotiate() {
        ByteBuffer b = le(40);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(offeredFlags);
        b.putShort((short) 0).putShort((short) 0).putInt(40);
        b.putShort((short) 0).putShort((short) 0).putInt(40);
        b.put(new byte[] {10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f}); // 10.0.19041 r15
        negotiate = b.array();
        return negotiate.clone();
    }

    byte[] authenticate(byte[] challengeMessage) {
        challenge = challengeMessage.clone();
        ByteBuffer c = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN);
        int challengeFlags = c.getInt(20);
        byte[] serverChallenge = Arrays.copyOfRange(challenge, 24, 32);
        int infoLen = c.getShort(40) & 0xffff;
        int infoOff = c.getInt(44);
        byte[] targetInfo = Arrays.copyOfRange(challenge, infoOff, infoOff + infoLen);
        negotiatedFlags = challengeFlags & offeredFlags;

        // 3.1.5.2.1: use the server's MsvAvTimestamp when there is one; a MIC goes with it.
        Long serverTime = null;
        ByteArrayOutputStream pairs = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.wrap(targetInfo).order(ByteOrder.LITTLE_ENDIAN);
        while (true) {
            int id = in.getShort() & 0xffff;
            int len = in.getShort() & 0xffff;
            if (id == 0) {
                break;
            }
            byte[] value = new byte[len];
            in.get(value);
            if (id == 7) {
                serverTime = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            if (id == 1 && forgedComputerName != null) {
                value = forgedComputerName.getBytes(StandardCharsets.UTF_16LE);
            }
            writePair(pairs, id, value);
        }
        if (sendMic) {
            writePair(pairs, 6, le(4).putInt(2).array());
        }
        writePair(pairs, 0, new byte[0]);
        long time = serverTime != null ? serverTime : clientTime;

        byte[] responseKeyNt =
                hmac(ntHash(password), utf16(user.toUpperCase(java.util.Locale.ROOT) + domain));
        ByteBuffer temp = le(28 + pairs.size() + 4);
        temp.put((byte) 1).put((byte) 1).putShort((short) 0).putInt(0).putLong(time)
                .put(clientChallenge).putInt(0).put(pairs.toByteArray()).putInt(0);
        byte[] proof = hmac(responseKeyNt, serverChallenge, temp.array());
        byte[] nt = concat(proof, temp.array());
        byte[] lm = serverTime != null ? new byte[24]
                : concat(hmac(responseKeyNt, serverChallenge, clientChallenge), clientChallenge);
        sessionBaseKey = hmac(responseKeyNt, proof);
        if (ntlmV1) {
            nt = Arrays.copyOf(proof, 24);
        }
        if (lmOnly) {
            nt = new byte[0];
        }
        byte[] encryptedKey = new byte[0];
        exportedSessionKey = sessionBaseKey;
        if ((negotiatedFlags & NegotiateFlags.KEY_EXCH) != 0) {
            encryptedKey = rc4(sessionBaseKey).update(randomSessionKey);
            exportedSessionKey = randomSessionKey.clone();
        }

        byte[][] payload = {utf16(domain), utf16(user), utf16(workstation), lm, nt, encryptedKey};
        int header = sendMic ? 88 : 72;
        int total = header;
        for (byte[] p : payload) {
            total += p.length;
        }
        ByteBuffer a = le(total);
        a.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(3);
        int[] order = {3, 4, 0, 1, 2, 5}; // descriptor order: Lm, Nt, Domain, User, Workstation, Key
        int[] offsets = new int[payload.length];
        int at = header;
        for (int i = 0; i < payload.length; i++) {
            offsets[i] = at;
            at += payload[i].length;
        }
        for (int i : order) {
            a.putShort((short) payload[i].length).putShort((short) payload[i].length).putInt(offsets[i]);
        }
        a.putInt(negotiatedFlags & ~dropFromAuthenticate);
        a.put(new byte[] {10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f});
        a.position(header);
        for (byte[] p : payload) {
            a.put(p);
        }
        byte[] message = a.array();
        if (sendMic) {
            byte[] mic = hmac(exportedSessionKey, negotiate, challenge, message);
            System.arraycopy(mic, 0, message, 72, 16);
        }
        return message;
    }

    /** The client's half of session security, built on the negotiated flags and exported key. */
    ClientSecurity security() {
        return new ClientSecurity(negotiatedFlags, exportedSessionKey);
    }

    /** Client-side signing and sealing per MS-NLMP 3.4.3/3.4.4, JDK primitives only. */
    static final class ClientSecurity {
        private final boolean keyExchange;
        private final byte[] sendSign;
        private final byte[] recvSign;
        private final Cipher sendSeal;
        private final Cipher recvSeal;
        private int sendSeq;
        private int recvSeq;

        ClientSecurity(int flags, byte[] exportedSessionKey) {
            keyExchange = (flags & NegotiateFlags.KEY_EXCH) != 0;
            sendSign = md5(exportedSessionKey, magic("client-to-server signing"));
            recvSign = md5(exportedSessionKey, magic("server-to-client signing"));
            sendSeal = rc4(md5(exportedSessionKey, magic("client-to-server sealing")));
            recvSeal = rc4(md5(exportedSessionKey, magic("server-to-client sealing")));
        }

        private static byte[] magic(String what) {
            return ("session key to " + what + " key magic constant\0")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        byte[] sign(byte[] message) {
            return signature(sendSign, sendSeal, sendSeq++, message);
        }

        /** Returns ciphertext || signature, with the signature over {@code signed} (the plaintext). */
        byte[][] seal(byte[] plaintext) {
            int seq = sendSeq++;
            byte[] checksum = Arrays.copyOf(hmac(sendSign, le(4).putInt(seq).array(), plaintext), 8);
            byte[] ciphertext = sendSeal.update(plaintext);
            return new byte[][] {ciphertext, assemble(sendSeal, checksum, seq)};
        }

        /** Seals {@code buf[off, off+len)} in place; signs all of {@code buf} as plaintext. */
        byte[] sealRange(byte[] buf, int off, int len) {
            int seq = sendSeq++;
            byte[] checksum = Arrays.copyOf(hmac(sendSign, le(4).putInt(seq).array(), buf), 8);
            byte[] enc = sendSeal.update(buf, off, len);
            System.arraycopy(enc, 0, buf, off, len);
            return assemble(sendSeal, checksum, seq);
        }

        /** Decrypts and returns the plaintext, or throws AssertionError if the signature is bad. */
        byte[] unseal(byte[] ciphertext, byte[] signature) {
            byte[] plaintext = recvSeal.update(ciphertext);
            byte[] expected = signature(recvSign, recvSeal, recvSeq++, plaintext);
            if (!Arrays.equals(expected, signature)) {
                throw new AssertionError("client: bad signature " + SpecVectors.hex(signature));
            }
            return plaintext;
        }

        /** Decrypts {@code buf[off, off+len)} in place, then checks the signature over all of buf. */
        void unsealRange(byte[] buf, int off, int len, byte[] signature) {
            byte[] plain = recvSeal.update(buf, off, len);
            System.arraycopy(plain, 0, buf, off, len);
            verify(buf, signature);
        }

        void verify(byte[] message, byte[] signature) {
            byte[] expected = signature(recvSign, recvSeal, recvSeq++, message);
            if (!Arrays.equals(expected, signature)) {
                throw new AssertionError("client: bad signature " + SpecVectors.hex(signature));
            }
        }

        private byte[] signature(byte[] key, Cipher seal, int seq, byte[] message) {
            byte[] checksum = Arrays.copyOf(hmac(key, le(4).putInt(seq).array(), message), 8);
            return assemble(seal, checksum, seq);
        }

        private byte[] assemble(Cipher seal, byte[] checksum, int seq) {
            byte[] cks = keyExchange ? seal.update(checksum) : checksum;
            return le(16).putInt(1).put(cks).putInt(seq).array();
        }
    }

    static void writePair(ByteArrayOutputStream out, int id, byte[] value) {
        out.writeBytes(le(4).putShort((short) id).putShort((short) value.length).array());
        out.writeBytes(value);
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    static byte[] ntHash(String password) {
        MD4Digest d = new MD4Digest();
        byte[] p = utf16(password);
        d.update(p, 0, p.length);
        byte[] out = new byte[16];
        d.doFinal(out, 0);
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] md5(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A JDK RC4 stream (SunJCE "ARCFOUR"); update() continues the keystream. */
    static Cipher rc4(byte[] key) {
        try {
            Cipher c = Cipher.getInstance("ARCFOUR");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
            return c;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

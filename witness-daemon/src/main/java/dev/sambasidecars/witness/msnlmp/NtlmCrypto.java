package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The cryptographic functions of MS-NLMP 3.3.2, 3.4.5 and 6 (Appendix A), built only on JDK and
 * Bouncy Castle primitives: MD4 (BC, the JDK has no public MD4), MD5 and HMAC-MD5 (JDK), RC4 (BC).
 */
public final class NtlmCrypto {

    private NtlmCrypto() {}

    /** MD4 of the concatenated inputs. */
    public static byte[] md4(byte[]... parts) {
        MD4Digest d = new MD4Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    /** MD5 of the concatenated inputs. */
    public static byte[] md5(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without MD5", e);
        }
    }

    /** HMAC_MD5(key, concatenation of parts) as in MS-NLMP 6. */
    public static byte[] hmacMd5(byte[] key, byte[]... parts) {
        Mac mac = newHmacMd5(key);
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }

    /** An initialised HMAC-MD5, for callers that feed ranges of a buffer. */
    static Mac newHmacMd5(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without HmacMD5", e);
        }
    }

    /** A fresh RC4 keystream ("RC4Init" of MS-NLMP 6); it keeps its state across calls. */
    public static RC4Engine rc4Init(byte[] key) {
        RC4Engine rc4 = new RC4Engine();
        rc4.init(true, new KeyParameter(key));
        return rc4;
    }

    /** One-shot RC4K(key, data) of MS-NLMP 6. */
    public static byte[] rc4(byte[] key, byte[] data) {
        byte[] out = new byte[data.length];
        rc4Init(key).processBytes(data, 0, data.length, out, 0);
        return out;
    }

    /** UNICODE(s): UTF-16LE without terminator. */
    public static byte[] unicode(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    /**
     * Upper-cases one UTF-16 unit at a time. Windows upper-cases names with a per-code-unit table,
     * so a full-string {@link String#toUpperCase} (which turns "ß" into "SS") would change the key.
     */
    public static String upper(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toUpperCase(c[i]);
        }
        return new String(c);
    }

    /** The NT hash, NTOWFv1 of 3.3.1: MD4(UNICODE(password)). */
    public static byte[] ntHash(String password) {
        return md4(unicode(password));
    }

    /** NTOWFv2 of 3.3.2: HMAC_MD5(NT hash, UNICODE(Upper(user) + domain)). */
    public static byte[] ntowfV2(byte[] ntHash, String user, String domain) {
        return hmacMd5(ntHash, unicode(upper(user) + domain));
    }

    /** NTProofStr of 3.3.2: HMAC_MD5(ResponseKeyNT, ServerChallenge || temp). */
    public static byte[] ntProofStr(byte[] responseKeyNt, byte[] serverChallenge, byte[] temp) {
        return hmacMd5(responseKeyNt, serverChallenge, temp);
    }

    /** SessionBaseKey of 3.3.2: HMAC_MD5(ResponseKeyNT, NTProofStr). */
    public static byte[] sessionBaseKeyV2(byte[] responseKeyNt, byte[] ntProofStr) {
        return hmacMd5(responseKeyNt, ntProofStr);
    }

    /** MIC of 3.1.5.1.2: HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE). */
    public static byte[] mic(byte[] exportedSessionKey, byte[] negotiate, byte[] challenge,
            byte[] authenticateWithMicZeroed) {
        return hmacMd5(exportedSessionKey, negotiate, challenge, authenticateWithMicZeroed);
    }

    /** SIGNKEY / SEALKEY of 3.4.5.2-3 for 128-bit keys: MD5(key || magic constant || NUL). */
    static byte[] subKey(byte[] exportedSessionKey, String magic) {
        return md5(exportedSessionKey, (magic + '\0').getBytes(StandardCharsets.US_ASCII));
    }
}

package dev.sambasidecars.witness.msnlmp;

import java.util.StringJoiner;

/** The NegotiateFlags bits of MS-NLMP 2.2.2.5 (letters A..W in the spec's bit diagram). */
public final class NegotiateFlags {

    private NegotiateFlags() {}

    /** A: strings are UTF-16LE. */
    public static final int UNICODE = 0x00000001;
    /** B: strings are in the OEM code page. */
    public static final int OEM = 0x00000002;
    /** C: the client asks for the TargetName in the CHALLENGE_MESSAGE. */
    public static final int REQUEST_TARGET = 0x00000004;
    /** D: message integrity (signing). */
    public static final int SIGN = 0x00000010;
    /** E: message confidentiality (sealing). */
    public static final int SEAL = 0x00000020;
    /** F: connectionless (datagram) NTLM, not supported here. */
    public static final int DATAGRAM = 0x00000040;
    /** G: LAN Manager session key, superseded by extended session security. */
    public static final int LM_KEY = 0x00000080;
    /** H: NTLM v1 session security (set by all Windows versions). */
    public static final int NTLM = 0x00000200;
    /** J: anonymous connection. */
    public static final int ANONYMOUS = 0x00000800;
    /** K: the NEGOTIATE_MESSAGE carries a domain name. */
    public static final int OEM_DOMAIN_SUPPLIED = 0x00001000;
    /** L: the NEGOTIATE_MESSAGE carries a workstation name. */
    public static final int OEM_WORKSTATION_SUPPLIED = 0x00002000;
    /** M: sign with a dummy signature even when neither side asked for signing. */
    public static final int ALWAYS_SIGN = 0x00008000;
    /** N: TargetName is a domain name. */
    public static final int TARGET_TYPE_DOMAIN = 0x00010000;
    /** O: TargetName is a server name. */
    public static final int TARGET_TYPE_SERVER = 0x00020000;
    /** P: NTLM v2 session security (HMAC-MD5 signatures; "NTLM2" in Samba). */
    public static final int EXTENDED_SESSIONSECURITY = 0x00080000;
    /** Q: identify-level token requested. */
    public static final int IDENTIFY = 0x00100000;
    /** R: LMOWF-based session key requested. */
    public static final int REQUEST_NON_NT_SESSION_KEY = 0x00400000;
    /** S: the CHALLENGE_MESSAGE carries TargetInfo. */
    public static final int TARGET_INFO = 0x00800000;
    /** T: the VERSION field is meaningful. */
    public static final int VERSION = 0x02000000;
    /** U: 128-bit session keys. */
    public static final int NEGOTIATE_128 = 0x20000000;
    /** V: the client sends an EncryptedRandomSessionKey. */
    public static final int KEY_EXCH = 0x40000000;
    /** W: 56-bit session keys. */
    public static final int NEGOTIATE_56 = 0x80000000;

    private static final int[] BITS = {
        UNICODE, OEM, REQUEST_TARGET, SIGN, SEAL, DATAGRAM, LM_KEY, NTLM, ANONYMOUS,
        OEM_DOMAIN_SUPPLIED, OEM_WORKSTATION_SUPPLIED, ALWAYS_SIGN, TARGET_TYPE_DOMAIN,
        TARGET_TYPE_SERVER, EXTENDED_SESSIONSECURITY, IDENTIFY, REQUEST_NON_NT_SESSION_KEY,
        TARGET_INFO, VERSION, NEGOTIATE_128, KEY_EXCH, NEGOTIATE_56
    };
    private static final String[] NAMES = {
        "UNICODE", "OEM", "REQUEST_TARGET", "SIGN", "SEAL", "DATAGRAM", "LM_KEY", "NTLM", "ANONYMOUS",
        "OEM_DOMAIN_SUPPLIED", "OEM_WORKSTATION_SUPPLIED", "ALWAYS_SIGN", "TARGET_TYPE_DOMAIN",
        "TARGET_TYPE_SERVER", "EXTENDED_SESSIONSECURITY", "IDENTIFY", "REQUEST_NON_NT_SESSION_KEY",
        "TARGET_INFO", "VERSION", "128", "KEY_EXCH", "56"
    };

    /** Whether every bit of {@code mask} is set in {@code flags}. */
    public static boolean has(int flags, int mask) {
        return (flags & mask) == mask;
    }

    /** Human-readable rendering for logs, e.g. {@code 0xe2888235[UNICODE|SIGN|...]}. */
    public static String toString(int flags) {
        StringJoiner names = new StringJoiner("|", String.format("0x%08x[", flags), "]");
        int known = 0;
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                names.add(NAMES[i]);
                known |= BITS[i];
            }
        }
        if ((flags & ~known) != 0) {
            names.add(String.format("0x%08x", flags & ~known));
        }
        return names.toString();
    }
}

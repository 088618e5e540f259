package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Published test vectors. Unless noted, they are from [MS-NLMP] section 4.2 (4.2.1 common values,
 * 4.2.4 NTLMv2 authentication, 4.2.4.4 GSS_WrapEx), as printed in the specification and as
 * transcribed in gssntlmssp tests/ntlmssptest.c (T_NTLMv2, T_GSSWRAPEXv2) and impacket
 * tests/SMB_RPC/test_ntlm.py (test_ntlmv2), which agree byte for byte on every value used here.
 */
final class SpecVectors {

    private SpecVectors() {}

    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // 4.2.1 Common Values
    static final String USER = "User";
    static final String DOMAIN = "Domain";
    static final String PASSWORD = "Password";
    static final String SERVER_NAME = "Server";
    static final String WORKSTATION = "COMPUTER";
    static final byte[] RANDOM_SESSION_KEY = hex("55555555555555555555555555555555");
    static final long TIME = 0;
    static final byte[] CLIENT_CHALLENGE = hex("aaaaaaaaaaaaaaaa");
    static final byte[] SERVER_CHALLENGE = hex("0123456789abcdef");
    static final byte[] PLAINTEXT = "Plaintext".getBytes(StandardCharsets.UTF_16LE);

    /** 4.2.2.1.2 NTOWFv1("Password"), i.e. the NT hash. */
    static final byte[] NT_HASH = hex("a4f49c406510bdcab6824ee7c30fd852");

    /**
     * 4.2.4 Challenge flags: KEY_EXCH, 56, 128, VERSION, TARGET_INFO, EXTENDED_SESSIONSECURITY,
     * TARGET_TYPE_SERVER, ALWAYS_SIGN, NTLM, SEAL, SIGN, OEM, UNICODE ("33 82 8a e2").
     */
    static final int CHALLENGE_FLAGS = 0xe28a8233;

    /** 4.2.4 AV pairs in TargetInfo: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server". */
    static final byte[] TARGET_INFO = hex(
            "02000c0044006f006d00610069006e00",
            "01000c00530065007200760065007200",
            "00000000");

    /** 4.2.4.1.1 NTOWFv2(Password, User, Domain). */
    static final byte[] NTOWF_V2 = hex("0c868a403bfd7a93a3001ef22ef02e3f");
    /** 4.2.4.1.2 SessionBaseKey. */
    static final byte[] SESSION_BASE_KEY = hex("8de40ccadbc14a82f15cb0ad0de95ca3");
    /** 4.2.4.1.3 temp: 0101 0000 00000000, Time, ClientChallenge, 00000000, AV pairs, 00000000. */
    static final byte[] TEMP = hex(
            "0101000000000000", "0000000000000000", "aaaaaaaaaaaaaaaa", "00000000",
            "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000");
    /** 4.2.4.2.1 LMv2 Response. */
    static final byte[] LMV2_RESPONSE = hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
    /** 4.2.4.2.2 NTLMv2 Response: NTProofStr (the first 16 bytes; temp follows). */
    static final byte[] NT_PROOF_STR = hex("68cd0ab851e51c96aabc927bebef6a1c");
    /** 4.2.4.2.3 Encrypted Session Key: RC4(KeyExchangeKey = SessionBaseKey, RandomSessionKey). */
    static final byte[] ENCRYPTED_SESSION_KEY = hex("c5dad2544fc9799094ce1ce90bc9d03e");

    /** 4.2.4.3 CHALLENGE_MESSAGE (VERSION 6.0 build 6000, revision 15; TargetName "Server"). */
    static final byte[] CHALLENGE_MESSAGE = hex(
            "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef",
            "00000000000000002400240044000000060070170000000f5300650072007600",
            "6500720002000c0044006f006d00610069006e0001000c005300650072007600",
            "6500720000000000");

    /** 4.2.4.3 AUTHENTICATE_MESSAGE (flags e2888235, VERSION 5.1.2600 r15, no MIC field). */
    static final byte[] AUTHENTICATE_MESSAGE = hex(
            "4e544c4d5353500003000000180018006c00000054005400840000000c000c00",
            "480000000800080054000000100010005c00000010001000d8000000358288e2",
            "0501280a0000000f44006f006d00610069006e00550073006500720043004f00",
            "4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaa",
            "aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000",
            "00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00",
            "01000c005300650072007600650072000000000000000000c5dad2544fc97990",
            "94ce1ce90bc9d03e");

    /** 4.2.4.4 SEALKEY: MD5(RandomSessionKey || client-to-server sealing magic). */
    static final byte[] CLIENT_SEALING_KEY = hex("59f600973cc4960a25480a7c196e4c58");
    /** 4.2.4.4 SIGNKEY: MD5(RandomSessionKey || client-to-server signing magic). */
    static final byte[] CLIENT_SIGNING_KEY = hex("4788dc861b4782f35d43fd98fe1a2d39");
    /** 4.2.4.4 sealed "Plaintext", SeqNum 0. */
    static final byte[] SEALED_DATA = hex("54e50165bf1936dc996020c1811b0f06fb5f");
    /** 4.2.4.4 HMAC_MD5(SigningKey, SeqNum || Message)[0..7], before RC4. */
    static final byte[] CHECKSUM_BEFORE_RC4 = hex("70352851f2564309");
    /** 4.2.4.4 the signature: Version 1, RC4(handle, checksum), SeqNum 0. */
    static final byte[] SEAL_SIGNATURE = hex("010000007fb38ec5c55d497600000000");

    // Chromium net/ntlm/ntlm_test_data.h: vectors produced by Chromium's NTLMv2 client against the
    // 4.2.4.3 CHALLENGE_MESSAGE, with a client timestamp, channel bindings, an SPN and a MIC.
    // The MIC vector is not in MS-NLMP, which has no MIC example.

    /** Chromium kExpectedNegotiateMsg (flags 0x00088207). */
    static final byte[] CHROMIUM_NEGOTIATE = hex(
            "4e544c4d53535000010000000782080000000000200000000000000020000000");
    /** Chromium kExpectedSessionBaseKeyWithClientTimestampV2 (no KEY_EXCH: also the MIC key). */
    static final byte[] CHROMIUM_SESSION_BASE_KEY = hex("623dbd071be7a530b6a95c2eb4982470");
    /** Chromium kExpectedMicV2. */
    static final byte[] CHROMIUM_MIC = hex("f7361633f0ad9bdf4a7c421bc6b824a3");
    /** Chromium kExpectedAuthenticateMsgSpecResponseV2. */
    static final byte[] CHROMIUM_AUTHENTICATE = hex(
            "4e544c4d535350000300000018001800580000008a008a00700000000c000c00",
            "fa0000000800080006010000100010000e010000000000005800000003820800",
            "0000000000000000f7361633f0ad9bdf4a7c421bc6b824a30000000000000000",
            "000000000000000000000000000000008c0260dbef690662af9c42d50782d2ed",
            "0101000000000000800bc8fd00d4d201aaaaaaaaaaaaaaaa0000000002000c00",
            "44006f006d00610069006e0001000c0053006500720076006500720006000400",
            "020000000a0010006586e99d81c2fc984e47172fd4dd03100900160048005400",
            "540050002f00530065007200760065007200000000000000000044006f006d00",
            "610069006e00550073006500720043004f004d0050005500540045005200");
}

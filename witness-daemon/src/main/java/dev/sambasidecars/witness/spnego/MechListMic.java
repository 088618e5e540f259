package dev.sambasidecars.witness.spnego;

import dev.sambasidecars.witness.msnlmp.NegotiateFlags;
import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException;
import dev.sambasidecars.witness.msnlmp.SessionSecurity;

/**
 * The mechListMIC with NTLMSSP (RFC 4178 section 5, MS-SPNG 3.1.5.1): an NTLMSSP message
 * signature (MS-NLMP 3.4.4) over the DER MechTypeList as the initiator sent it, and the reset of
 * the NTLMSSP cipher state once the exchange is over (MS-SPNG 3.3.5.1).
 */
final class MechListMic {

    private MechListMic() {}

    /** True when the mechanism can protect messages, the condition for any mechListMIC. */
    static boolean integrity(int ntlmFlags) {
        return NegotiateFlags.has(ntlmFlags, NegotiateFlags.SIGN);
    }

    static byte[] sign(SessionSecurity security, byte[] mechTypesDer) {
        return security.sign(mechTypesDer);
    }

    static void verify(SessionSecurity security, byte[] mechTypesDer, byte[] mic) throws SpnegoException {
        try {
            security.verify(mechTypesDer, mic);
        } catch (NtlmAuthenticationException e) {
            throw new SpnegoException(SpnegoException.Reason.MIC_MISMATCH,
                    "mechListMIC does not verify: " + e.getMessage(), e);
        }
    }

    /**
     * The end of the negotiation: both RC4 handles start over, so the first application message
     * uses the keystream the mechListMIC used; the sequence numbers go back to 0 only when no
     * mechListMIC was checked (as Samba's gensec_spnego does; with none exchanged nothing was
     * consumed anyway).
     */
    static void reset(SessionSecurity security, int ntlmFlags, boolean micChecked) {
        if (integrity(ntlmFlags)) {
            security.reset(!micChecked);
        }
    }
}

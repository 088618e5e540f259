package dev.sambasidecars.witness.spnego;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * NegTokenResp (RFC 4178 section 4.2.2), every token after the initiator's first. All fields
 * are optional on the wire (Windows and Samba initiators leave negState out); unknown later
 * fields are skipped.
 *
 * @param negState the state, or null when absent
 * @param supportedMech the mechanism the acceptor chose (its first reply only), or null
 * @param responseToken the mechanism's token, or null
 * @param mechListMic the mechListMIC, or null
 */
public record NegTokenResp(NegState negState, Oid supportedMech, byte[] responseToken,
        byte[] mechListMic) implements NegotiationToken {

    @Override
    public byte[] encode() {
        List<byte[]> fields = new ArrayList<>();
        if (negState != null) {
            fields.add(DerWriter.context(0, DerWriter.enumerated(negState.ordinal())));
        }
        if (supportedMech != null) {
            fields.add(DerWriter.context(1, DerWriter.oid(supportedMech)));
        }
        if (responseToken != null) {
            fields.add(DerWriter.context(2, DerWriter.octetString(responseToken)));
        }
        if (mechListMic != null) {
            fields.add(DerWriter.context(3, DerWriter.octetString(mechListMic)));
        }
        return DerWriter.context(1, DerWriter.sequence(fields.toArray(byte[][]::new)));
    }

    /** Decodes a bare token that must be a NegTokenResp. */
    public static NegTokenResp decode(byte[] token) throws SpnegoException {
        if (NegotiationToken.decode(token) instanceof NegTokenResp r) {
            return r;
        }
        throw new SpnegoException(SpnegoException.Reason.UNEXPECTED_TOKEN, "a NegTokenInit where a NegTokenResp belongs");
    }

    /** Decodes the content of the [1] CHOICE alternative. */
    static NegTokenResp decodeChoice(DerReader choice) throws SpnegoException {
        DerReader seq = choice.enter(DerReader.SEQUENCE, "NegTokenResp");
        choice.finish("negTokenResp");
        NegState state = null;
        Oid mech = null;
        byte[] response = null;
        byte[] mic = null;
        int last = -1;
        while (!seq.atEnd()) {
            int n = Fields.nextNumber(seq, last, "NegTokenResp");
            last = n;
            String what = "NegTokenResp[" + n + "]";
            DerReader field = seq.enter(DerReader.context(n), what);
            switch (n) {
                case 0 -> state = NegState.of(field.enumerated("negState"), "negState");
                case 1 -> mech = field.oid("supportedMech");
                case 2 -> response = field.octetString("responseToken");
                case 3 -> mic = field.octetString("mechListMIC");
                default -> field.next(what); // an extension: one element, skipped
            }
            field.finish(what);
        }
        return new NegTokenResp(state, mech, response, mic);
    }

    @Override
    public String toString() {
        return "NegTokenResp[negState=" + negState + ", supportedMech=" + supportedMech + ", responseToken="
                + Fields.size(responseToken) + ", mechListMIC=" + Fields.size(mechListMic) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NegTokenResp t && negState == t.negState && Objects.equals(supportedMech, t.supportedMech)
                && Arrays.equals(responseToken, t.responseToken) && Arrays.equals(mechListMic, t.mechListMic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(negState, supportedMech, Arrays.hashCode(responseToken), Arrays.hashCode(mechListMic));
    }
}

package dev.sambasidecars.witness.spnego;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * NegTokenInit (RFC 4178 section 4.2.1), the initiator's first token, also read in the
 * NegTokenInit2 shape of MS-SPNG 2.2.1 (negHints at [3], mechListMIC moved to [4]), whose hints
 * are checked for form and dropped. Unknown later fields are skipped, as the extension marker
 * of the ASN.1 allows.
 *
 * @param mechTypes mechanisms in the initiator's order of preference; empty only when a
 *     NegTokenInit2 omitted them
 * @param mechTypesDer the MechTypeList exactly as received or sent, SEQUENCE tag included: what
 *     the mechListMIC covers (RFC 4178 section 5); null when absent
 * @param reqFlags ContextFlags with bit n as {@code 1 << n}, or null when absent
 * @param mechToken the optimistic token for the first mechanism, or null
 * @param mechListMic the mechListMIC, or null
 */
public record NegTokenInit(List<Oid> mechTypes, byte[] mechTypesDer, Integer reqFlags,
        byte[] mechToken, byte[] mechListMic) implements NegotiationToken {

    /** Most mechanisms accepted in one list. */
    static final int MAX_MECH_TYPES = 32;

    /** Copies the list and checks that it matches its encoding's presence. */
    public NegTokenInit {
        mechTypes = List.copyOf(mechTypes);
        if (mechTypesDer == null && !mechTypes.isEmpty()) {
            throw new IllegalArgumentException("mechTypes without their encoding");
        }
    }

    /** A NegTokenInit listing {@code mechTypes}, with an optimistic token (or null). */
    public static NegTokenInit of(List<Oid> mechTypes, byte[] mechToken) {
        return new NegTokenInit(mechTypes, encodeMechTypes(mechTypes), null, mechToken, null);
    }

    /** The DER MechTypeList: {@code SEQUENCE OF OBJECT IDENTIFIER}. */
    public static byte[] encodeMechTypes(List<Oid> mechTypes) {
        byte[][] oids = new byte[mechTypes.size()][];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = DerWriter.oid(mechTypes.get(i));
        }
        return DerWriter.sequence(oids);
    }

    @Override
    public byte[] encode() {
        List<byte[]> fields = new ArrayList<>();
        if (mechTypesDer != null) {
            fields.add(DerWriter.context(0, mechTypesDer));
        }
        if (reqFlags != null) {
            fields.add(DerWriter.context(1, DerWriter.bitString(reqFlags)));
        }
        if (mechToken != null) {
            fields.add(DerWriter.context(2, DerWriter.octetString(mechToken)));
        }
        if (mechListMic != null) {
            fields.add(DerWriter.context(3, DerWriter.octetString(mechListMic)));
        }
        return DerWriter.context(0, DerWriter.sequence(fields.toArray(byte[][]::new)));
    }

    /** The initial context token: this token inside the GSS-API framing. */
    public byte[] encodeInitial() {
        return GssFraming.wrap(encode());
    }

    /** Decodes the content of the [0] CHOICE alternative. */
    static NegTokenInit decodeChoice(DerReader choice) throws SpnegoException {
        DerReader seq = choice.enter(DerReader.SEQUENCE, "NegTokenInit");
        choice.finish("negTokenInit");
        List<Oid> mechTypes = List.of();
        byte[] mechTypesDer = null;
        Integer reqFlags = null;
        byte[] mechToken = null;
        byte[] mechListMic = null;
        int last = -1;
        while (!seq.atEnd()) {
            int n = Fields.nextNumber(seq, last, "NegTokenInit");
            last = n;
            String what = "NegTokenInit[" + n + "]";
            DerReader field = seq.enter(DerReader.context(n), what);
            switch (n) {
                case 0 -> {
                    DerReader.Element list = field.next(DerReader.SEQUENCE, "mechTypes");
                    mechTypesDer = list.encoded();
                    mechTypes = decodeMechTypes(field.open(list, "mechTypes"));
                }
                case 1 -> reqFlags = field.bitString("reqFlags");
                case 2 -> mechToken = field.octetString("mechToken");
                case 3 -> {
                    if (field.peekTag() == DerReader.SEQUENCE) {
                        checkHints(field.enter(DerReader.SEQUENCE, "negHints"));
                    } else {
                        mechListMic = field.octetString("mechListMIC");
                    }
                }
                case 4 -> {
                    if (mechListMic != null) {
                        throw SpnegoException.malformed("NegTokenInit with a mechListMIC at [3] and [4]");
                    }
                    mechListMic = field.octetString("mechListMIC");
                }
                default -> field.next(what); // an extension: one element, skipped
            }
            field.finish(what);
        }
        return new NegTokenInit(mechTypes, mechTypesDer, reqFlags, mechToken, mechListMic);
    }

    private static List<Oid> decodeMechTypes(DerReader list) throws SpnegoException {
        List<Oid> oids = new ArrayList<>();
        while (!list.atEnd()) {
            if (oids.size() == MAX_MECH_TYPES) {
                throw SpnegoException.malformed("more than " + MAX_MECH_TYPES + " mechTypes");
            }
            oids.add(list.oid("mechTypes"));
        }
        return oids;
    }

    /** NegHints (MS-SPNG 2.2.1): hintName [0] GeneralString, hintAddress [1] OCTET STRING. */
    private static void checkHints(DerReader hints) throws SpnegoException {
        if (hints.peekTag() == DerReader.context(0)) {
            DerReader name = hints.enter(DerReader.context(0), "negHints.hintName");
            name.generalString("negHints.hintName");
            name.finish("negHints.hintName");
        }
        if (hints.peekTag() == DerReader.context(1)) {
            DerReader address = hints.enter(DerReader.context(1), "negHints.hintAddress");
            address.octetString("negHints.hintAddress");
            address.finish("negHints.hintAddress");
        }
        hints.finish("negHints");
    }

    @Override
    public String toString() {
        return "NegTokenInit[mechTypes=" + mechTypes + ", reqFlags=" + reqFlags + ", mechToken="
                + Fields.size(mechToken) + ", mechListMIC=" + Fields.size(mechListMic) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NegTokenInit t && mechTypes.equals(t.mechTypes)
                && Arrays.equals(mechTypesDer, t.mechTypesDer)
                && Objects.equals(reqFlags, t.reqFlags) && Arrays.equals(mechToken, t.mechToken)
                && Arrays.equals(mechListMic, t.mechListMic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechTypes, reqFlags, Arrays.hashCode(mechToken));
    }
}

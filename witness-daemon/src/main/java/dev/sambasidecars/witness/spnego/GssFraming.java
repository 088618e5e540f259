package dev.sambasidecars.witness.spnego;

/**
 * The mechanism-independent framing of an initial context token (RFC 2743 section 3.1):
 * {@code [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID, innerContextToken ANY }}, with
 * thisMech the SPNEGO OID and the inner token a NegotiationToken.
 */
public final class GssFraming {

    private GssFraming() {}

    /** Frames a bare NegotiationToken as an initial context token. */
    public static byte[] wrap(byte[] negotiationToken) {
        return DerWriter.tlv(DerReader.APPLICATION_0, DerWriter.oid(Oid.SPNEGO), negotiationToken);
    }

    /** Checks the framing and the SPNEGO OID, and returns the inner token's bytes. */
    public static byte[] unwrap(byte[] initialContextToken) throws SpnegoException {
        DerReader top = DerReader.of(initialContextToken);
        DerReader frame = enter(top);
        if (frame.atEnd()) {
            throw SpnegoException.malformed("InitialContextToken without an inner token");
        }
        DerReader.Element inner = frame.next("InitialContextToken.innerContextToken");
        frame.finish("InitialContextToken");
        top.finish("InitialContextToken");
        return inner.encoded();
    }

    /** Enters the framing and checks thisMech; the reader is left at the inner token. */
    static DerReader enter(DerReader r) throws SpnegoException {
        DerReader frame = r.enter(DerReader.APPLICATION_0, "InitialContextToken");
        Oid mech = frame.oid("InitialContextToken.thisMech");
        if (!mech.equals(Oid.SPNEGO)) {
            throw SpnegoException.malformed("InitialContextToken for mechanism " + mech + ", not SPNEGO");
        }
        return frame;
    }
}

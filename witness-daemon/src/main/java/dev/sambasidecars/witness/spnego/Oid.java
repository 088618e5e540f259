package dev.sambasidecars.witness.spnego;

import java.io.ByteArrayOutputStream;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OBJECT IDENTIFIER in dotted form (X.690 8.19), with the mechanisms SPNEGO meets on the
 * wire. Arcs are limited to what fits in a long; the encoding to {@link #MAX_CONTENT} octets.
 *
 * @param value the dotted form, e.g. {@code 1.3.6.1.5.5.2}
 */
public record Oid(String value) {

    /** Longest OID content accepted (real mechanism OIDs have 6 to 10 octets). */
    static final int MAX_CONTENT = 64;

    private static final Pattern DOTTED = Pattern.compile("[0-2](\\.(0|[1-9][0-9]{0,18}))+");

    /** SPNEGO itself (RFC 4178 section 3), the GSS framing's thisMech. */
    public static final Oid SPNEGO = new Oid("1.3.6.1.5.5.2");
    /** NTLMSSP as Windows and Samba register it (MS-SPNG 1.9). */
    public static final Oid NTLMSSP = new Oid("1.3.6.1.4.1.311.2.2.10");
    /** Kerberos V5 (RFC 4121). */
    public static final Oid KERBEROS = new Oid("1.2.840.113554.1.2.2");
    /** The Kerberos OID with the truncated arc Windows 2000 sent (MS-SPNG 3.3.5.2). */
    public static final Oid MS_KERBEROS = new Oid("1.2.840.48018.1.2.2");
    /** NegoEx (MS-NEGOEX). */
    public static final Oid NEGOEX = new Oid("1.3.6.1.4.1.311.2.2.30");

    /** Checks the dotted form. */
    public Oid {
        Objects.requireNonNull(value, "value");
        if (!DOTTED.matcher(value).matches()) {
            throw new IllegalArgumentException("not a dotted OID: " + value);
        }
        String[] arcs = value.split("\\.");
        try {
            for (String arc : arcs) {
                Long.parseLong(arc);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("OID arc beyond 2^63-1: " + value);
        }
        long top = Long.parseLong(arcs[0]);
        long second = Long.parseLong(arcs[1]);
        if (top < 2 && second >= 40 || second > Long.MAX_VALUE - 80) {
            throw new IllegalArgumentException("second arc out of range under " + top + ": " + value);
        }
    }

    /** The content octets of the DER encoding (without tag and length). */
    byte[] encodeContent() {
        String[] arcs = value.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeArc(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeArc(out, Long.parseLong(arcs[i]));
        }
        return out.toByteArray();
    }

    private static void writeArc(ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int g = groups - 1; g >= 0; g--) {
            int bits = (int) (arc >>> (7 * g)) & 0x7f;
            out.write(g == 0 ? bits : bits | 0x80);
        }
    }

    /** Decodes content octets: base-128 arcs, minimal, complete, each fitting in a long. */
    static Oid decode(byte[] in, int off, int len, String what) throws SpnegoException {
        if (len < 1 || len > MAX_CONTENT) {
            throw SpnegoException.malformed(what + ": OID of " + len + " octets");
        }
        StringBuilder sb = new StringBuilder();
        long arc = 0;
        boolean first = true;
        boolean startOfArc = true;
        for (int i = off; i < off + len; i++) {
            int b = in[i] & 0xff;
            if (startOfArc && b == 0x80) {
                throw SpnegoException.malformed(what + ": OID arc with a leading 0x80 octet");
            }
            if (arc > (Long.MAX_VALUE >>> 7)) {
                throw SpnegoException.malformed(what + ": OID arc too large");
            }
            arc = (arc << 7) | (b & 0x7f);
            startOfArc = (b & 0x80) == 0;
            if (!startOfArc) {
                continue;
            }
            if (first) {
                long top = Math.min(arc / 40, 2);
                sb.append(top).append('.').append(arc - top * 40);
                first = false;
            } else {
                sb.append('.').append(arc);
            }
            arc = 0;
        }
        if (!startOfArc) {
            throw SpnegoException.malformed(what + ": OID ends inside an arc");
        }
        try {
            return new Oid(sb.toString());
        } catch (IllegalArgumentException e) {
            throw SpnegoException.malformed(what + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return value;
    }
}

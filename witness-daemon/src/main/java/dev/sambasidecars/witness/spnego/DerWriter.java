package dev.sambasidecars.witness.spnego;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the DER elements SPNEGO sends (X.690 section 10): definite, minimal lengths; elements
 * are built inside out, each call returning a complete encoding.
 */
final class DerWriter {

    private DerWriter() {}

    /** Tag, minimal definite length, then the concatenated contents. */
    static byte[] tlv(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int n = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | n);
            for (int i = n - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... contents) {
        return tlv(DerReader.SEQUENCE, contents);
    }

    /** An explicitly tagged element [n]. */
    static byte[] context(int n, byte[]... contents) {
        return tlv(DerReader.context(n), contents);
    }

    static byte[] octetString(byte[] value) {
        return tlv(DerReader.OCTET_STRING, value);
    }

    static byte[] oid(Oid oid) {
        return tlv(DerReader.OID, oid.encodeContent());
    }

    static byte[] enumerated(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("ENUMERATED value " + value);
        }
        return tlv(DerReader.ENUMERATED, new byte[] {(byte) value});
    }

    /** Named bits with bit n as {@code 1 << n}; trailing zero bits dropped as DER requires. */
    static byte[] bitString(int flags) {
        if (flags == 0) {
            return tlv(DerReader.BIT_STRING, new byte[] {0});
        }
        int highest = 31 - Integer.numberOfLeadingZeros(flags);
        int octets = highest / 8 + 1;
        byte[] content = new byte[1 + octets];
        content[0] = (byte) (7 - highest % 8);
        for (int i = 0; i <= highest; i++) {
            if ((flags & (1 << i)) != 0) {
                content[1 + i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return tlv(DerReader.BIT_STRING, content);
    }

    static byte[] generalString(String value) {
        return tlv(DerReader.GENERAL_STRING, value.getBytes(StandardCharsets.ISO_8859_1));
    }
}

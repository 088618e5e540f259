package dev.sambasidecars.witness.spnego;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded reader of the small DER subset SPNEGO needs (X.690): single-byte tags only, definite
 * lengths of at most four bytes, every length checked against what remains of the enclosing
 * element, nesting at most {@link #MAX_DEPTH} constructed elements deep, inputs at most
 * {@link #MAX_INPUT} bytes. Every violation is a {@link SpnegoException} with reason MALFORMED;
 * the reader never throws anything unchecked on bad bytes and never recurses on its own.
 *
 * <p>Lengths in long form are accepted even when not minimal (BER leniency costs nothing here:
 * the mechListMIC is computed over the mechTypes bytes exactly as received).
 */
final class DerReader {

    /** Largest token accepted; NTLMSSP tokens are a few hundred bytes. */
    static final int MAX_INPUT = 64 * 1024;
    /** Deepest nesting of constructed elements; SPNEGO itself needs six. */
    static final int MAX_DEPTH = 8;

    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int ENUMERATED = 0x0a;
    static final int GENERAL_STRING = 0x1b;
    static final int SEQUENCE = 0x30;
    static final int APPLICATION_0 = 0x60;

    /** The tag of a constructed context-specific element [n], 0 &lt;= n &lt;= 30. */
    static int context(int n) {
        return 0xa0 | n;
    }

    /** One element: its tag and where its encoding and its content lie in the input. */
    record Element(int tag, byte[] input, int start, int contentStart, int end) {

        int contentLength() {
            return end - contentStart;
        }

        /** A copy of the content octets. */
        byte[] content() {
            return Arrays.copyOfRange(input, contentStart, end);
        }

        /** A copy of the whole encoding: tag, length and content. */
        byte[] encoded() {
            return Arrays.copyOfRange(input, start, end);
        }
    }

    private final byte[] in;
    private final int end;
    private final int depth;
    private int pos;

    private DerReader(byte[] in, int from, int end, int depth) {
        this.in = in;
        this.pos = from;
        this.end = end;
        this.depth = depth;
    }

    /** A reader over a whole token. */
    static DerReader of(byte[] input) throws SpnegoException {
        Objects.requireNonNull(input, "input");
        if (input.length == 0) {
            throw SpnegoException.malformed("empty token");
        }
        if (input.length > MAX_INPUT) {
            throw SpnegoException.malformed("token of " + input.length + " bytes, at most " + MAX_INPUT);
        }
        return new DerReader(input, 0, input.length, 0);
    }

    /** True when every element of this level was read. */
    boolean atEnd() {
        return pos >= end;
    }

    /** The tag of the next element, or -1 at the end. */
    int peekTag() {
        return atEnd() ? -1 : in[pos] & 0xff;
    }

    /** Reads the next element, whatever its tag. */
    Element next(String what) throws SpnegoException {
        int start = pos;
        if (atEnd()) {
            throw SpnegoException.malformed(what + ": truncated, no element left");
        }
        int tag = in[pos++] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw SpnegoException.malformed(what + ": multi-byte tag 0x" + Integer.toHexString(tag));
        }
        if (tag == 0) {
            throw SpnegoException.malformed(what + ": end-of-contents tag (indefinite lengths are not DER)");
        }
        long length = length(what);
        int contentStart = pos;
        pos = contentStart + (int) length;
        return new Element(tag, in, start, contentStart, pos);
    }

    private long length(String what) throws SpnegoException {
        if (atEnd()) {
            throw SpnegoException.malformed(what + ": truncated before the length");
        }
        int first = in[pos++] & 0xff;
        long length;
        if (first < 0x80) {
            length = first;
        } else if (first == 0x80) {
            throw SpnegoException.malformed(what + ": indefinite length");
        } else {
            int n = first & 0x7f;
            if (n > 4) {
                throw SpnegoException.malformed(what + ": length of " + n + " octets");
            }
            if (end - pos < n) {
                throw SpnegoException.malformed(what + ": truncated inside the length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (in[pos++] & 0xff);
            }
        }
        if (length > end - pos) {
            throw SpnegoException.malformed(what + ": length " + length + " but only " + (end - pos)
                    + " bytes remain");
        }
        return length;
    }

    /** Reads the next element and requires its tag. */
    Element next(int tag, String what) throws SpnegoException {
        if (atEnd()) {
            throw SpnegoException.malformed(what + ": truncated, expected tag 0x" + Integer.toHexString(tag));
        }
        int got = peekTag();
        if (got != tag) {
            throw SpnegoException.malformed(what + ": tag 0x" + Integer.toHexString(got) + ", expected 0x"
                    + Integer.toHexString(tag));
        }
        return next(what);
    }

    /** Reads a constructed element with this tag and returns a reader over its content. */
    DerReader enter(int tag, String what) throws SpnegoException {
        if ((tag & 0x20) == 0) {
            throw new IllegalArgumentException("not a constructed tag: " + tag);
        }
        return open(next(tag, what), what);
    }

    /** A reader over the content of a constructed element this reader just returned. */
    DerReader open(Element e, String what) throws SpnegoException {
        if ((e.tag() & 0x20) == 0 || e.input() != in) {
            throw new IllegalArgumentException("not a constructed element of this input");
        }
        if (depth + 1 > MAX_DEPTH) {
            throw SpnegoException.malformed(what + ": nested more than " + MAX_DEPTH + " deep");
        }
        return new DerReader(in, e.contentStart(), e.end(), depth + 1);
    }

    /** Requires that nothing follows the last element read at this level. */
    void finish(String what) throws SpnegoException {
        if (!atEnd()) {
            throw SpnegoException.malformed(what + ": " + (end - pos) + " unexpected trailing bytes");
        }
    }

    /** An OCTET STRING's content. */
    byte[] octetString(String what) throws SpnegoException {
        return next(OCTET_STRING, what).content();
    }

    /** An OBJECT IDENTIFIER. */
    Oid oid(String what) throws SpnegoException {
        Element e = next(OID, what);
        return Oid.decode(e.input(), e.contentStart(), e.contentLength(), what);
    }

    /** An ENUMERATED of one content octet, 0 to 127. */
    int enumerated(String what) throws SpnegoException {
        Element e = next(ENUMERATED, what);
        if (e.contentLength() != 1 || (in[e.contentStart()] & 0x80) != 0) {
            throw SpnegoException.malformed(what + ": ENUMERATED outside 0..127 or not one octet");
        }
        return in[e.contentStart()];
    }

    /**
     * A BIT STRING of at most 32 named bits, returned with bit n (counted from the first, most
     * significant, bit as X.680 numbers them) as {@code 1 << n}.
     */
    int bitString(String what) throws SpnegoException {
        Element e = next(BIT_STRING, what);
        int len = e.contentLength();
        if (len < 1 || len > 5) {
            throw SpnegoException.malformed(what + ": BIT STRING of " + len + " octets");
        }
        int unused = in[e.contentStart()] & 0xff;
        if (unused > 7 || (len == 1 && unused != 0)) {
            throw SpnegoException.malformed(what + ": BIT STRING with " + unused + " unused bits");
        }
        int flags = 0;
        for (int i = 0; i < (len - 1) * 8 - unused; i++) {
            int octet = in[e.contentStart() + 1 + i / 8];
            if ((octet & (0x80 >>> (i % 8))) != 0) {
                flags |= 1 << i;
            }
        }
        return flags;
    }

    /** A GeneralString, read as ISO 8859-1 (it only ever carries ASCII in SPNEGO). */
    String generalString(String what) throws SpnegoException {
        return new String(next(GENERAL_STRING, what).content(), StandardCharsets.ISO_8859_1);
    }
}

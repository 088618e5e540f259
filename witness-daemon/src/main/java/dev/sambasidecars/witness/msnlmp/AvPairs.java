package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An AV_PAIR list (MS-NLMP 2.2.2.1): AvId (u16), AvLen (u16), Value, repeated and terminated by
 * MsvAvEOL. Used as CHALLENGE_MESSAGE.TargetInfo and echoed, with additions, inside the NTLMv2
 * response. The EOL pair is implicit: it is not in {@link #pairs()} and {@link #encode()} adds it.
 */
public final class AvPairs {

    /** MsvAvEOL: end of the list. */
    public static final int EOL = 0x0000;
    /** MsvAvNbComputerName: server NetBIOS name, UTF-16LE. */
    public static final int NB_COMPUTER_NAME = 0x0001;
    /** MsvAvNbDomainName: domain NetBIOS name, UTF-16LE. */
    public static final int NB_DOMAIN_NAME = 0x0002;
    /** MsvAvDnsComputerName: server FQDN, UTF-16LE. */
    public static final int DNS_COMPUTER_NAME = 0x0003;
    /** MsvAvDnsDomainName: domain FQDN, UTF-16LE. */
    public static final int DNS_DOMAIN_NAME = 0x0004;
    /** MsvAvDnsTreeName: forest FQDN, UTF-16LE. */
    public static final int DNS_TREE_NAME = 0x0005;
    /** MsvAvFlags: u32 bit field. */
    public static final int FLAGS = 0x0006;
    /** MsvAvTimestamp: FILETIME (u64). */
    public static final int TIMESTAMP = 0x0007;
    /** MsvAvSingleHost: Single_Host_Data. */
    public static final int SINGLE_HOST = 0x0008;
    /** MsvAvTargetName: SPN of the target, UTF-16LE. */
    public static final int TARGET_NAME = 0x0009;
    /** MsvAvChannelBindings: MD5 of gss_channel_bindings_struct. */
    public static final int CHANNEL_BINDINGS = 0x000A;

    /** MsvAvFlags bit 0x2: the AUTHENTICATE_MESSAGE carries a MIC. */
    public static final int FLAG_MIC_PRESENT = 0x00000002;

    /** One AV_PAIR; the value array is defensively copied both ways. */
    public record AvPair(int id, byte[] value) {
        /** Copies the value and checks that it fits AvLen. */
        public AvPair {
            if (id < 0 || id > 0xffff || value.length > 0xffff) {
                throw new IllegalArgumentException("AV_PAIR does not fit the wire format");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    private final List<AvPair> pairs;

    private AvPairs(List<AvPair> pairs) {
        this.pairs = List.copyOf(pairs);
    }

    /** A list from explicit pairs; EOL must not be among them. */
    public static AvPairs of(List<AvPair> pairs) {
        for (AvPair p : pairs) {
            if (p.id() == EOL) {
                throw new IllegalArgumentException("MsvAvEOL is implicit");
            }
        }
        return new AvPairs(pairs);
    }

    /** Convenience pair with a UTF-16LE string value (the encoding of every name AV_PAIR). */
    public static AvPair string(int id, String value) {
        return new AvPair(id, value.getBytes(StandardCharsets.UTF_16LE));
    }

    /** Convenience MsvAvTimestamp pair. */
    public static AvPair timestamp(long filetime) {
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        w.u64(filetime);
        return new AvPair(TIMESTAMP, w.toByteArray());
    }

    /**
     * Decodes pairs from {@code buf[offset, offset+length)} up to MsvAvEOL. A missing EOL, a value
     * running past the region, or a MsvAvFlags/MsvAvTimestamp of the wrong size is malformed.
     * Bytes after EOL are ignored: NTLMv2 responses pad the list with zeros.
     */
    public static AvPairs decode(byte[] buf, int offset, int length) throws NtlmProtocolException {
        if (offset < 0 || length < 0 || (long) offset + length > buf.length) {
            throw new NtlmProtocolException("AV_PAIR region " + offset + "+" + length
                    + " outside buffer of " + buf.length);
        }
        NtlmBuffer in = NtlmBuffer.wrap(buf).position(offset);
        int end = offset + length;
        List<AvPair> out = new ArrayList<>();
        while (true) {
            if (end - in.position() < 4) {
                throw new NtlmProtocolException("AV_PAIR list without MsvAvEOL");
            }
            int id = in.u16();
            int len = in.u16();
            if (id == EOL) {
                return new AvPairs(out);
            }
            if (len > end - in.position()) {
                throw new NtlmProtocolException("AV_PAIR 0x" + Integer.toHexString(id) + " length " + len
                        + " exceeds the " + (end - in.position()) + " bytes left in the list");
            }
            if ((id == FLAGS && len != 4) || (id == TIMESTAMP && len != 8)) {
                throw new NtlmProtocolException("AV_PAIR 0x" + Integer.toHexString(id)
                        + " has length " + len);
            }
            out.add(new AvPair(id, in.bytes(len)));
        }
    }

    /** The pairs in wire order, without the terminating EOL. */
    public List<AvPair> pairs() {
        return pairs;
    }

    /** The value of the first pair with this id. */
    public Optional<byte[]> find(int id) {
        for (AvPair p : pairs) {
            if (p.id() == id) {
                return Optional.of(p.value());
            }
        }
        return Optional.empty();
    }

    /** The MsvAvFlags value, 0 when absent (decode guarantees it is 4 bytes). */
    public int flags() {
        return find(FLAGS).map(v -> NtlmBuffer.getInt(v, 0)).orElse(0);
    }

    /** Whether MsvAvFlags says the AUTHENTICATE_MESSAGE carries a MIC (MS-NLMP 2.2.2.1). */
    public boolean micPresent() {
        return (flags() & FLAG_MIC_PRESENT) != 0;
    }

    /** The wire form, terminated by MsvAvEOL. */
    public byte[] encode() {
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        for (AvPair p : pairs) {
            byte[] v = p.value();
            w.u16(p.id()).u16(v.length).bytes(v);
        }
        w.u16(EOL).u16(0);
        return w.toByteArray();
    }
}

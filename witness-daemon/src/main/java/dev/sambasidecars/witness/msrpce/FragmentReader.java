package dev.sambasidecars.witness.msrpce;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Splits a connection's byte stream into fragments by frag_length, bounded before reading. */
final class FragmentReader {
    private final InputStream in;

    FragmentReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next whole fragment; EOF at a clean end; corrupt or too long otherwise. Returns null when
     * the socket's read timeout passes before a fragment begins (nothing was consumed, the caller
     * may wait again); a timeout inside a fragment is a {@link SocketTimeoutException}.
     */
    byte[] next(int maxFrag) throws IOException, RpcProtocolException {
        byte[] head = new byte[PduHeader.SIZE];
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException idle) {
            return null;
        }
        if (first < 0) {
            throw new EOFException("client closed the connection");
        }
        head[0] = (byte) first;
        int got = 1 + in.readNBytes(head, 1, head.length - 1);
        if (got < head.length) {
            throw new CorruptPduException("connection closed inside a PDU header (" + got + " bytes)");
        }
        int frag = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getShort(PduHeader.FRAG_LENGTH_OFFSET) & 0xffff;
        if (frag > maxFrag) {
            throw new PduTooLongException("fragment", frag, maxFrag);
        }
        if (frag < PduHeader.SIZE) {
            throw new CorruptPduException("frag_length " + frag + " is shorter than the header");
        }
        byte[] pdu = new byte[frag];
        System.arraycopy(head, 0, pdu, 0, head.length);
        int body = in.readNBytes(pdu, head.length, frag - head.length);
        if (body < frag - head.length) {
            throw new CorruptPduException("connection closed inside a PDU: wanted " + (frag - head.length)
                    + " bytes, got " + body);
        }
        return pdu;
    }
}

package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;

/**
 * An unauthenticated association with one presentation context, driven PDU by PDU: enough for
 * stub tests against a real {@link RpcServer} on loopback. Calls may be sent without waiting
 * ({@link #send}) and their answers read later ({@link #read}).
 */
public final class TestSession implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private int callId = 1;

    public TestSession(int port, SyntaxId iface, NdrSyntax syntax) throws IOException, RpcProtocolException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        socket.getOutputStream().write(PduEncoder.bind(PduType.BIND, callId++, 3, 5840, 5840, 0,
                List.of(new Pdu.ContextElement(0, iface, List.of(syntax == NdrSyntax.NDR64 ? SyntaxId.NDR64 : SyntaxId.NDR32))),
                null));
        if (!(read() instanceof Pdu.BindAckPdu)) {
            throw new IOException("bind refused");
        }
    }

    /** Sends a request; returns its call id. */
    public int send(int opnum, byte[] stub) throws IOException {
        int id = callId++;
        socket.getOutputStream().write(PduEncoder.request(id, 3, stub.length, 0, opnum, null, stub, null));
        return id;
    }

    /** Sends a request and reads the next PDU (its response or fault, when nothing else is outstanding). */
    public Pdu call(int opnum, byte[] stub) throws IOException, RpcProtocolException {
        send(opnum, stub);
        return read();
    }

    /** The stub of a response; fails on a fault. */
    public static byte[] stub(Pdu p) {
        if (p instanceof Pdu.FaultPdu f) {
            throw new AssertionError(String.format("fault 0x%08x", f.status()));
        }
        return ((Pdu.ResponsePdu) p).stub();
    }

    public void cancel(int callId) throws IOException {
        socket.getOutputStream().write(PduEncoder.control(PduType.CO_CANCEL, callId));
    }

    public Pdu read() throws IOException, RpcProtocolException {
        byte[] head = new byte[16];
        in.readFully(head);
        byte[] frag = new byte[(head[8] & 0xff) | (head[9] & 0xff) << 8];
        System.arraycopy(head, 0, frag, 0, 16);
        in.readFully(frag, 16, frag.length - 16);
        return PduDecoder.decode(frag);
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

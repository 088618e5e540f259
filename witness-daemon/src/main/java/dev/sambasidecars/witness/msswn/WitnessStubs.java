package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.Deferred;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.util.List;

/**
 * NDR of the Witness operations' parameters (MS-SWN 3.1.4, IDL in its appendix A), both
 * directions, in NDR32 and NDR64: the server reads [in] and writes [out], the client (tests and
 * the load driver) the other way round. GetInterfaceList's are in {@link GetInterfaceList}.
 */
public final class WitnessStubs {
    /** Longest name accepted in a string parameter, in UTF-16 code units with the NUL. */
    static final int MAX_NAME = 1024;

    private WitnessStubs() {}

    /** Register (opnum 1) or RegisterEx (opnum 4) arguments; shareName, flags and timeout only in RegisterEx. */
    public record RegisterArgs(int version, String netName, String shareName, String ipAddress, String clientName,
                               int flags, int timeoutSeconds, boolean ex) {
        public static RegisterArgs register(int version, String netName, String ip, String client) {
            return new RegisterArgs(version, netName, null, ip, client, 0, 0, false);
        }

        public static RegisterArgs registerEx(int version, String netName, String share, String ip, String client,
                                              int flags, int timeoutSeconds) {
            return new RegisterArgs(version, netName, share, ip, client, flags, timeoutSeconds, true);
        }
    }

    /** An AsyncNotify result: the messages (all of one type) or none, and the WERROR. */
    public record NotifyReply(int type, List<Notification> messages, int status) {}

    private static String string(NdrReader r, String what) throws NdrException {
        return r.unique(what, p -> p.conformantVaryingString(what, MAX_NAME));
    }

    private static void string(NdrWriter w, String s) {
        w.unique(s, NdrWriter::conformantVaryingString);
    }

    public static RegisterArgs readRegister(NdrReader r, boolean ex) throws NdrException {
        int version = r.u32("Version");
        String net = string(r, "NetName");
        String share = ex ? string(r, "ShareName") : null;
        String ip = string(r, "IpAddress");
        String client = string(r, "ClientComputerName");
        int flags = ex ? r.u32("Flags") : 0;
        int timeout = ex ? r.u32("KeepAliveTimeout") : 0;
        r.end();
        return new RegisterArgs(version, net, share, ip, client, flags, timeout, ex);
    }

    public static byte[] writeRegister(RegisterArgs a, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax).u32(a.version());
        string(w, a.netName());
        if (a.ex()) {
            string(w, a.shareName());
        }
        string(w, a.ipAddress());
        string(w, a.clientName());
        if (a.ex()) {
            w.u32(a.flags()).u32(a.timeoutSeconds());
        }
        return w.toByteArray();
    }

    /** [out, ref] context handle and the WERROR of Register/RegisterEx. */
    public static byte[] registerReply(ContextHandle handle, int status, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax);
        handle.write(w);
        return w.u32(status).toByteArray();
    }

    /** The single [in] context handle of UnRegister and AsyncNotify. */
    public static ContextHandle readHandle(NdrReader r) throws NdrException {
        ContextHandle h = ContextHandle.read(r);
        r.end();
        return h;
    }

    public static byte[] writeHandle(ContextHandle h, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax);
        h.write(w);
        return w.toByteArray();
    }

    public static byte[] status(int status, NdrSyntax syntax) {
        return new NdrWriter(syntax).u32(status).toByteArray();
    }

    /**
     * AsyncNotify's [out] RESP_ASYNC_NOTIFY** and WERROR: a unique pointer to {MessageType, Length,
     * NumberOfMessages, [size_is(Length), unique] MessageBuffer}, null when there is nothing to say.
     */
    public static byte[] asyncNotifyReply(List<? extends Notification> messages, int status, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax);
        if (messages.isEmpty()) {
            w.pointer(false);
        } else {
            int type = messages.getFirst().type();
            if (messages.stream().anyMatch(m -> m.type() != type)) {
                throw new IllegalArgumentException("one AsyncNotify response carries messages of one type");
            }
            byte[] buffer = Notification.buffer(messages);
            w.unique(buffer, (p, b) -> p.constructed(b, (s, v) -> s.u32(type).u32(v.length).u32(messages.size())
                    .embeddedUnique(v, (q, bytes) -> q.wide(bytes.length).bytes(bytes))));
        }
        return w.align(4).u32(status).toByteArray();
    }

    public static NotifyReply readAsyncNotifyReply(NdrReader r) throws NdrException, WitnessProtocolException {
        record Raw(int type, int length, int count, Deferred<byte[]> buffer) {}
        Raw raw = r.unique("pResponse", p -> p.constructed(s -> new Raw(s.u32("MessageType"), s.u32("Length"),
                s.u32("NumberOfMessages"), s.embeddedUnique("MessageBuffer", q -> {
                    int n = q.count("MessageBuffer size_is", 1 << 20, 1);
                    return q.bytes(n, "MessageBuffer");
                }))));
        r.align(4);
        int status = r.u32("WERROR");
        r.end();
        if (raw == null) {
            return new NotifyReply(0, List.of(), status);
        }
        byte[] buffer = raw.buffer().get() == null ? new byte[0] : raw.buffer().get();
        if (buffer.length != raw.length()) {
            throw new NdrException("MessageBuffer of " + buffer.length + " bytes, Length says " + raw.length());
        }
        return new NotifyReply(raw.type(), Notification.parse(raw.type(), raw.count(), buffer), status);
    }
}

package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.fuzz.FuzzStubs;
import dev.sambasidecars.witness.msnlmp.NtlmException;
import dev.sambasidecars.witness.msnlmp.NtlmFuzzFixtures;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Well-formed client streams and PDUs for the seed corpora of {@link AssociationFuzzTest} and
 * {@link PduFuzzTest}: binds as Windows and Samba send them, calls to the endpoint mapper and the
 * witness interface in NDR32 and NDR64, fragmented requests, and complete NTLMSSP handshakes at
 * connect, integrity and privacy level with signed and sealed requests.
 */
public final class AssociationSeeds {
    private AssociationSeeds() {}

    private static final int BOTH = PduType.FIRST_FRAG | PduType.LAST_FRAG;
    private static final int EPM = 0;
    private static final int WITNESS = 1;
    private static final int AUTH_CONTEXT = 0x4a;
    private static final SyntaxId BIND_TIME_FEATURES =
            new SyntaxId(UUID.fromString("6cb71c2c-9812-4540-0300-000000000000"), 1, 0);

    /** The endpoint mapper as context 0 and the witness interface as context 1, NDR32. */
    public static final List<Pdu.ContextElement> NDR32_CONTEXTS = List.of(
            new Pdu.ContextElement(EPM, EndpointMapper.SYNTAX, List.of(SyntaxId.NDR32)),
            new Pdu.ContextElement(WITNESS, WitnessInterface.SYNTAX, List.of(SyntaxId.NDR32)));

    /** Both offered NDR32 and NDR64 (the server picks NDR64), plus bind time feature negotiation. */
    public static final List<Pdu.ContextElement> NDR64_CONTEXTS = List.of(
            new Pdu.ContextElement(EPM, EndpointMapper.SYNTAX, List.of(SyntaxId.NDR32, SyntaxId.NDR64)),
            new Pdu.ContextElement(WITNESS, WitnessInterface.SYNTAX, List.of(SyntaxId.NDR32, SyntaxId.NDR64)),
            new Pdu.ContextElement(2, WitnessInterface.SYNTAX, List.of(BIND_TIME_FEATURES)));

    public static byte[] bind(List<Pdu.ContextElement> contexts) {
        return PduEncoder.bind(PduType.BIND, 1, BOTH, 5840, 5840, 0, contexts, null);
    }

    private static byte[] request(int callId, int context, int opnum, byte[] stub) {
        return PduEncoder.request(callId, BOTH, stub.length, context, opnum, null, stub, null);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Calls each operation the two interfaces serve, in {@code syntax}. */
    private static byte[] calls(NdrSyntax syntax, int firstCallId) {
        return concat(
                request(firstCallId, EPM, 3, FuzzStubs.eptMap(syntax, WitnessInterface.SYNTAX, true, 4)),
                request(firstCallId + 1, EPM, 3, FuzzStubs.eptMap(syntax, EndpointMapper.SYNTAX, false, 1)),
                request(firstCallId + 2, EPM, 4, FuzzStubs.eptLookupHandleFree()),
                request(firstCallId + 3, WITNESS, 0, new byte[0]));
    }

    /** A request in three fragments. */
    private static byte[] fragmented(int callId) {
        byte[] stub = FuzzStubs.eptMap(NdrSyntax.NDR32, WitnessInterface.SYNTAX, true, 4);
        int a = 24;
        int b = 60;
        return concat(
                PduEncoder.request(callId, PduType.FIRST_FRAG, stub.length, EPM, 3, null,
                        Arrays.copyOfRange(stub, 0, a), null),
                PduEncoder.request(callId, 0, stub.length - a, EPM, 3, null, Arrays.copyOfRange(stub, a, b), null),
                PduEncoder.request(callId, PduType.LAST_FRAG, stub.length - b, EPM, 3, null,
                        Arrays.copyOfRange(stub, b, stub.length), null));
    }

    /** A GetInterfaceList stub followed by a verification trailer (bitmask command, END). */
    private static byte[] withVerificationTrailer() {
        byte[] magic = {(byte) 0x8a, (byte) 0xe3, 0x13, 0x71, 0x02, (byte) 0xf4, 0x36, 0x71};
        byte[] command = {0x01, 0x40, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00};
        return concat(magic, command);
    }

    private static AuthTrailer ntlm(int level, byte[] token) {
        return new AuthTrailer(AuthTrailer.TYPE_NTLMSSP, level, 0, AUTH_CONTEXT, token);
    }

    /** A request signed (integrity) or sealed (privacy) by the client's NTLMSSP session. */
    private static byte[] protectedRequest(NtlmFuzzFixtures.Handshake h, int level, int callId, int context,
                                           int opnum, byte[] stub) {
        byte[] frag = PduEncoder.request(callId, BOTH, stub.length, context, opnum, null, stub,
                ntlm(level, new byte[16]));
        int signed = frag.length - 16;
        byte[] head = Arrays.copyOf(frag, signed);
        byte[] signature = level == AuthTrailer.LEVEL_PRIVACY
                ? h.seal(head, PduHeader.SIZE + 8, signed - AuthTrailer.SIZE - PduHeader.SIZE - 8)
                : h.sign(head);
        System.arraycopy(head, 0, frag, 0, signed);
        System.arraycopy(signature, 0, frag, signed, signature.length);
        return frag;
    }

    /** bind with NEGOTIATE, then auth3 (or alter_context) with AUTHENTICATE, then calls at {@code level}. */
    private static byte[] authenticated(int level, boolean mic, boolean alterContext) throws NtlmException {
        NtlmFuzzFixtures.Handshake h = new NtlmFuzzFixtures.Handshake(mic);
        byte[] bind = PduEncoder.bind(PduType.BIND, 1, BOTH, 5840, 5840, 0, NDR32_CONTEXTS,
                ntlm(level, h.negotiate()));
        byte[] third = alterContext
                ? PduEncoder.bind(PduType.ALTER_CONTEXT, 2, BOTH, 5840, 5840, 0, NDR32_CONTEXTS,
                        ntlm(level, h.authenticate()))
                : PduEncoder.auth3(2, ntlm(level, h.authenticate()));
        if (level >= AuthTrailer.LEVEL_PACKET) {
            byte[] map = protectedRequest(h, level, 3, EPM, 3,
                    FuzzStubs.eptMap(NdrSyntax.NDR32, WitnessInterface.SYNTAX, true, 4));
            // The test client cannot seal an empty stub, so GetInterfaceList is only signed.
            return level == AuthTrailer.LEVEL_PRIVACY ? concat(bind, third, map)
                    : concat(bind, third, map, protectedRequest(h, level, 4, WITNESS, 0, new byte[0]));
        }
        return concat(bind, third, calls(NdrSyntax.NDR32, 3));
    }

    /** Named client streams, one association each. */
    public static Map<String, byte[]> streams() throws NtlmException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("bind-only", bind(NDR32_CONTEXTS));
        s.put("calls-ndr32", concat(bind(NDR32_CONTEXTS), calls(NdrSyntax.NDR32, 2)));
        s.put("calls-ndr64", concat(bind(NDR64_CONTEXTS), calls(NdrSyntax.NDR64, 2)));
        s.put("fragmented-request", concat(bind(NDR32_CONTEXTS), fragmented(2)));
        s.put("object-uuid-and-verification-trailer", concat(bind(NDR32_CONTEXTS),
                PduEncoder.request(2, BOTH, 16, WITNESS, 0, new UUID(1, 2), withVerificationTrailer(), null)));
        s.put("alter-context-and-cancels", concat(bind(NDR32_CONTEXTS),
                PduEncoder.bind(PduType.ALTER_CONTEXT, 2, BOTH, 5840, 5840, 0, NDR64_CONTEXTS, null),
                PduEncoder.request(3, PduType.FIRST_FRAG, 100, EPM, 3, null, new byte[8], null),
                controlPdu(PduType.CO_CANCEL, 3), controlPdu(PduType.ORPHANED, 3),
                calls(NdrSyntax.NDR64, 4)));
        s.put("ntlm-connect-mic", authenticated(AuthTrailer.LEVEL_CONNECT, true, false));
        s.put("ntlm-connect-no-mic", authenticated(AuthTrailer.LEVEL_CONNECT, false, false));
        s.put("ntlm-connect-alter-context", authenticated(AuthTrailer.LEVEL_CONNECT, true, true));
        s.put("ntlm-integrity", authenticated(AuthTrailer.LEVEL_INTEGRITY, false, false));
        s.put("ntlm-packet", authenticated(AuthTrailer.LEVEL_PACKET, true, false));
        s.put("ntlm-privacy", authenticated(AuthTrailer.LEVEL_PRIVACY, true, false));
        s.put("ntlm-privacy-no-mic", authenticated(AuthTrailer.LEVEL_PRIVACY, false, false));
        return s;
    }

    /** co_cancel or orphaned (an auth3's layout, header and four bytes, under another type). */
    private static byte[] controlPdu(int type, int callId) {
        byte[] b = PduEncoder.auth3(callId, null);
        b[2] = (byte) type;
        return b;
    }

    /** Single fragments: every PDU of {@link #streams()} and the answers a server sends. */
    public static Map<String, byte[]> fragments() throws Exception {
        Map<String, byte[]> f = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : streams().entrySet()) {
            FragmentReader r = new FragmentReader(new ByteArrayInputStream(e.getValue()));
            for (int i = 0; ; i++) {
                byte[] frag;
                try {
                    frag = r.next(0xffff);
                } catch (EOFException end) {
                    break;
                }
                if (f.values().stream().noneMatch(v -> Arrays.equals(v, frag))) {
                    f.put(e.getKey() + "-" + i, frag);
                }
            }
        }
        f.put("bind-ack", PduEncoder.bindAck(PduType.BIND_ACK, 1, BOTH, 5840, 5840, 0x1234, "135",
                List.of(new Pdu.ContextResult(Pdu.ContextResult.ACCEPTANCE, 0, SyntaxId.NDR64),
                        new Pdu.ContextResult(Pdu.ContextResult.PROVIDER_REJECTION,
                                Pdu.ContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, SyntaxId.NONE)), null));
        f.put("bind-nak", PduEncoder.bindNak(1, Pdu.BindNakPdu.AUTHENTICATION_TYPE_NOT_RECOGNIZED));
        f.put("response", PduEncoder.response(2, BOTH, 8, 0, new byte[] {1, 2, 3, 4, 0, 0, 0, 0}, null));
        f.put("response-signed", PduEncoder.response(2, BOTH, 4, 0, new byte[] {1, 2, 3, 4},
                ntlm(AuthTrailer.LEVEL_INTEGRITY, new byte[16])));
        f.put("fault", PduEncoder.fault(2, 0, FaultStatus.OP_RANGE_ERROR, true));
        return f;
    }
}

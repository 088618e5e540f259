package dev.sambasidecars.witness.epm;

import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import dev.sambasidecars.witness.msrpce.RpcInterface;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.util.List;
import java.util.UUID;

/**
 * The endpoint mapper (C706 appendix O, interface e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0)
 * for the interfaces this process serves: ept_map answers with a tower naming their TCP port;
 * ept_lookup enumerates them through a lookup handle (see {@link EptLookup}); ept_lookup_handle_free
 * closes one. Registration from outside (ept_insert, ept_delete) is refused, as Samba's is.
 */
public final class EndpointMapper implements RpcInterface {

    public static final SyntaxId SYNTAX = new SyntaxId(UUID.fromString("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0);
    static final int EPT_INSERT = 0;
    static final int EPT_DELETE = 1;
    static final int EPT_LOOKUP = 2;
    static final int EPT_MAP = 3;
    static final int EPT_LOOKUP_HANDLE_FREE = 4;
    /** EPT_S_NOT_REGISTERED: no such interface here. */
    static final int NOT_REGISTERED = 0x16c9a0d6;

    /** One interface this process serves, the TCP port it serves it on, and its annotation (≤ 63 ASCII characters). */
    public record Endpoint(SyntaxId iface, int port, String annotation) {
        public Endpoint {
            if (annotation.length() > 63 || !annotation.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("annotation must be at most 63 printable ASCII characters");
            }
        }

        public Endpoint(SyntaxId iface, int port) {
            this(iface, port, "");
        }
    }

    private final List<Endpoint> endpoints;

    public EndpointMapper(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public int opnumCount() {
        return 7;
    }

    @Override
    public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax) throws NdrException, RpcFaultException {
        return switch (opnum) {
            case EPT_MAP -> map(call, new NdrReader(stub, syntax), syntax);
            case EPT_LOOKUP -> EptLookup.lookup(call, new NdrReader(stub, syntax), syntax, endpoints);
            case EPT_LOOKUP_HANDLE_FREE -> EptLookup.free(call, new NdrReader(stub, syntax), syntax);
            case EPT_INSERT, EPT_DELETE -> throw new RpcFaultException(FaultStatus.ACCESS_DENIED,
                    "endpoints are not registered from outside");
            default -> throw new RpcFaultException(FaultStatus.OP_RANGE_ERROR, "ept operation " + opnum + " not served");
        };
    }

    private byte[] map(CallContext call, NdrReader r, NdrSyntax syntax) throws NdrException {
        if (r.pointer("object")) {
            r.uuid("object");
        }
        Tower wanted = null;
        if (r.pointer("map_tower")) {
            int conformance = r.count("tower conformance", Tower.MAX_BYTES, 1);
            int length = r.u32("tower_length");
            if (length != conformance) {
                throw new NdrException("tower_length " + length + " differs from its conformance " + conformance);
            }
            byte[] octets = r.bytes(length, "tower");
            try {
                wanted = Tower.decode(octets);
            } catch (IllegalArgumentException e) {
                throw new NdrException("bad map_tower: " + e.getMessage());
            }
        }
        r.align(4);
        byte[] handle = r.bytes(20, "entry_handle");
        int maxTowers = r.u32("max_towers");

        Endpoint match = null;
        if (wanted != null) {
            for (Endpoint e : endpoints) {
                if (e.iface().uuid().equals(wanted.iface().uuid()) && e.iface().major() == wanted.iface().major()) {
                    match = e;
                }
            }
        }
        NdrWriter w = new NdrWriter(syntax).bytes(handle);
        int n = match != null && maxTowers > 0 ? 1 : 0;
        // size_is(max_towers): the conformance is what the client asked for, even when fewer come back.
        w.u32(n).wide(Integer.toUnsignedLong(maxTowers)).wide(0).wide(n);
        if (n == 1) {
            byte[] tower = new Tower(match.iface(), wanted.transfer(), match.port(), call.local().getAddress()).encode();
            w.pointer(true).wide(tower.length).u32(tower.length).bytes(tower).align(4);
        }
        return w.u32(n == 1 ? 0 : NOT_REGISTERED).toByteArray();
    }
}

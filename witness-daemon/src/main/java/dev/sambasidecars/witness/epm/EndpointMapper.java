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
    static final int EPT_MAP = EptMap.OPNUM;
    static final int EPT_LOOKUP_HANDLE_FREE = 4;
    /** EPT_S_NOT_REGISTERED: no such interface here. */
    static final int NOT_REGISTERED = EptMap.NOT_REGISTERED;

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
            case EPT_MAP -> map(call, stub, syntax);
            case EPT_LOOKUP -> EptLookup.lookup(call, new NdrReader(stub, syntax), syntax, endpoints);
            case EPT_LOOKUP_HANDLE_FREE -> EptLookup.free(call, new NdrReader(stub, syntax), syntax);
            case EPT_INSERT, EPT_DELETE -> throw new RpcFaultException(FaultStatus.ACCESS_DENIED,
                    "endpoints are not registered from outside");
            default -> throw new RpcFaultException(FaultStatus.OP_RANGE_ERROR, "ept operation " + opnum + " not served");
        };
    }

    private byte[] map(CallContext call, byte[] stub, NdrSyntax syntax) throws NdrException {
        EptMap.Request request = EptMap.decodeRequest(stub, syntax);
        Tower wanted = request.tower();
        Endpoint match = null;
        if (wanted != null) {
            for (Endpoint e : endpoints) {
                if (e.iface().uuid().equals(wanted.iface().uuid()) && e.iface().major() == wanted.iface().major()) {
                    match = e;
                }
            }
        }
        List<Tower> towers = match == null || request.maxTowers() == 0 ? List.of()
                : List.of(new Tower(match.iface(), wanted.transfer(), match.port(), call.local().getAddress()));
        return EptMap.encodeResponse(request.entryHandle(), request.maxTowers(), towers,
                towers.isEmpty() ? NOT_REGISTERED : 0, syntax);
    }
}

package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import dev.sambasidecars.witness.msrpce.RpcInterface;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The Witness interface (MS-SWN, ccd8c074-d0e5-4a40-92b4-d074faa6ba28 v1.1). This version
 * serves GetInterfaceList (opnum 0) from the cluster model; the registration operations come
 * with the witness service itself and fault with OP_RANGE_ERROR until then.
 */
public final class WitnessInterface implements RpcInterface {

    public static final SyntaxId SYNTAX = new SyntaxId(UUID.fromString("ccd8c074-d0e5-4a40-92b4-d074faa6ba28"), 1, 1);

    private final Function<CallContext, List<InterfaceInfo>> interfaces;
    private final int minAuthLevel;

    /**
     * @param interfaces the interface list as seen by the node answering a call
     * @param minAuthLevel the lowest auth level a caller needs (MS-SWN servers require integrity)
     */
    public WitnessInterface(Function<CallContext, List<InterfaceInfo>> interfaces, int minAuthLevel) {
        this.interfaces = interfaces;
        this.minAuthLevel = minAuthLevel;
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public int opnumCount() {
        return 1;
    }

    @Override
    public int minAuthLevel() {
        return minAuthLevel;
    }

    @Override
    public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax) throws NdrException, RpcFaultException {
        if (opnum != 0) {
            throw new RpcFaultException(FaultStatus.OP_RANGE_ERROR, "opnum " + opnum);
        }
        new NdrReader(stub, syntax).end();
        return GetInterfaceList.encodeResponse(interfaces.apply(call), syntax);
    }

    /** MS-SWN's default: integrity or better. */
    public static final int DEFAULT_MIN_AUTH_LEVEL = AuthTrailer.LEVEL_INTEGRITY;
}

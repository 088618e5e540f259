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
import dev.sambasidecars.witness.ndr.NdrWriter;
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
    static final int ERROR_NO_MORE_ITEMS = 0x103;

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
        return getInterfaceList(interfaces.apply(call), syntax);
    }

    /** GetInterfaceList's [out] parameters (MS-SWN 3.1.4.1), ERROR_NO_MORE_ITEMS when empty. */
    static byte[] getInterfaceList(List<InterfaceInfo> list, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax).pointer(true).u32(list.size()).pointer(!list.isEmpty());
        if (!list.isEmpty()) {
            w.wide(list.size());
            for (InterfaceInfo i : list) {
                w.fixedString(i.groupName(), InterfaceInfo.GROUP_NAME_CHARS).u32(i.version()).u16(i.state())
                        .align(4).bytes(i.ipv4()).bytes(i.ipv6()).u32(i.flags());
            }
        }
        return w.align(4).u32(list.isEmpty() ? ERROR_NO_MORE_ITEMS : 0).toByteArray();
    }

    /** MS-SWN's default: integrity or better. */
    public static final int DEFAULT_MIN_AUTH_LEVEL = AuthTrailer.LEVEL_INTEGRITY;
}

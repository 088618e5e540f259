package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import dev.sambasidecars.witness.msrpce.RpcInterface;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.msswn.Registration.Response;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.util.UUID;

/**
 * The Witness interface (MS-SWN, ccd8c074-d0e5-4a40-92b4-d074faa6ba28 v1.1), opnums 0–5:
 * GetInterfaceList from the cluster model, then Register, UnRegister, AsyncNotify, RegisterEx
 * and UnRegisterEx on the {@link WitnessService}.
 */
public final class WitnessInterface implements RpcInterface {

    public static final SyntaxId SYNTAX = new SyntaxId(UUID.fromString("ccd8c074-d0e5-4a40-92b4-d074faa6ba28"), 1, 1);
    public static final int GET_INTERFACE_LIST = 0;
    public static final int REGISTER = 1;
    public static final int UNREGISTER = 2;
    public static final int ASYNC_NOTIFY = 3;
    public static final int REGISTER_EX = 4;
    public static final int UNREGISTER_EX = 5;

    private final InterfaceSource interfaces;
    private final WitnessService service;
    private final int minAuthLevel;

    /**
     * @param interfaces the interface list as seen by the node answering a call (it may wait
     *     while no entry is AVAILABLE, see {@link InterfaceList})
     * @param service the registrations; null serves GetInterfaceList only
     * @param minAuthLevel the lowest auth level a caller needs (MS-SWN servers require integrity)
     */
    public WitnessInterface(InterfaceSource interfaces, WitnessService service,
                            int minAuthLevel) {
        this.interfaces = interfaces;
        this.service = service;
        this.minAuthLevel = minAuthLevel;
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public int opnumCount() {
        return service == null ? 1 : 6;
    }

    @Override
    public int minAuthLevel() {
        return minAuthLevel;
    }

    @Override
    public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax)
            throws NdrException, RpcFaultException, InterruptedException {
        NdrReader r = new NdrReader(stub, syntax);
        return switch (opnum) {
            case GET_INTERFACE_LIST -> {
                r.end();
                yield GetInterfaceList.encodeResponse(interfaces.list(call), syntax);
            }
            case REGISTER, REGISTER_EX -> {
                WitnessService.RegisterResult res = service.register(WitnessStubs.readRegister(r, opnum == REGISTER_EX), call);
                yield WitnessStubs.registerReply(res.handle(), res.status(), syntax);
            }
            case UNREGISTER -> WitnessStubs.status(service.unregister(WitnessStubs.readHandle(r), call), syntax);
            case ASYNC_NOTIFY -> {
                Response res = service.asyncNotify(WitnessStubs.readHandle(r), call);
                yield WitnessStubs.asyncNotifyReply(res.messages(), res.status(), syntax);
            }
            case UNREGISTER_EX -> {
                int status = service.unregister(WitnessStubs.readHandle(r), call);
                NdrWriter w = new NdrWriter(syntax);
                // [in, out] PPCONTEXT_HANDLE: the handle comes back null once the registration is gone.
                ContextHandle.NULL.write(w);
                yield w.u32(status).toByteArray();
            }
            default -> throw new RpcFaultException(FaultStatus.OP_RANGE_ERROR, "opnum " + opnum);
        };
    }

    /** MS-SWN's default: integrity or better. */
    public static final int DEFAULT_MIN_AUTH_LEVEL = AuthTrailer.LEVEL_INTEGRITY;
}

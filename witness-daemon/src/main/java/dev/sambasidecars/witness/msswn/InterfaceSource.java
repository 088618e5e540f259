package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import java.util.List;

/** Where GetInterfaceList's answer comes from; it may wait (MS-SWN 3.1.4.1, see {@link InterfaceList}). */
@FunctionalInterface
public interface InterfaceSource {

    /**
     * The interface list to answer {@code call} with.
     *
     * @throws RpcFaultException when the call is cancelled, orphaned or its connection closes while it waits
     */
    List<InterfaceInfo> list(CallContext call) throws RpcFaultException, InterruptedException;
}

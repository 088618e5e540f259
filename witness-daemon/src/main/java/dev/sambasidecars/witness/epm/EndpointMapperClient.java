package dev.sambasidecars.witness.epm;

import dev.sambasidecars.witness.msrpce.PresentationContext;
import dev.sambasidecars.witness.msrpce.RpcClient;
import dev.sambasidecars.witness.msrpce.RpcClientOptions;
import dev.sambasidecars.witness.msrpce.RpcProtocolException;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Finds the TCP port of an interface through an endpoint mapper with ept_map, as a client does
 * before binding to a dynamic endpoint: an unauthenticated association (the endpoint mapper needs
 * none), the interface asked for in NDR 2.0 over ncacn_ip_tcp, the first tower's port.
 */
public final class EndpointMapperClient {
    private EndpointMapperClient() {}

    /** The interface has no endpoint at that endpoint mapper (EPT_S_NOT_REGISTERED or no tower). */
    public static final class NotRegisteredException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        NotRegisteredException(SyntaxId iface, int status) {
            super(String.format("%s is not registered (status 0x%08x)", iface, status));
            this.status = status;
        }

        /** The ept_map status (EptMap.NOT_REGISTERED usually). */
        public int status() {
            return status;
        }
    }

    /** Connects to the endpoint mapper at {@code epm}, maps {@code iface} and closes again. */
    public static int port(InetSocketAddress epm, SyntaxId iface, RpcClientOptions options) throws IOException,
            RpcProtocolException, InterruptedException, NdrException, NotRegisteredException {
        try (RpcClient client = RpcClient.connect(epm, options)) {
            PresentationContext ctx = client.bind(List.of(PresentationContext.Offer.of(EndpointMapper.SYNTAX,
                    SyntaxId.NDR32))).getFirst();
            return port(client, ctx, iface);
        }
    }

    /** Maps {@code iface} on a context already bound to the endpoint mapper. */
    public static int port(RpcClient client, PresentationContext epm, SyntaxId iface) throws IOException,
            RpcProtocolException, InterruptedException, NdrException, NotRegisteredException {
        EptMap.Response r = map(client, epm, iface, 1);
        if (r.status() != 0 || r.towers().isEmpty()) {
            throw new NotRegisteredException(iface, r.status() != 0 ? r.status() : EptMap.NOT_REGISTERED);
        }
        return r.towers().getFirst().port();
    }

    /** ept_map for {@code iface} in NDR 2.0 with room for {@code maxTowers} towers. */
    public static EptMap.Response map(RpcClient client, PresentationContext epm, SyntaxId iface, int maxTowers)
            throws IOException, RpcProtocolException, InterruptedException, NdrException {
        byte[] stub = EptMap.encodeRequest(iface, SyntaxId.NDR32, maxTowers, epm.ndr());
        return EptMap.decodeResponse(client.call(epm, EptMap.OPNUM, stub), epm.ndr());
    }
}

package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.daemon.DaemonCommand;
import dev.sambasidecars.common.daemon.DaemonContext;
import dev.sambasidecars.common.daemon.StartupException;
import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.msnlmp.CredentialBackend;
import dev.sambasidecars.witness.msnlmp.NtHashFile;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msnlmp.WinbindCredentials;
import java.time.Duration;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.spnego.SpnegoRpcSecurity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;

/** The witness daemon: the DCE/RPC engine with the endpoint mapper and the Witness interface. */
@Command(name = "witness-daemon",
        description = {"Serves the Witness interface (MS-SWN) over DCE/RPC on TCP with NTLMSSP authentication (bare or through SPNEGO), "
                + "and an endpoint mapper through which clients find it. The interface list comes from ctdb-bridge.",
            "Options are read from smb.conf as 'sidecar witness:OPTION' ('sidecarctl config check' lists them)."})
public final class WitnessDaemonMain extends DaemonCommand {

    @Override
    protected String module() {
        return WitnessOptions.MODULE;
    }

    @Override
    protected void start(DaemonContext ctx) throws Exception {
        SidecarConfig cfg = ctx.config();
        String m = WitnessOptions.MODULE;
        CredentialBackend creds;
        if (cfg.get(m, WitnessOptions.CREDENTIALS).equals("winbind")) {
            WinbindCredentials winbind = new WinbindCredentials(cfg.get(m, WitnessOptions.NTLM_AUTH), Duration.ofSeconds(5));
            ctx.lifecycle().onStop("ntlm_auth helper", grace -> winbind.close());
            creds = winbind;
        } else {
            try {
                creds = NtHashFile.load(cfg.get(m, WitnessOptions.SMBPASSWD_FILE));
            } catch (IOException e) {
                throw new StartupException("cannot read the credentials of 'sidecar witness:smbpasswd file' ("
                        + cfg.get(m, WitnessOptions.SMBPASSWD_FILE) + "): " + e.getMessage(), e);
            }
        }
        String name = cfg.get(m, WitnessOptions.NETBIOS_NAME).isEmpty()
                ? InetAddress.getLocalHost().getHostName().split("\\.")[0].toUpperCase(Locale.ROOT)
                : cfg.get(m, WitnessOptions.NETBIOS_NAME);
        NtlmServerConfig ntlm = NtlmServerConfig.of(cfg.get(m, WitnessOptions.WORKGROUP), name, "", name.toLowerCase(Locale.ROOT));

        AtomicReference<ClusterView> cluster = new AtomicReference<>();
        BridgeClient bridge = BridgeClient.connect(ctx.socketDirectory().resolve(BridgeClient.SOCKET_NAME));
        BridgeClient.Watch watch = bridge.watch((update, view) -> cluster.set(view));
        ctx.lifecycle().onStop("ctdb-bridge watch", grace -> {
            watch.close();
            bridge.close();
        });

        var registry = ctx.metrics().registry();
        Counter authFailures = Counter.builder(ctx.metrics().name("auth.failures"))
                .description("refused authentications and protected PDUs").register(registry);
        String address = cfg.get(m, WitnessOptions.LISTEN_ADDRESS);
        int level = switch (cfg.get(m, WitnessOptions.MIN_AUTH_LEVEL)) {
            case "connect" -> AuthTrailer.LEVEL_CONNECT;
            case "privacy" -> AuthTrailer.LEVEL_PRIVACY;
            default -> AuthTrailer.LEVEL_INTEGRITY;
        };
        WitnessInterface witness = new WitnessInterface(call -> ClusterInterfaces.of(cluster.get()), level);
        int port = cfg.get(m, WitnessOptions.PORT);
        RpcServer rpc = serve(ctx, address, port, List.of(witness), creds, ntlm, authFailures);
        Gauge.builder(ctx.metrics().name("associations"), rpc::associations).register(registry);
        int epmPort = cfg.get(m, WitnessOptions.EPM_PORT);
        if (epmPort != 0) {
            serve(ctx, address, epmPort,
                    List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WitnessInterface.SYNTAX, port, "Witness")))),
                    creds, ntlm, authFailures);
        }
    }

    private static RpcServer serve(DaemonContext ctx, String address, int port, List<dev.sambasidecars.witness.msrpce.RpcInterface> ifaces,
                                   CredentialBackend creds, NtlmServerConfig ntlm, Counter authFailures)
            throws StartupException {
        var registry = ctx.metrics().registry();
        try {
            RpcServer s = RpcServer.start(new InetSocketAddress(InetAddress.ofLiteral(address), port), ifaces,
                    ctx.config().get(WitnessOptions.MODULE, WitnessOptions.IDLE_TIMEOUT),
                    status -> Counter.builder(ctx.metrics().name("faults")).description("fault PDUs sent by status")
                            .tag("status", String.format("0x%08x", status)).register(registry).increment(),
                    e -> authFailures.increment())
                    .withSecurity(AuthTrailer.TYPE_NTLMSSP, () -> new NtlmRpcSecurity(ntlm, creds))
                    .withSecurity(AuthTrailer.TYPE_SPNEGO, () -> new SpnegoRpcSecurity(ntlm, creds));
            ctx.lifecycle().onStop("DCE/RPC on port " + port, grace -> s.close());
            return s;
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        System.exit(DaemonCommand.run(new WitnessDaemonMain(), args));
    }
}

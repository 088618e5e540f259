package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.daemon.DaemonCommand;
import dev.sambasidecars.common.daemon.DaemonContext;
import dev.sambasidecars.common.daemon.StartupException;
import dev.sambasidecars.common.tls.TlsFiles;
import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.msnlmp.CredentialBackend;
import dev.sambasidecars.witness.msnlmp.NtHashFile;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msnlmp.WinbindCredentials;
import java.time.Duration;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msswn.InterfaceList;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.msswn.WitnessService;
import dev.sambasidecars.witness.spnego.SpnegoRpcSecurity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** The witness daemon: the DCE/RPC engine with the endpoint mapper and the Witness interface. */
@Command(name = "witness-daemon",
        description = {"Serves the Witness interface (MS-SWN) over DCE/RPC on TCP with NTLMSSP authentication (bare or through SPNEGO), "
                + "and an endpoint mapper through which clients find it. The interface list comes from ctdb-bridge.",
            "Options are read from smb.conf as 'sidecar witness:OPTION' ('sidecarctl config check' lists them)."})
public final class WitnessDaemonMain extends DaemonCommand {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessDaemonMain.class);

    /** Tells both the store and the metrics. */
    private record Listeners(WitnessService.Listener... all) implements WitnessService.Listener {
        @Override
        public void registered(Registration r) {
            for (WitnessService.Listener l : all) {
                l.registered(r);
            }
        }

        @Override
        public void ended(Registration r, String why) {
            for (WitnessService.Listener l : all) {
                l.ended(r, why);
            }
        }

        @Override
        public void sent(Registration r, Registration.Response response) {
            for (WitnessService.Listener l : all) {
                l.sent(r, response);
            }
        }
    }

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

        String host = InetAddress.getLocalHost().getHostName();
        SambaNames samba = SambaNames.read(cfg.smbConf(), host);
        String group = cfg.get(m, WitnessOptions.GROUP_NAME).isEmpty() ? samba.netbiosName() : cfg.get(m, WitnessOptions.GROUP_NAME);
        boolean nodeIps = cfg.get(m, WitnessOptions.INCLUDE_NODE_IPS);

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("witness-timers").factory());
        AtomicReference<ClusterInterfaces> cluster = new AtomicReference<>(ClusterInterfaces.EMPTY);
        InterfaceList interfaces = new InterfaceList();
        AtomicInteger thisPnn = new AtomicInteger(-1);
        RegistrationStore store;
        try {
            store = RegistrationStore.open(cfg.get(m, WitnessOptions.STATE_DIRECTORY), -1, 100);
        } catch (IOException e) {
            throw new StartupException("cannot open the registration store in 'sidecar witness:state directory' ("
                    + cfg.get(m, WitnessOptions.STATE_DIRECTORY) + "): " + e.getMessage(), e);
        }
        WitnessMetrics witnessMetrics = new WitnessMetrics(ctx.metrics());
        WitnessService service = new WitnessService(
                new WitnessService.Settings(samba.netNames(cfg.get(m, WitnessOptions.NET_NAMES)),
                        share -> samba.shares().contains(share.toLowerCase(Locale.ROOT)),
                        cfg.get(m, WitnessOptions.FORCED_UNREGISTER), cfg.get(m, WitnessOptions.UNUSED_TIMEOUT)),
                interfaces::get, new Listeners(store, witnessMetrics), timers);
        store.restored().forEach(service::restore);
        witnessMetrics.bind(service, interfaces, thisPnn::get);
        ClusterNotifier notifier = new ClusterNotifier(service);
        WitnessAdmin admin = new WitnessAdmin(service, cluster::get, thisPnn::get);
        AtomicReference<Map<Integer, InetAddress>> nodes = new AtomicReference<>(Map.of());
        TlsWitnessPeers peers = new TlsWitnessPeers(TlsFiles.of(cfg).directory(), cfg.get(m, WitnessOptions.ADMIN_PORT),
                nodes::get, thisPnn::get);
        ctx.addLocalService(new WitnessAdminService(admin, peers));
        ctx.lifecycle().onStop("cluster-wide operator API", grace -> peers.close());

        BridgeClient bridge = BridgeClient.connect(ctx.socketDirectory().resolve(BridgeClient.SOCKET_NAME));
        BridgeClient.Watch watch = bridge.watch((update, view) -> {
            ClusterInterfaces now = ClusterInterfaces.of(view, group, nodeIps);
            cluster.set(now);
            interfaces.set(now.interfaces());
            thisPnn.set(view.snapshot().getThisPnn());
            Map<Integer, InetAddress> addrs = new java.util.TreeMap<>();
            view.snapshot().getNodesList().stream().filter(n -> !n.getAddress().isEmpty() && !n.getDeleted())
                    .forEach(n -> addrs.put(n.getPnn(), InetAddress.ofLiteral(n.getAddress())));
            nodes.set(Map.copyOf(addrs));
            InetAddress self = addrs.get(view.snapshot().getThisPnn());
            if (self != null) {
                peers.start(self, new WitnessAdminService(admin, WitnessPeers.NONE), ctx.metrics().registry(), m);
            }
            long t = update.hasEvent() && update.getEvent().getTriggerUnixNanos() != 0
                    ? update.getEvent().getTriggerUnixNanos() : 0;
            notifier.apply(now, t == 0 ? Instant.now() : Instant.ofEpochSecond(0, t));
        });
        ctx.lifecycle().onStop("witness service", grace -> {
            watch.close();
            bridge.close();
            timers.shutdownNow();
        });
        LOG.info("witness service for {} (group {}), shares {}", samba.netNames(cfg.get(m, WitnessOptions.NET_NAMES)),
                group, samba.shares());

        var registry = ctx.metrics().registry();
        Counter authFailures = Counter.builder(ctx.metrics().name("auth.failures"))
                .description("refused authentications and protected PDUs").register(registry);
        String address = cfg.get(m, WitnessOptions.LISTEN_ADDRESS);
        int level = switch (cfg.get(m, WitnessOptions.MIN_AUTH_LEVEL)) {
            case "connect" -> AuthTrailer.LEVEL_CONNECT;
            case "privacy" -> AuthTrailer.LEVEL_PRIVACY;
            default -> AuthTrailer.LEVEL_INTEGRITY;
        };
        WitnessInterface witness = new WitnessInterface(interfaces, service, level);
        int port = cfg.get(m, WitnessOptions.PORT);
        RpcServer rpc = serve(ctx, address, port, List.of(witness), creds, ntlm, authFailures);
        Gauge.builder(ctx.metrics().name("associations"), rpc::associations).register(registry);
        int epmPort = cfg.get(m, WitnessOptions.EPM_PORT);
        if (epmPort != 0) {
            serve(ctx, address, epmPort,
                    List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WitnessInterface.SYNTAX, port, "Witness")))),
                    creds, ntlm, authFailures);
        }
        // Stops first (stop actions run in reverse): the connections that close after it must not
        // erase the registrations a restarted daemon should find again.
        ctx.lifecycle().onStop("registration store", grace -> store.close());
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

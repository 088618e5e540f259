package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.msnlmp.NtHashCredentials;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.msswn.WitnessService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * The witness service as the daemon runs it (engine, NTLMSSP, registrations, the cluster-change
 * mapping), with a fixed two-address cluster instead of ctdb-bridge, for the load driver
 * ({@code dev.sambasidecars.witness.load.LoadDriver}) to run in its own JVM. Commands on stdin:
 * {@code move} moves 10.99.0.1 to the other node; {@code stats} prints pending calls and heap
 * after a GC; {@code delays} the server-side event-to-send delays since it was last asked;
 * {@code quit}.
 */
public final class LoadServer {
    static final InetAddress MOVING = InetAddress.ofLiteral("10.99.0.1");
    static final InetAddress STAYING = InetAddress.ofLiteral("10.99.0.2");

    private LoadServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String user = args[1];
        String password = args[2];
        ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
        List<InterfaceInfo> list = List.of(new InterfaceInfo("LOAD", InterfaceInfo.WITNESS_V2, 1, MOVING, false),
                new InterfaceInfo("LOAD", InterfaceInfo.WITNESS_V2, 1, STAYING, false));
        WitnessService service = new WitnessService(new WitnessService.Settings(Set.of("LOAD"), s -> true,
                Duration.ZERO, Duration.ofHours(1)), () -> list, new WitnessService.Listener() {
                    @Override
                    public void sent(Registration r, Registration.Response response) {
                        delays.add(Duration.between(response.origin(), Instant.now()).toNanos());
                    }
                }, Executors.newSingleThreadScheduledExecutor());
        ClusterNotifier notifier = new ClusterNotifier(service);
        int[] owner = {0};
        notifier.apply(new ClusterInterfaces(list, Map.of(MOVING, 0, STAYING, 1)), Instant.now());
        NtlmServerConfig ntlm = NtlmServerConfig.of("LOAD", "LOADNODE", "", "loadnode");
        NtHashCredentials creds = NtHashCredentials.builder().password(user, password).build();
        RpcServer rpc = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                List.of(new WitnessInterface(call -> list, service, AuthTrailer.LEVEL_PRIVACY)), Duration.ofHours(1),
                s -> { }, e -> { })
                .withSecurity(AuthTrailer.TYPE_NTLMSSP, () -> new NtlmRpcSecurity(ntlm, creds));
        System.out.println("ready " + rpc.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.strip()) {
                case "move" -> {
                    owner[0] = 1 - owner[0];
                    long t0 = System.nanoTime();
                    notifier.apply(new ClusterInterfaces(list, Map.of(MOVING, owner[0], STAYING, 1)), Instant.now());
                    System.out.printf("moved %d us%n", (System.nanoTime() - t0) / 1000);
                }
                case "stats" -> {
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    System.out.printf("stats pending=%d registrations=%d associations=%d heapMiB=%d%n",
                            service.pending(), service.registrations().size(), rpc.associations(), heap >> 20);
                }
                case "delays" -> {
                    long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
                    delays.clear();
                    System.out.printf("server-side event-to-send: n=%d p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                            d.length, pct(d, 0.50), pct(d, 0.99), d.length == 0 ? 0.0 : d[d.length - 1] / 1e6);
                }
                case "quit" -> {
                    rpc.close();
                    System.exit(0);
                }
                default -> System.out.println("? " + line);
            }
            System.out.flush();
        }
        System.exit(0);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}

package dev.sambasidecars.witness.load;

import dev.sambasidecars.witness.msnlmp.NtlmClientConfig;
import dev.sambasidecars.witness.msnlmp.NtlmRpcClientSecurity;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.ClientCall;
import dev.sambasidecars.witness.msrpce.PresentationContext;
import dev.sambasidecars.witness.msrpce.RpcClient;
import dev.sambasidecars.witness.msrpce.RpcClientOptions;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.msswn.WitnessStubs;
import dev.sambasidecars.witness.msswn.WitnessVersion;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The witness service under load, the way clients would load it: starts the service
 * ({@code daemon.LoadServer}) in its own JVM with a bounded heap, opens N sealed (privacy) NTLMSSP
 * connections, each with a RegisterEx for the same address and a pending AsyncNotify, then
 * moves that address R times and measures, on the client side, how long each notification took
 * from the move to its arrival; the server reports its heap (after a GC) and its own
 * event-to-send delays.
 *
 * <pre>java -cp … dev.sambasidecars.witness.load.LoadDriver CLIENTS ROUNDS [SERVER_HEAP]</pre>
 */
public final class LoadDriver {
    static final String USER = "load";
    static final String PASSWORD = "Load-Pass1";

    /** One client: its connection, registration handle, and the AsyncNotify it has pending. */
    private record Client(RpcClient rpc, PresentationContext ctx, ContextHandle handle) {
        ClientCall asyncNotify() throws java.io.IOException {
            return rpc.start(ctx, WitnessInterface.ASYNC_NOTIFY, WitnessStubs.writeHandle(handle, ctx.ndr()));
        }
    }

    private LoadDriver() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String heap = args.length > 2 ? args[2] : "512m";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-Xmx" + heap, "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                "dev.sambasidecars.witness.daemon.LoadServer", "0", USER, PASSWORD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
        PrintWriter in = new PrintWriter(server.getOutputStream(), true);
        try {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new IllegalStateException("load server did not start: " + ready);
            }
            int port = Integer.parseInt(ready.substring(6).strip());
            System.out.printf("load: server on port %d with -Xmx%s; opening %d sealed connections%n", port, heap, clients);
            long t0 = System.nanoTime();
            List<Client> all = connect(port, clients);
            System.out.printf("load: %d connections registered in %.1f s%n", all.size(), (System.nanoTime() - t0) / 1e9);
            List<CompletableFuture<Long>> pending = new ArrayList<>();
            for (Client c : all) {
                pending.add(arrival(c.asyncNotify()));
            }
            awaitPending(in, out, clients);
            System.out.println("load: " + stats(in, out) + " (all AsyncNotify calls pending)");
            List<Double> allMs = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long moved = System.nanoTime();
                in.println("move");
                String ack = out.readLine();
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                double[] ms = pending.stream().mapToDouble(f -> (f.join() - moved) / 1e6).sorted().toArray();
                Arrays.stream(ms).forEach(allMs::add);
                in.println("delays");
                String serverSide = out.readLine();
                System.out.printf("load: round %d (%s): %d notifications, all in %.1f ms; client-side p50 %.1f ms, "
                        + "p99 %.1f ms; %s%n", round, ack, ms.length, ms[ms.length - 1], pct(ms, 0.5), pct(ms, 0.99), serverSide);
                if (round == 1) {
                    allMs.clear(); // the first round warms the JIT up: reported above, not counted below
                }
                // The AVAILABLE that follows the UNAVAILABLE is queued: collect it, then wait again.
                List<CompletableFuture<Long>> available = new ArrayList<>();
                for (Client c : all) {
                    available.add(arrival(c.asyncNotify()));
                }
                CompletableFuture.allOf(available.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                in.println("delays"); // the AVAILABLEs waited for their clients: not event-to-send, discarded
                out.readLine();
                pending.clear();
                for (Client c : all) {
                    pending.add(arrival(c.asyncNotify()));
                }
                awaitPending(in, out, clients);
            }
            double[] ms = allMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (ms.length > 0) {
                System.out.printf("load: client-side move-to-arrival over %d notifications (rounds 2-%d): p50 %.1f ms, "
                        + "p99 %.1f ms, max %.1f ms%n", ms.length, rounds, pct(ms, 0.5), pct(ms, 0.99), ms[ms.length - 1]);
            }
            System.out.println("load: " + stats(in, out));
            all.forEach(c -> c.rpc().close());
            in.println("quit");
        } finally {
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    private static CompletableFuture<Long> arrival(ClientCall call) {
        return call.result().thenApply(stub -> System.nanoTime());
    }

    private static List<Client> connect(int port, int n) throws Exception {
        ConcurrentLinkedQueue<Client> out = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        SyntaxId witness = WitnessInterface.SYNTAX;
        RpcClientOptions options = RpcClientOptions.DEFAULT.withCallTimeout(Duration.ofMinutes(30));
        for (int i = 0; i < n; i++) {
            int id = i;
            inFlight.acquire();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    RpcClient rpc = RpcClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), options);
                    PresentationContext ctx = rpc.bind(List.of(PresentationContext.Offer.of(witness, SyntaxId.NDR32)),
                            AuthTrailer.LEVEL_PRIVACY, new NtlmRpcClientSecurity(
                                    NtlmClientConfig.password(USER, "LOAD", PASSWORD).withWorkstation("LOAD" + id)))
                            .getFirst();
                    byte[] reply = rpc.call(ctx, WitnessInterface.REGISTER_EX, WitnessStubs.writeRegister(
                            WitnessStubs.RegisterArgs.registerEx(WitnessVersion.V2, "LOAD", null, "10.99.0.1",
                                    "client-" + id, 0, 0), ctx.ndr()));
                    NdrReader r = new NdrReader(reply, ctx.ndr());
                    ContextHandle h = ContextHandle.read(r);
                    int status = r.u32("WERROR");
                    if (status != 0) {
                        throw new IllegalStateException("RegisterEx failed: " + status);
                    }
                    out.add(new Client(rpc, ctx, h));
                    if (done.incrementAndGet() % 1000 == 0) {
                        System.out.printf("load: %d connected%n", done.get());
                    }
                } catch (Exception e) {
                    failures.add(e);
                } finally {
                    inFlight.release();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " clients failed, first: " + failures.peek(), failures.peek());
        }
        return new ArrayList<>(out);
    }

    private static String stats(PrintWriter in, BufferedReader out) throws java.io.IOException {
        in.println("stats");
        return out.readLine();
    }

    private static void awaitPending(PrintWriter in, BufferedReader out, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String s = stats(in, out);
            if (s.contains("pending=" + n + " ")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all calls pending: " + s);
            }
            Thread.sleep(200);
        }
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
    }
}

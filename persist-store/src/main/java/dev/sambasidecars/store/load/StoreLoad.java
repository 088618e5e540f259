package dev.sambasidecars.store.load;

import com.google.protobuf.ByteString;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.ByteRangeLock;
import dev.sambasidecars.store.v1.FileIdentity;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.Lease;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.StoreGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A write load on persist-store through its local sockets, as smbd would make it: {@code clients}
 * concurrent writers, each updating its own open records one synchronous put at a time (a
 * realistic ~300-byte PersistentOpen: lease, a lock, file identity, path). Measures the rate of
 * acknowledged updates and their latency, and remembers for every key the last acknowledged
 * write and the writes whose outcome is unknown after it, so that a test can check that nothing
 * acknowledged was lost.
 */
public final class StoreLoad {

    /** What a key must hold: its last acknowledged write, or one of the unknown-outcome ones after it. */
    public record KeyState(long acked, List<Long> uncertain) { }

    /** What a run did; {@code measuredFrom}: the wall-clock time its measurement began (after the ramp-up). */
    public record Result(long acked, long failed, double seconds, long[] latencyNanos, long[] slowEndsNanos,
                         Map<ByteString, KeyState> keys, Instant measuredFrom) {
        public double perSecond() {
            return acked / seconds;
        }

        /** The p-th percentile latency in milliseconds. */
        public double percentileMillis(double p) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latencyNanos.length) - 1;
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, i))] / 1e6;
        }

        /**
         * How the writes slower than {@link #SLOW_NANOS} spread over the run: how many there
         * were, in how many of the run's 100 ms windows they ended, and what share of them ended
         * in the 10 windows with most. Most in a few windows: the pipeline stalled now and then;
         * spread over many: the queueing of a busy host.
         */
        public String slowSpread() {
            Map<Long, Integer> byWindow = new java.util.HashMap<>();
            for (long end : slowEndsNanos) {
                byWindow.merge(end / 100_000_000L, 1, Integer::sum);
            }
            int top = byWindow.values().stream().sorted(java.util.Comparator.reverseOrder()).limit(10)
                    .mapToInt(Integer::intValue).sum();
            java.util.List<Long> worst = byWindow.entrySet().stream()
                    .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(5).map(Map.Entry::getKey).toList();
            return String.format("%d writes over %d ms ended in %d of %d 100-ms windows; the 10 fullest hold %.0f%% of them"
                            + " (the 5 fullest start at %s s)", slowEndsNanos.length, SLOW_NANOS / 1_000_000,
                    byWindow.size(), (long) Math.ceil(seconds * 10), slowEndsNanos.length == 0 ? 0.0
                            : 100.0 * top / slowEndsNanos.length,
                    worst.stream().map(w -> String.format("%.1f", w / 10.0)).toList());
        }

        /**
         * {@link #slowSpread} after the UTC time of day the measurement began, so that its windows
         * can be set beside the stores' logs.
         */
        public String slowSpreadSince() {
            return "from " + LocalTime.ofInstant(measuredFrom, ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS) + " UTC: "
                    + slowSpread();
        }

        @Override
        public String toString() {
            return String.format("%d updates acknowledged in %.1f s: %.0f/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
                            + "max %.1f ms; %d failed", acked, seconds, perSecond(), percentileMillis(50),
                    percentileMillis(90), percentileMillis(99), percentileMillis(100), failed);
        }
    }

    /** A write slower than this is counted as slow: the issue's p99 target. */
    public static final long SLOW_NANOS = 10_000_000L;

    private StoreLoad() {
    }

    public static ByteString key(int client, int k) {
        return ByteString.copyFrom("load/" + client + "/" + k, StandardCharsets.UTF_8);
    }

    /** The open a load write puts: {@code sequence} is carried in app_instance_version_low. */
    public static PersistentOpen open(int client, int k, long sequence, int node) {
        ByteBuffer g = ByteBuffer.allocate(16).putInt(client).putInt(k).putLong(0x5A5A5A5A5A5A5A5AL);
        ByteString guid = ByteString.copyFrom(g.array());
        return PersistentOpen.newBuilder()
                .setPersistentFileId(((long) client << 32) | k)
                .setClientGuid(guid).setCreateGuid(guid).setAppInstanceId(guid)
                .setAppInstanceVersionHigh(1).setAppInstanceVersionLow(sequence)
                .setDesiredAccess(0x0012019f).setGrantedAccess(0x0012019f).setShareAccess(7).setCreateOptions(0x40)
                .setCreateDisposition(1).setOplockLevel(0xff)
                .setLease(Lease.newBuilder().setLeaseKey(guid).setState(7).setEpoch((int) sequence).setVersion(2))
                .addLocks(ByteRangeLock.newBuilder().setOffset(sequence * 4096).setLength(4096).setExclusive(true))
                .setChannelSequence((int) (sequence & 0xffff)).setDurableTimeoutMs(60_000).setOwningNode(node)
                .setFile(FileIdentity.newBuilder().setDevice(2049).setInode(1_000_000L + k).setGeneration(1))
                .setShare("vms").setPath("hyperv/vm" + client + "/disk" + k + ".vhdx").setIsPersistent(true)
                .build();
    }

    /** How the load's clients call the store. */
    public enum Api {
        /** A unary Put call per write. */
        UNARY,
        /** One Updates stream per client, a write at a time on it (what an smbd connection would keep open). */
        STREAM
    }

    /** {@link #run(List, int, int, Duration, Api)} with unary calls. */
    public static Result run(List<Path> sockets, int clients, int keysPerClient, Duration duration) throws InterruptedException {
        return run(sockets, clients, keysPerClient, duration, Api.UNARY);
    }

    /**
     * Runs the load for {@code duration}; client {@code i} writes through {@code sockets[i % n]}.
     * Each client is a chain of asynchronous calls (the next put leaves from the previous one's
     * completion, on the channel's event loop), so the driver spends no thread per client.
     */
    public static Result run(List<Path> sockets, int clients, int keysPerClient, Duration duration, Api api)
            throws InterruptedException {
        return run(sockets, clients, keysPerClient, Duration.ZERO, duration, api, 0);
    }

    /**
     * {@link #run(List, int, int, Duration, Api)}, or, for {@code perSecond > 0}, at that offered
     * rate (an open loop): a write is due every {@code 1/perSecond} s whether or not earlier
     * ones have been answered, and goes out on a client that has none outstanding; with all
     * {@code clients} busy it waits in the driver. Its latency counts from when it was due, so
     * a store that falls behind shows it (no coordinated omission). The writes sent in the first
     * {@code rampUp} (the clients' connections and streams opening) are made but not counted: the
     * result's rate and latencies are those of the {@code duration} after it.
     */
    public static Result run(List<Path> sockets, int clients, int keysPerClient, Duration rampUp, Duration duration,
                             Api api, double perSecond) throws InterruptedException {
        List<ManagedChannel> channels = sockets.stream().map(p -> GrpcUnix.channel(p, true)).toList();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failed = new AtomicLong();
        Map<ByteString, KeyState> keys = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(clients);
        ScheduledExecutorService pause = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        AtomicReference<String> problem = new AtomicReference<>();
        Pacer pacer = perSecond > 0 ? new Pacer(perSecond) : null;
        long t0 = System.nanoTime();
        long measureFrom = t0 + rampUp.toNanos();
        Instant measuredFrom = Instant.now().plus(rampUp);
        List<Client> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            StoreGrpc.StoreStub stub = StoreGrpc.newStub(channels.get(c % channels.size()));
            Calls calls = api == Api.STREAM ? new Calls.Streamed(stub) : new Calls.Unary(stub);
            all.add(new Client(c, c % channels.size(), keysPerClient, calls,
                    new Shared(stop, failed, keys, done, pause, problem, pacer, measureFrom)));
        }
        double seconds;
        try {
            if (pacer != null) {
                pacer.start(t0);
            }
            all.forEach(Client::next);
            Thread.sleep(rampUp.plus(duration).toMillis());
            stop.set(true);
            if (pacer != null) {
                pacer.stop();
            }
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(done.getCount() + " clients still waiting 30 s after the end of the load: "
                        + waiting(all, sockets));
            }
            seconds = (System.nanoTime() - measureFrom) / 1e9;
            all.forEach(c -> c.calls.close());
        } finally {
            pause.shutdownNow();
            channels.forEach(ManagedChannel::shutdownNow);
        }
        if (problem.get() != null) {
            throw new IllegalStateException(problem.get());
        }
        long total = all.stream().mapToLong(c -> c.count).sum();
        long[] lat = new long[(int) total];
        int at = 0;
        long slow = all.stream().mapToLong(c -> c.slowCount).sum();
        long[] slowEnds = new long[(int) slow];
        int s = 0;
        for (Client c : all) {
            System.arraycopy(c.latency, 0, lat, at, c.count);
            at += c.count;
            for (int i = 0; i < c.slowCount; i++) {
                slowEnds[s++] = c.slowEnds[i] - measureFrom;
            }
        }
        Arrays.sort(lat);
        return new Result(total, failed.get(), seconds, lat, slowEnds, Map.copyOf(keys), measuredFrom);
    }

    /** Where the clients still waiting for a reply write to, and how many there are for each socket. */
    private static String waiting(List<Client> all, List<Path> sockets) {
        Map<Path, Long> by = new java.util.TreeMap<>();
        for (Client c : all) {
            if (!c.finished) {
                by.merge(sockets.get(c.node), 1L, Long::sum);
            }
        }
        return by.toString();
    }

    /** What every client of a run shares. */
    private record Shared(AtomicBoolean stop, AtomicLong failed, Map<ByteString, KeyState> keys, CountDownLatch done,
                          ScheduledExecutorService pause, AtomicReference<String> problem, Pacer pacer,
                          long measureFrom) { }



    /** One writer: a put at a time, each over its own keys in turn. */
    private static final class Client implements Pacer.Lane {
        private final int client;
        private final int node;
        private final int keysPerClient;
        private final Calls calls;
        private final Shared run;
        private long[] latency = new long[1024];
        private int count;
        /** When each write slower than {@link #SLOW_NANOS} ended (nanoTime). */
        private long[] slowEnds = new long[64];
        private int slowCount;
        private long seq;
        private volatile boolean finished;

        Client(int client, int node, int keysPerClient, Calls calls, Shared run) {
            this.client = client;
            this.node = node;
            this.keysPerClient = keysPerClient;
            this.calls = calls;
            this.run = run;
        }

        void next() {
            if (run.stop().get()) {
                finish();
            } else if (run.pacer() != null) {
                run.pacer().ready(this);
            } else {
                issue(System.nanoTime());
            }
        }

        @Override
        public void finish() {
            finished = true;
            run.done().countDown();
        }

        /** Sends the client's next write, timed from {@code t0} (nanoTime): now, or when it was due. */
        @Override
        public void issue(long t0) {
            int k = (int) (seq % keysPerClient);
            ByteString key = key(client, k);
            long s = ++seq;
            ByteString value = open(client, k, s, node).toByteString();
            calls.put(PutRequest.newBuilder().setKey(key).setValue(value).setCrc32C(RecordCheck.crc32c(value)).build(),
                    (result, e) -> {
                        if (e != null) {
                            if (run.failed().incrementAndGet() <= 3) {
                                System.err.println("put " + key.toStringUtf8() + " failed: " + e);
                            }
                            KeyState before = run.keys().get(key);
                            List<Long> unknown = new ArrayList<>(before == null ? List.of() : before.uncertain());
                            unknown.add(s);
                            run.keys().put(key, new KeyState(before == null ? 0 : before.acked(), List.copyOf(unknown)));
                            run.pause().schedule(this::next, 50, TimeUnit.MILLISECONDS);
                            return;
                        }
                        if (result == null || result.getStatus() != Status.STATUS_OK) {
                            run.problem().compareAndSet(null, "put " + key.toStringUtf8() + ": " + result);
                            run.stop().set(true);
                            finished = true;
                            run.done().countDown();
                            return;
                        }
                        if (count == latency.length) {
                            latency = Arrays.copyOf(latency, count * 2);
                        }
                        long end = System.nanoTime();
                        if (t0 >= run.measureFrom()) {
                            latency[count++] = end - t0;
                            if (end - t0 > SLOW_NANOS) {
                                if (slowCount == slowEnds.length) {
                                    slowEnds = Arrays.copyOf(slowEnds, slowCount * 2);
                                }
                                slowEnds[slowCount++] = end;
                            }
                        }
                        run.keys().put(key, new KeyState(s, List.of()));
                        next();
                    });
        }
    }

    /** Reads every key of a run back through {@code socket}; returns what differs from what must be there. */
    public static List<String> verify(Path socket, Map<ByteString, KeyState> keys) {
        ManagedChannel ch = GrpcUnix.channel(socket);
        List<String> wrong = new ArrayList<>();
        try {
            StoreGrpc.StoreBlockingStub stub = StoreGrpc.newBlockingStub(ch);
            for (Map.Entry<ByteString, KeyState> e : keys.entrySet()) {
                GetReply r = getRetrying(stub, e.getKey());
                KeyState want = e.getValue();
                long got;
                try {
                    got = r.getFound() ? PersistentOpen.parseFrom(r.getRecord().getValue()).getAppInstanceVersionLow() : 0;
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    wrong.add(e.getKey().toStringUtf8() + ": unreadable record");
                    continue;
                }
                if (got != want.acked() && !want.uncertain().contains(got)) {
                    wrong.add(e.getKey().toStringUtf8() + ": holds write " + got + ", last acknowledged " + want.acked()
                            + (want.uncertain().isEmpty() ? "" : ", unknown outcome " + want.uncertain()));
                }
            }
        } finally {
            ch.shutdownNow();
        }
        return wrong;
    }

    /**
     * A read that is retried for up to a minute while its shard answers UNAVAILABLE: a replica
     * catching up after a restart is a question of availability, which verify does not judge.
     */
    private static GetReply getRetrying(StoreGrpc.StoreBlockingStub stub, ByteString key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return stub.withDeadlineAfter(30, TimeUnit.SECONDS).get(GetRequest.newBuilder().setKey(key).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * {@code StoreLoad [--api=unary|stream] [--warmup=SECONDS] [--rate=PER_SECOND] SECONDS CLIENTS KEYS SOCKET...}:
     * prints the rate and latencies. A warm-up runs the same load first, unmeasured, so this
     * JVM's own compilation stays out of the figures.
     */
    public static void main(String[] args) throws Exception {
        Api api = Api.UNARY;
        long warmup = 0;
        double rate = 0;
        while (args.length > 0 && args[0].startsWith("--")) {
            if (args[0].startsWith("--api=")) {
                api = Api.valueOf(args[0].substring(6).toUpperCase(java.util.Locale.ROOT));
            } else if (args[0].startsWith("--warmup=")) {
                warmup = Long.parseLong(args[0].substring(9));
            } else if (args[0].startsWith("--rate=")) {
                rate = Double.parseDouble(args[0].substring(7));
            } else {
                break;
            }
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 4) {
            System.err.println("usage: StoreLoad [--api=unary|stream] [--warmup=SECONDS] [--rate=PER_SECOND] SECONDS CLIENTS "
                    + "KEYS_PER_CLIENT SOCKET...  (--rate: that many writes offered per second, CLIENTS at most outstanding)");
            System.exit(2);
        }
        List<Path> sockets = Arrays.stream(args, 3, args.length).map(Path::of).toList();
        int clients = Integer.parseInt(args[1]);
        int keys = Integer.parseInt(args[2]);
        if (warmup > 0) {
            System.out.println("warm-up: " + run(sockets, clients, keys, Duration.ZERO, Duration.ofSeconds(warmup), api, rate));
        }
        System.out.println(run(sockets, clients, keys, Duration.ofSeconds(1), Duration.ofSeconds(Long.parseLong(args[0])),
                api, rate));
    }
}

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
import dev.sambasidecars.store.v1.UpdateResult;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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

    /** What a run did. */
    public record Result(long acked, long failed, double seconds, long[] latencyNanos, Map<ByteString, KeyState> keys) {
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

        @Override
        public String toString() {
            return String.format("%d updates acknowledged in %.1f s: %.0f/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
                            + "max %.1f ms; %d failed", acked, seconds, perSecond(), percentileMillis(50),
                    percentileMillis(90), percentileMillis(99), percentileMillis(100), failed);
        }
    }

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

    /**
     * Runs the load for {@code duration}; client {@code i} writes through {@code sockets[i % n]}.
     */
    public static Result run(List<Path> sockets, int clients, int keysPerClient, Duration duration) throws InterruptedException {
        List<ManagedChannel> channels = sockets.stream().map(GrpcUnix::channel).toList();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failed = new AtomicLong();
        Map<ByteString, KeyState> keys = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[] lat = new long[1 << 20];
            int[] n = new int[1];
            latencies.add(lat);
            counts.add(n);
            StoreGrpc.StoreBlockingStub stub = StoreGrpc.newBlockingStub(channels.get(c % channels.size()));
            int node = c % channels.size();
            threads.add(Thread.ofVirtual().name("load-" + c).start(() -> {
                long seq = 0;
                while (!stop.get()) {
                    int k = (int) (seq % keysPerClient);
                    ByteString key = key(client, k);
                    long s = ++seq;
                    ByteString value = open(client, k, s, node).toByteString();
                    long t0 = System.nanoTime();
                    try {
                        UpdateResult r = stub.withDeadlineAfter(15, TimeUnit.SECONDS).put(PutRequest.newBuilder()
                                .setKey(key).setValue(value).setCrc32C(RecordCheck.crc32c(value)).build());
                        if (r.getStatus() != Status.STATUS_OK) {
                            throw new IllegalStateException("put " + key.toStringUtf8() + ": " + r);
                        }
                        long dt = System.nanoTime() - t0;
                        if (n[0] < lat.length) {
                            lat[n[0]] = dt;
                        }
                        n[0]++;
                        keys.put(key, new KeyState(s, List.of()));
                    } catch (StatusRuntimeException e) {
                        failed.incrementAndGet();
                        KeyState before = keys.get(key);
                        List<Long> unknown = new ArrayList<>(before == null ? List.of() : before.uncertain());
                        unknown.add(s);
                        keys.put(key, new KeyState(before == null ? 0 : before.acked(), List.copyOf(unknown)));
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }));
        }
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        channels.forEach(ManagedChannel::shutdownNow);
        long total = counts.stream().mapToLong(n -> n[0]).sum();
        long[] all = new long[(int) Math.min(Integer.MAX_VALUE - 8, counts.stream().mapToLong(n -> Math.min(n[0], 1 << 20)).sum())];
        int at = 0;
        for (int i = 0; i < latencies.size(); i++) {
            int len = Math.min(counts.get(i)[0], latencies.get(i).length);
            System.arraycopy(latencies.get(i), 0, all, at, len);
            at += len;
        }
        Arrays.sort(all);
        return new Result(total, failed.get(), seconds, all, Map.copyOf(keys));
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

    /** {@code StoreLoad SECONDS CLIENTS KEYS SOCKET...}: prints the rate and latencies. */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: StoreLoad SECONDS CLIENTS KEYS_PER_CLIENT SOCKET...");
            System.exit(2);
        }
        List<Path> sockets = Arrays.stream(args, 3, args.length).map(Path::of).toList();
        Result r = run(sockets, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[0])));
        System.out.println(r);
    }
}

package dev.sambasidecars.store.raft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Store nodes in this JVM on loopback ports, plaintext: the Raft plumbing without containers. */
final class LocalCluster implements AutoCloseable {

    final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    final List<StoreNode> nodes = new ArrayList<>();
    final Path root;
    final String name;
    final int shards;
    long snapshotEvery = 10_000;

    LocalCluster(Path root, int size, int shards) throws IOException {
        this(root, size, shards, 10_000);
    }

    LocalCluster(Path root, int size, int shards, long snapshotEvery) throws IOException {
        this.root = root;
        this.snapshotEvery = snapshotEvery;
        this.shards = shards;
        this.name = "test-" + System.nanoTime();
        for (int i = 0; i < size; i++) {
            addresses.put(i, freePort());
        }
        for (int i = 0; i < size; i++) {
            nodes.add(start(i));
        }
    }

    private static InetSocketAddress freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    /** A new node joins: it is started knowing every node, and the others are told of it. */
    StoreNode addNode() throws IOException {
        int pnn = nodes.size();
        addresses.put(pnn, freePort());
        nodes.add(start(pnn));
        nodes.forEach(n -> n.members(addresses));
        return nodes.get(pnn);
    }

    StoreConfig config(int pnn) {
        return new StoreConfig(name, pnn, addresses, shards, 3, root.resolve("n" + pnn), null, 64 * 1024,
                Duration.ofSeconds(10), 256, 4, snapshotEvery,
                snapshotEvery < 1000 ? 16 * 1024 : StoreConfig.SEGMENT_BYTES);
    }

    /** Starts a node whose batches for shards led elsewhere go straight to the leading node's object. */
    StoreNode start(int pnn) throws IOException {
        StoreNode n = StoreNode.start(config(pnn));
        n.forwarder((leader, shard, batch, queued) -> {
            var result = leader < nodes.size() ? nodes.get(leader).acceptForwarded(shard, batch) : null;
            if (result == null) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            queued.run();
            return result;
        });
        return n;
    }

    void restart(int pnn) throws IOException {
        nodes.get(pnn).close();
        nodes.set(pnn, start(pnn));
    }

    @Override
    public void close() {
        for (StoreNode n : nodes) {
            try {
                n.close();
            } catch (IOException | RuntimeException e) {
                // closing the rest matters more
            }
        }
    }
}

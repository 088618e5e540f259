package dev.sambasidecars.it;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The demo behind {@code scripts/demo.sh}: a local N-node Samba/CTDB cluster in containers
 * with the sidecars this version has, its status and metrics URLs, removed on Ctrl-C.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        out.printf("demo: starting a %d-node Samba/CTDB cluster (the first run builds its image with "
                + "debootstrap, a minute or two)%n", nodes);
        long t0 = System.nanoTime();
        SambaCluster cluster = SambaCluster.start(ClusterSpec.defaults(nodes));
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("\ndemo: removing the cluster");
            try {
                cluster.close();
            } catch (RuntimeException e) {
                // Testcontainers' own exit hook removes the same containers at the same time.
                out.println("demo: (" + e.getMessage() + ")");
            }
            main.interrupt();
        }));
        out.printf("demo: cluster healthy after %d s%n%n", Duration.ofNanos(System.nanoTime() - t0).toSeconds());

        List<Sidecars.Started> started = Sidecars.startAll(cluster);
        out.println("== ctdb status (node 0)");
        out.println(cluster.describe());
        out.println("== nodes");
        for (int i = 0; i < nodes; i++) {
            out.printf("node %d  %-15s  container %s%n", i, cluster.nodeAddress(i), cluster.containerName(i));
        }
        out.printf("client  %-15s  container %s%n", cluster.clientAddress(), cluster.clientContainerName());
        out.printf("share   //%s/share  user %s  password %s%n%n", cluster.publicIps().getFirst(),
                cluster.spec().user(), cluster.spec().password());

        out.println("== sidecars");
        if (started.isEmpty()) {
            out.println("This version provides no sidecar daemon yet, only sidecarctl "
                    + "(/opt/samba-sidecars/bin/sidecarctl in every container).");
        } else {
            Sidecars.byNode(started).forEach((pnn, list) -> list.forEach(s ->
                    out.printf("node %d  %-18s %s%n", pnn, s.launcher(), s.metricsUrl())));
            if (started.stream().anyMatch(s -> s.launcher().equals("ctdb-bridge"))) {
                SambaCluster.awaitCondition("ctdb-bridge on node 0", Duration.ofSeconds(60), () -> cluster.exec(0,
                        "/opt/samba-sidecars/bin/sidecarctl cluster status >/dev/null 2>&1").ok());
                out.println("\n== sidecarctl cluster status (node 0)");
                out.println(cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl cluster status").stdout());
                out.println("Watch it live:  docker exec -it " + cluster.containerName(0)
                        + " /opt/samba-sidecars/bin/sidecarctl cluster watch");
                out.println("and move an address from another shell:  docker exec " + cluster.containerName(0)
                        + " ctdb disable   (then: ctdb enable)");
            }
        }
        if (started.stream().anyMatch(s -> s.launcher().equals("persist-store"))) {
            Sidecars.awaitStoreLeaders(cluster);
            cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl store put demo-open --json "
                    + "'{\"persistentFileId\":\"1\",\"owningNode\":0,\"share\":\"share\",\"path\":\"demo.vhdx\"}'").orThrow();
            out.println("\n== sidecarctl store get demo-open (node 2, written on node 0)");
            out.println(cluster.exec(Math.min(2, nodes - 1), "/opt/samba-sidecars/bin/sidecarctl store get demo-open").stdout());
            out.println("== sidecarctl store stat (node 0)");
            out.println(cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl store stat").stdout());
        }
        out.println();
        out.println("== sidecarctl status (node 0)");
        out.println(cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl status").stdout());
        out.println("Try:  docker exec -it " + cluster.containerName(0) + " ctdb status");
        out.println("      docker exec -it " + cluster.clientContainerName() + " smbclient //"
                + cluster.publicIps().getFirst() + "/share -U " + cluster.spec().user() + "%" + cluster.spec().password());
        out.println("\nCtrl-C stops the demo and removes the cluster.");
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }
}

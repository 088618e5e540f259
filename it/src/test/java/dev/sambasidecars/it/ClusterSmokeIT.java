package dev.sambasidecars.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The harness itself on a real cluster: a file written through a public IP is read back through
 * the same IP after CTDB has moved that IP to another node.
 */
@SambaClusterTest(nodes = 3)
class ClusterSmokeIT {

    @Test
    void fileWrittenThroughPublicIpIsReadBackAfterTheIpMoves(SambaCluster cluster) throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(60));
        String ip = cluster.publicIps().getFirst();
        int owner = cluster.publicIpOwners().get(ip);
        assertTrue(owner >= 0, ip + " has an owner");
        String content = "written through " + ip + " on node " + owner + " " + UUID.randomUUID();
        String smb = "smbclient //" + ip + "/share -U " + cluster.spec().user() + "%" + cluster.spec().password();

        cluster.onClient("printf '%s' '" + content + "' > /tmp/out.txt").orThrow();
        cluster.onClient(smb + " -c 'put /tmp/out.txt smoke.txt'").orThrow();

        cluster.disable(owner);
        try {
            SambaCluster.awaitCondition(ip + " leaves node " + owner, Duration.ofSeconds(30), () -> {
                Integer now = cluster.publicIpOwners().get(ip);
                return now != null && now >= 0 && now != owner;
            });
            Map<String, Integer> owners = cluster.publicIpOwners();
            int newOwner = owners.get(ip);
            assertTrue(newOwner != owner && newOwner >= 0, "moved to another node: " + owners);
            // The old owner no longer has the address on its interface; the new one does.
            assertTrue(!cluster.exec(owner, "ip -o addr show dev eth0").stdout().contains(" " + ip + "/"),
                    "node " + owner + " released " + ip);
            assertTrue(cluster.exec(newOwner, "ip -o addr show dev eth0").stdout().contains(" " + ip + "/"),
                    "node " + newOwner + " took " + ip);

            cluster.onClient(smb + " -c 'get smoke.txt /tmp/in.txt'").orThrow();
            assertEquals(content, cluster.onClient("cat /tmp/in.txt").orThrow().stdout());
        } finally {
            cluster.enable(owner);
        }
        cluster.awaitHealthy(Duration.ofSeconds(60));
    }
}

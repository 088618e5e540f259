package dev.sambasidecars.it;

import java.nio.file.Path;

/**
 * How to build a test cluster.
 *
 * @param nodes number of Samba/CTDB nodes
 * @param dist the samba-sidecars distribution mounted read-only at {@code /opt/samba-sidecars}
 * @param jdk a Java 25 runtime mounted read-only at {@code /opt/jdk}
 * @param netbiosName the cluster's NetBIOS name (same on every node)
 * @param user the test user smbd authenticates
 * @param password its password
 */
public record ClusterSpec(int nodes, Path dist, Path jdk, String netbiosName, String user, String password) {

    public ClusterSpec {
        if (nodes < 1 || nodes > 8) {
            throw new IllegalArgumentException("1 to 8 nodes, not " + nodes);
        }
    }

    /** {@code nodes} nodes, the dist from {@code -Dsidecars.dist} (or the build tree), this JVM's runtime. */
    public static ClusterSpec defaults(int nodes) {
        String dist = System.getProperty("sidecars.dist", "packaging/target/dist");
        return new ClusterSpec(nodes, Path.of(dist).toAbsolutePath().normalize(),
                Path.of(System.getProperty("java.home")), "SIDECARS", "sidecar", "Sidecar-Pass1");
    }
}

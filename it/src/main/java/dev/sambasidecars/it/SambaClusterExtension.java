package dev.sambasidecars.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Starts one {@link SambaCluster} per test class, injects it, attaches every node's logs to a
 * failing test's report (and copies them under {@code -Dsidecars.logs}), and removes the
 * cluster after the class.
 */
public final class SambaClusterExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(SambaClusterExtension.class);
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SambaClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestAbortedException("needs a Docker engine to run a Samba/CTDB cluster, and none answers "
                    + "(scripts/ensure-docker.sh starts one)");
        }
        int nodes = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SambaClusterTest.class)
                .map(SambaClusterTest::nodes).orElse(3);
        long t0 = System.nanoTime();
        SambaCluster cluster = SambaCluster.start(ClusterSpec.defaults(nodes));
        LOG.info("{}: {}-node cluster up in {} s", context.getDisplayName(), nodes,
                Duration.ofNanos(System.nanoTime() - t0).toSeconds());
        // The store closes AutoCloseable values when the class is done: that removes the cluster.
        context.getStore(NS).put("cluster", cluster);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SambaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return cluster(e);
    }

    private static SambaCluster cluster(ExtensionContext e) {
        SambaCluster c = e.getStore(NS).get("cluster", SambaCluster.class);
        if (c == null) {
            throw new IllegalStateException("no cluster: is the class annotated @SambaClusterTest?");
        }
        return c;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        SambaCluster c = context.getStore(NS).get("cluster", SambaCluster.class);
        if (c == null) {
            return;
        }
        Path dir = Path.of(System.getProperty("sidecars.logs", "target/cluster-logs"),
                context.getRequiredTestClass().getSimpleName(), context.getRequiredTestMethod().getName());
        try {
            List<Path> logs = c.collectLogs(dir);
            for (Path log : logs) {
                context.publishReportEntry(log.getFileName().toString(), log.toAbsolutePath().toString());
                List<String> lines = java.nio.file.Files.readAllLines(log);
                System.err.println("==== " + log.getFileName() + " (last 40 lines; full log " + log + ")");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
            }
            System.err.println("==== cluster state\n" + c.describe());
        } catch (Exception | AssertionError e) {
            System.err.println("could not collect cluster logs: " + e);
        }
    }
}

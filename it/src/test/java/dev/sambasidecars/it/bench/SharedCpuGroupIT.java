package dev.sambasidecars.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' shared CPU group, with a stand-in for a container: a cpu and a cpuacct group
 * of the same name (as Docker makes them) holding a {@code sleep}. Needs root and the cgroup v1
 * cpu hierarchy; skipped where either is missing.
 */
class SharedCpuGroupIT {

    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final Path CPUACCT = Path.of("/sys/fs/cgroup/cpuacct");

    private final String name = "sidecars-test-node-" + ProcessHandle.current().pid();
    private Path nodeCpu;
    private Path nodeAcct;
    private String selfWas;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void nodeGroup() throws IOException {
        assumeTrue(Files.isWritable(CPU.resolve("cgroup.procs")) && Files.isWritable(CPUACCT.resolve("cgroup.procs")),
                "needs root and the cgroup v1 cpu and cpuacct hierarchies");
        nodeCpu = Files.createDirectories(CPU.resolve(name));
        nodeAcct = Files.createDirectories(CPUACCT.resolve(name));
        selfWas = groupOf(ProcessHandle.current().pid(), "cpu");
    }

    @AfterEach
    void removeNodeGroup() throws Exception {
        if (nodeCpu == null) {
            return;
        }
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(nodeCpu);
        Files.deleteIfExists(nodeAcct);
    }

    @Test
    void takesInANodesProcessesAndLaterOnesAndGivesThemBack() throws Exception {
        Process first = inNode();
        try (SharedCpuGroup shared = SharedCpuGroup.create()) {
            String group = groupOf(ProcessHandle.current().pid(), "cpu");
            assertEquals("/sidecars-bench-" + ProcessHandle.current().pid(), group, "this JVM moves in at once");
            shared.addNodes(List.of(first.pid()));
            assertEquals(group, groupOf(first.pid(), "cpu"), "a node's process moves in when its node is added");

            Process later = inNode(); // as a docker exec starts in its container's group
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!groupOf(later.pid(), "cpu").equals(group) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(group, groupOf(later.pid(), "cpu"), "a process started in the node's group later is moved too");
            assertEquals("/" + name, groupOf(later.pid(), "cpuacct"), "its other groups stay where they were");

            shared.close();
            assertEquals("/" + name, groupOf(first.pid(), "cpu"), "closing sends a node's process back to its node's group");
            assertEquals("/" + name, groupOf(later.pid(), "cpu"));
            assertEquals(selfWas, groupOf(ProcessHandle.current().pid(), "cpu"), "and this JVM back to where it was");
            assertFalse(Files.exists(CPU.resolve(group.substring(1))), "and removes the group");
        }
    }

    /** A {@code sleep} placed in the stand-in node's cpu and cpuacct groups. */
    private Process inNode() throws IOException {
        Process p = new ProcessBuilder("sleep", "120").start();
        started.add(p);
        Files.writeString(nodeCpu.resolve("cgroup.procs"), Long.toString(p.pid()));
        Files.writeString(nodeAcct.resolve("cgroup.procs"), Long.toString(p.pid()));
        return p;
    }

    private static String groupOf(long pid, String hierarchy) throws IOException {
        return Cgroups.v1Path(pid, hierarchy).orElseThrow(() -> new IOException("process " + pid + " is in no " + hierarchy + " group"));
    }
}

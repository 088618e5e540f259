package dev.sambasidecars.it.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.SambaClusterTest;
import dev.sambasidecars.it.Sidecars;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Witness service on a real cluster, driven by Debian's rpcclient from the client
 * container: RegisterEx then AsyncNotify held open while CTDB moves the registered address away
 * ({@code ctdb disable} on its node), keep-alive timeouts, and the spec's errors.
 */
@SambaClusterTest(nodes = 3)
class WitnessServiceIT {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessServiceIT.class);

    /**
     * An interactive rpcclient session fed through a FIFO: RegisterEx with the given options,
     * then AsyncNotify on the handle it printed; output in {@code /tmp/<name>.out}, the handle seen
     * in {@code /tmp/<name>.handle}.
     */
    private static final String SESSION = """
            cat > /tmp/witness-session.sh <<'EOS'
            #!/bin/sh
            name=$1; binding=$2; user=$3; shift 3
            rm -f /tmp/$name.in /tmp/$name.out; mkfifo /tmp/$name.in
            # rpcclient writes through stdio: unbuffered, so that the handle shows at once.
            stdbuf -o0 -e0 rpcclient -d0 -U "$user" "$binding" < /tmp/$name.in > /tmp/$name.out 2>&1 &
            exec 3> /tmp/$name.in
            # rpcclient polls stdin and then reads it through stdio: one command at a time, or the
            # second waits in its buffer unseen. The RPC timeout (ms) applies to the pipe the first
            # witness command opens; rpcclient's default is 10 s.
            echo "timeout 300000" >&3
            sleep 1
            echo "RegisterEx $*" >&3
            for i in $(seq 1 200); do
              h=$(grep -o '^0:[0-9a-f-]*' /tmp/$name.out | head -1); [ -n "$h" ] && break; sleep 0.1
            done
            echo "$h" > /tmp/$name.handle
            echo "AsyncNotify $h" >&3
            sleep 600
            EOS
            chmod +x /tmp/witness-session.sh
            """;

    @BeforeAll
    static void startDaemons(SambaCluster cluster) throws Exception {
        Sidecars.startWitnessStack(cluster);
        cluster.onClient(SESSION).orThrow();
    }

    private static String user(SambaCluster cluster) {
        return cluster.spec().user() + "%" + cluster.spec().password();
    }

    private static String rpcclient(SambaCluster cluster, String binding, String command) {
        return cluster.onClient("rpcclient -d0 -U '" + user(cluster) + "' 'ncacn_ip_tcp:" + binding + "' -c '"
                + command + "' 2>&1").stdout();
    }

    private static void startSession(SambaCluster cluster, String name, String binding, String options) {
        cluster.onClient("nohup /tmp/witness-session.sh " + name + " 'ncacn_ip_tcp:" + binding + "' '" + user(cluster)
                + "' " + options + " >/dev/null 2>&1 &").orThrow();
    }

    private static String output(SambaCluster cluster, String name) {
        return cluster.onClient("cat /tmp/" + name + ".out 2>/dev/null").stdout();
    }

    /** AsyncNotify calls waiting in node {@code pnn}'s witness daemon, as {@code sidecarctl witness list} shows them. */
    private static int pendingCalls(SambaCluster cluster, int pnn) {
        String json = cluster.exec(pnn, "/opt/samba-sidecars/bin/sidecarctl witness list --local --json").stdout();
        Matcher m = Pattern.compile("\"pendingCalls\":([0-9]+)").matcher(json);
        int n = 0;
        while (m.find()) {
            n += Integer.parseInt(m.group(1));
        }
        return n;
    }

    /** Waits for {@code n} pending calls on node {@code pnn}, showing the session's output if they never come. */
    private static void awaitPending(SambaCluster cluster, int pnn, String session) throws InterruptedException {
        try {
            SambaCluster.awaitCondition("AsyncNotify pending on node " + pnn, Duration.ofSeconds(30),
                    () -> pendingCalls(cluster, pnn) >= 1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; rpcclient said: " + output(cluster, session) + "; handle: "
                    + cluster.onClient("cat /tmp/" + session + ".handle; ps ax | grep -c '[r]pcclient'").stdout()
                    + "; metrics said pending=" + pendingCalls(cluster, pnn), e);
        }
    }

    @Test
    void disablingTheNodeOfARegisteredAddressSendsAResourceChange(SambaCluster cluster) throws Exception {
        // Register, through node 0's witness daemon, for an address node 1 serves.
        cluster.ctdb(1, "moveip " + cluster.publicIps().get(1) + " 1");
        SambaCluster.awaitCondition("node 1 serves " + cluster.publicIps().get(1), Duration.ofSeconds(90),
                () -> Integer.valueOf(1).equals(cluster.publicIpOwners().get(cluster.publicIps().get(1))));
        String ip = cluster.publicIps().get(1);
        String witness = cluster.nodeAddress(0) + "[sign]";
        startSession(cluster, "move", witness, "--net=" + cluster.spec().netbiosName() + " --ip=" + ip
                + " --share=share --client=it-client --timeout=120");
        awaitPending(cluster, 0, "move");

        long t0 = System.nanoTime();
        cluster.disable(1);
        try {
            // CTDB may take a while to run the takeover; what counts is the time from the moment
            // node 1 stops holding the address to rpcclient printing the notification.
            long released = 0;
            long printed = 0;
            long deadline = t0 + Duration.ofSeconds(90).toNanos();
            while ((released == 0 || printed == 0) && System.nanoTime() < deadline) {
                if (released == 0 && !Integer.valueOf(1).equals(cluster.publicIpOwners().get(ip))) {
                    released = System.nanoTime();
                }
                if (printed == 0 && output(cluster, "move").contains(ip + " -> Unavailable")) {
                    printed = System.nanoTime();
                }
                Thread.sleep(50);
            }
            assertTrue(printed != 0, "no RESOURCE_CHANGE for " + ip + ": " + output(cluster, "move"));
            assertTrue(released != 0, "node 1 never released " + ip);
            long afterRelease = (printed - released) / 1_000_000;
            LOG.info("RESOURCE_CHANGE UNAVAILABLE for {} printed by rpcclient {} ms after 'ctdb disable', {} ms after "
                    + "'ctdb ip' first showed it off node 1", ip, (printed - t0) / 1_000_000, afterRelease);
            String out = output(cluster, "move");
            assertTrue(out.contains("Resource change with 1 messages"), out);
            assertTrue(afterRelease < 2000, afterRelease + " ms after the release");
        } finally {
            cluster.enable(1);
        }
    }

    @Test
    void keepAliveTimeoutEndsAnAsyncNotifyWithTimeout(SambaCluster cluster) throws Exception {
        String ip = cluster.publicIps().getFirst();
        startSession(cluster, "keepalive", cluster.nodeAddress(2) + "[seal]", "--net=" + cluster.spec().netbiosName()
                + " --ip=" + ip + " --client=it-keepalive --timeout=5");
        awaitPending(cluster, 2, "keepalive");
        long t0 = System.nanoTime();
        SambaCluster.awaitCondition("WERR_TIMEOUT", Duration.ofSeconds(20),
                () -> output(cluster, "keepalive").contains("TIMEOUT"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("AsyncNotify with a 5 s keep-alive returned TIMEOUT {} ms after it was seen pending", ms);
        assertTrue(ms < 8000, ms + " ms");
    }

    @Test
    void badRegistrationsGetTheSpecsErrors(SambaCluster cluster) {
        String ip = cluster.publicIps().getFirst();
        String binding = cluster.nodeAddress(1) + "[sign]";
        String net = cluster.spec().netbiosName();
        String v2OnRegister = rpcclient(cluster, binding, "Register --V2 --net=" + net + " --ip=" + ip + " --client=c");
        assertTrue(v2OnRegister.contains("REVISION_MISMATCH"), v2OnRegister);
        String emptyNet = rpcclient(cluster, binding, "RegisterEx --net= --ip=" + ip + " --client=c");
        assertTrue(emptyNet.contains("INVALID_PARAMETER"), emptyNet);
        String unknownIp = rpcclient(cluster, binding, "RegisterEx --net=" + net + " --ip=192.0.2.77 --client=c");
        assertTrue(unknownIp.contains("INVALID_STATE"), unknownIp);
        String unknownShare = rpcclient(cluster, binding, "RegisterEx --net=" + net + " --ip=" + ip + " --share=nosuch --client=c");
        assertTrue(unknownShare.contains("INVALID_STATE"), unknownShare);
        String unregister = rpcclient(cluster, binding, "UnRegister 0:3ab88633-1e57-4c1a-856c-d1bc4b15bbb1");
        assertTrue(unregister.contains("INVALID_PARAMETER"), unregister);
        String ok = rpcclient(cluster, binding, "RegisterEx --net=" + net.toLowerCase() + " --ip=" + ip + " --share=SHARE --client=c");
        assertTrue(ok.matches("(?s).*\\b0:[0-9a-f-]{36}.*"), ok);
    }

    @Test
    void sidecarctlClientMoveAnswersAPendingAsyncNotify(SambaCluster cluster) throws Exception {
        String ip = cluster.publicIps().get(2);
        String target = cluster.publicIps().getFirst();
        startSession(cluster, "cmove", cluster.nodeAddress(1) + "[sign]", "--net=" + cluster.spec().netbiosName()
                + " --ip=" + ip + " --client=it-move --timeout=120");
        awaitPending(cluster, 1, "cmove");
        // Asked on node 0: the registration is on node 1, reached over mutual TLS.
        String list = cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl witness list --client it-move").stdout();
        assertTrue(list.contains(ip) && list.contains("it-move") && list.contains("1 registration(s)")
                && !list.contains("NOT ASKED"), list);
        String moved = cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl witness client-move --client '^it-move$' --to-ip "
                + target).stdout();
        assertTrue(moved.contains("told to move: 1 registration(s)"), moved);
        SambaCluster.awaitCondition("CLIENT_MOVE printed", Duration.ofSeconds(10),
                () -> output(cluster, "cmove").contains("Client move with 1 messages"));
        String out = output(cluster, "cmove");
        assertTrue(out.contains("Flags 0x00000009 " + target + " Online"), out);
    }

    @Test
    void registrationsSurviveARestartOfTheDaemon(SambaCluster cluster) throws Exception {
        String ip = cluster.publicIps().get(1);
        startSession(cluster, "restart", cluster.nodeAddress(2) + "[sign]", "--net=" + cluster.spec().netbiosName()
                + " --ip=" + ip + " --client=it-restart --timeout=120");
        awaitPending(cluster, 2, "restart");
        String handle = cluster.onClient("cat /tmp/restart.handle").stdout().strip();
        String id = handle.substring(handle.indexOf(':') + 1);
        Sidecars.stop(cluster, 2, "witness-daemon");
        Sidecars.start(cluster, 2, "witness-daemon");
        Sidecars.awaitWitnessInterfaces(cluster, 2);
        SambaCluster.awaitCondition("the registration listed again after the restart", Duration.ofSeconds(60),
                () -> cluster.exec(2, "/opt/samba-sidecars/bin/sidecarctl witness list --local --id " + id).stdout()
                        .contains(id));
    }

    @Test
    void drainMovesEveryClientOffANodeBeforeAnyAddressMoves(SambaCluster cluster) throws Exception {
        // A client registered (through node 1's witness daemon) to an address node 2 serves.
        String ip = cluster.publicIpOwners().entrySet().stream().filter(e -> e.getValue() == 2)
                .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        startSession(cluster, "drain", cluster.nodeAddress(1) + "[seal]", "--net=" + cluster.spec().netbiosName()
                + " --ip=" + ip + " --client=it-drain --timeout=120");
        awaitPending(cluster, 1, "drain");
        String out = cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl witness drain --node 2 --timeout 40").stdout();
        assertTrue(out.contains("node 2 is drained"), out);
        String said = output(cluster, "drain");
        assertTrue(said.contains("Client move with 1 messages"), said);
        assertTrue(!said.contains("Flags 0x00000009 " + ip + " "), "told to go to other nodes' addresses only: " + said);
        assertEquals(2, cluster.publicIpOwners().get(ip), "no address moved: the drain is proactive");
    }
}

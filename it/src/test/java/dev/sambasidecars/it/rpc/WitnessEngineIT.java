package dev.sambasidecars.it.rpc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.it.ExecResult;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.SambaClusterTest;
import dev.sambasidecars.it.Sidecars;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * witness-daemon on every node of a real cluster, reached by Debian's rpcclient from the
 * client container through a public IP: the endpoint mapper on 135 finds the Witness
 * interface, NTLMSSP at [sign] and [seal] authenticates the cluster's test user (NT hashes
 * exported by {@code pdbedit -L -w}), GetInterfaceList lists every public IP CTDB has; an
 * unauthenticated caller and a wrong password are refused.
 */
@SambaClusterTest(nodes = 3)
class WitnessEngineIT {

    @BeforeAll
    static void startDaemons(SambaCluster cluster) throws Exception {
        Sidecars.startWitnessStack(cluster);
    }

    private static ExecResult rpcclient(SambaCluster cluster, String credentials, String binding, String command) {
        return cluster.onClient("rpcclient -d0 " + credentials + " 'ncacn_ip_tcp:" + binding + "' -c '" + command + "' 2>&1");
    }

    private static String user(SambaCluster cluster) {
        return "-U '" + cluster.spec().user() + "%" + cluster.spec().password() + "'";
    }

    @Test
    void getInterfaceListThroughTheEndpointMapperListsEveryPublicIp(SambaCluster cluster) throws Exception {
        String ip = cluster.publicIps().getFirst();
        for (String level : new String[] {"sign", "seal"}) {
            SambaCluster.awaitCondition("GetInterfaceList lists every public IP at " + level, Duration.ofSeconds(30), () -> {
                String out = rpcclient(cluster, user(cluster), ip + "[" + level + "]", "GetInterfaceList").stdout();
                return cluster.publicIps().stream().allMatch(out::contains);
            });
        }
        String out = rpcclient(cluster, user(cluster), ip + "[sign]", "GetInterfaceList").stdout();
        assertTrue(!out.contains("NT_STATUS") && !out.contains("WERR_"), out);
    }

    @Test
    void witnessPortAnswersWithoutTheEndpointMapper(SambaCluster cluster) {
        String out = rpcclient(cluster, user(cluster), cluster.nodeAddress(1) + "[49200,sign]", "GetInterfaceList").stdout();
        assertTrue(cluster.publicIps().stream().allMatch(out::contains), out);
    }

    @Test
    void winbindBackendChecksPasswordsThroughNtlmAuth(SambaCluster cluster) throws Exception {
        // A second witness-daemon on node 0 checking NTLMv2 through winbindd instead of a hash file.
        cluster.exec(0, "winbindd -D").orThrow();
        SambaCluster.awaitCondition("winbindd answers", Duration.ofSeconds(30), () -> cluster.exec(0, "wbinfo -p").ok());
        cluster.exec(0, "mkdir -p /run/sidecars-winbind && "
                + "ln -sf /run/samba-sidecars/ctdb-bridge.sock /run/sidecars-winbind/ctdb-bridge.sock").orThrow();
        cluster.exec(0, "nohup /opt/samba-sidecars/bin/witness-daemon --set 'sidecar witness:credentials=winbind' "
                + "--set 'sidecar witness:port=49201' --set 'sidecar witness:epm port=0' "
                + "--set 'sidecar witness:metrics address=0.0.0.0:9711' "
                + "--set 'sidecar common:socket directory=/run/sidecars-winbind' "
                + ">/var/log/witness-daemon-winbind.log 2>&1 &").orThrow();
        String binding = cluster.nodeAddress(0) + "[49201,sign]";
        SambaCluster.awaitCondition("GetInterfaceList through the winbind-backed daemon", Duration.ofSeconds(60),
                () -> {
                    String out = rpcclient(cluster, user(cluster), binding, "GetInterfaceList").stdout();
                    return cluster.publicIps().stream().allMatch(out::contains);
                });
        String wrong = rpcclient(cluster, "-U '" + cluster.spec().user() + "%wrong-password'", binding,
                "GetInterfaceList").stdout();
        assertTrue(wrong.contains("ACCESS_DENIED"), wrong);
    }

    @Test
    void unauthenticatedAndWrongPasswordAreRefused(SambaCluster cluster) throws Exception {
        // A node's own address, not a public IP: CTDB may still be moving public IPs right after
        // start, and a refusal only means something once the same binding is known to answer.
        String address = cluster.nodeAddress(2);
        SambaCluster.awaitCondition("the right password is accepted through the endpoint mapper on node 2",
                Duration.ofSeconds(30), () -> {
                    String out = rpcclient(cluster, user(cluster), address + "[sign]", "GetInterfaceList").stdout();
                    return cluster.publicIps().stream().allMatch(out::contains);
                });
        String anonymous = rpcclient(cluster, "-U% -N", address, "GetInterfaceList").stdout();
        assertTrue(anonymous.contains("ACCESS_DENIED"), anonymous);
        String wrong = rpcclient(cluster, "-U '" + cluster.spec().user() + "%wrong-password'", address + "[sign]",
                "GetInterfaceList").stdout();
        assertTrue(wrong.contains("ACCESS_DENIED"), wrong);
    }

    @Test
    void epmLookupEnumeratesTheWitnessEndpoint(SambaCluster cluster) {
        // rpcclient's epmlookup asks one entry at a time until "no more entries".
        String out = rpcclient(cluster, "-U% -N", cluster.nodeAddress(0), "epmlookup").stdout();
        // e.g. "00000000-… ncacn_ip_tcp:172.30.27.10[49200,abstract_syntax=ccd8c074-…/0x00000001]: Witness"
        assertTrue(out.contains("ncacn_ip_tcp:" + cluster.nodeAddress(0) + "[49200,abstract_syntax=ccd8c074-d0e5-4a40-92b4-d074faa6ba28")
                && out.contains("]: Witness"), out);
        assertTrue(!out.contains("returned"), "no error from the enumeration: " + out);
    }
}

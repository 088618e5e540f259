package dev.sambasidecars.it.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.it.NodeImage;
import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.msnlmp.NtHashCredentials;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.spnego.SpnegoRpcSecurity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Debian's rpcclient (Samba 4.17) against this project's DCE/RPC engine and endpoint mapper:
 * NTLMSSP, bare and inside SPNEGO (whose third leg and mechListMICs travel in an alter_context),
 * at packet integrity ([sign]) and privacy ([seal]) with NTLMv2 checked by the engine, a wrong
 * password refused, an anonymous epm lookup served. The engine runs in this JVM on
 * 127.0.0.1:135 (rpcclient's epmapper always uses 135); rpcclient runs in a container of the
 * cluster image sharing the host's network namespace.
 */
class RpcclientAgainstEngineIT {
    static final SyntaxId WITNESS = new SyntaxId(UUID.fromString("ccd8c074-d0e5-4a40-92b4-d074faa6ba28"), 1, 1);
    static final String USER = "sidecar";
    static final String PASSWORD = "Sidecar-Pass1";

    static RpcServer server;
    static GenericContainer<?> client;
    static final List<Integer> faults = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestAbortedException("needs a Docker engine for the rpcclient container");
        }
        NtHashCredentials creds = NtHashCredentials.builder().password(USER, PASSWORD).build();
        NtlmServerConfig cfg = NtlmServerConfig.of("SIDECARS", "NODE0", "sidecars.test", "node0.sidecars.test");
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 135),
                List.of(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WITNESS, 49200)))),
                Duration.ofSeconds(30), faults::add, e -> { })
                .withSecurity(AuthTrailer.TYPE_NTLMSSP, () -> new NtlmRpcSecurity(cfg, creds))
                .withSecurity(AuthTrailer.TYPE_SPNEGO, () -> new SpnegoRpcSecurity(cfg, creds));
        client = new GenericContainer<>(DockerImageName.parse(NodeImage.ensure()))
                .withNetworkMode("host")
                .withCommand("sleep", "infinity");
        client.start();
        client.execInContainer("sh", "-c", "printf '[global]\\n' > /etc/samba/smb.conf");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String rpcclient(String credentials, String binding) throws Exception {
        var r = client.execInContainer("sh", "-c", "rpcclient -d0 " + credentials + " 'ncacn_ip_tcp:127.0.0.1"
                + binding + "' -c 'epmmap witness' 2>&1");
        return r.getStdout();
    }

    @Test
    void signedAndSealedMapsAnswer() throws Exception {
        for (String level : List.of("[sign]", "[seal]")) {
            String out = rpcclient("-U '" + USER + "%" + PASSWORD + "'", level);
            assertTrue(out.contains("ncacn_ip_tcp:127.0.0.1[49200,"), level + ": " + out);
        }
    }

    @Test
    void wrongPasswordIsAccessDenied() throws Exception {
        String out = rpcclient("-U '" + USER + "%not-the-password'", "[sign]");
        assertTrue(out.contains("NT_STATUS_ACCESS_DENIED"), out);
        assertTrue(faults.contains(5), "the engine answered with fault ACCESS_DENIED: " + faults);
    }

    @Test
    void spnegoSignedAndSealedMapsAnswer() throws Exception {
        for (String level : List.of("[spnego,sign]", "[spnego,seal]")) {
            String out = rpcclient("-U '" + USER + "%" + PASSWORD + "'", level);
            assertTrue(out.contains("ncacn_ip_tcp:127.0.0.1[49200,"), level + ": " + out);
        }
    }

    @Test
    void spnegoWithAWrongPasswordIsAccessDenied() throws Exception {
        faults.clear();
        String out = rpcclient("-U '" + USER + "%not-the-password'", "[spnego,seal]");
        assertTrue(out.contains("NT_STATUS_ACCESS_DENIED"), out);
        assertTrue(faults.contains(5), "the engine answered the alter_context with fault ACCESS_DENIED: " + faults);
    }

    @Test
    void anonymousLookupOfTheEndpointMapperIsServed() throws Exception {
        String out = rpcclient("-U% -N", "");
        assertTrue(out.contains("[49200,"), out);
        assertEquals(-1, out.indexOf("NT_STATUS"), out);
    }
}

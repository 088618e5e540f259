package dev.sambasidecars.sidecarctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The assembled distribution's launchers, run as an operator would run them. */
class LaunchersIT {
    private static final Path DIST = Path.of(System.getProperty("sidecars.dist", "target/dist"));
    private static final String VERSION = System.getProperty("sidecars.version", "");
    private static final String JDK = System.getProperty("java.home");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run sidecarctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/sidecarctl").toString()));
        cmd.addAll(List.of(args));
        return run(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", JDK), cmd.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fdpass-broker", "smbd-direct-proxy"})
    void daemonNotBuiltYetSaysSoAndExitsTwo(String launcher) throws Exception {
        Run r = run(Map.of("PATH", "/usr/bin:/bin"), DIST.resolve("bin/" + launcher).toString(), "--help");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(launcher + " is not available in this version of samba-sidecars (" + VERSION + ").\n", r.err());
    }

    @Test
    void withoutJava25TheLauncherSaysWhatItNeedsAndWhatItFound() throws Exception {
        // A runtime that says it is Java 17, and a PATH with only the tools the launcher uses.
        Path oldJdk = Files.createDirectories(tmp.resolve("old-jdk/bin"));
        Files.writeString(tmp.resolve("old-jdk/release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path java = oldJdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'this is not the java to run' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String t : List.of("sh", "sed", "dirname", "readlink")) {
            Files.createSymbolicLink(tools.resolve(t), Path.of("/usr/bin", t).toRealPath());
        }
        Run r = run(Map.of("PATH", tools.toString(), "JAVA_HOME", tmp.resolve("old-jdk").toString()),
                DIST.resolve("bin/sidecarctl").toString(), "--version");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("sidecarctl needs Java 25 or newer"), r.err());
        assertTrue(r.err().contains(java + " (Java 17)"), r.err());
        assertTrue(!r.err().contains("this is not the java to run"), "the old runtime was not started");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ctdb-bridge", "witness-daemon", "persist-store"})
    void builtDaemonLaunchersAnswerHelpAndVersion(String launcher) throws Exception {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", JDK);
        Run h = run(env, DIST.resolve("bin/" + launcher).toString(), "--help");
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("Usage: " + launcher) && h.out().contains("--config") && h.out().contains("Exit status"),
                h.out());
        Run v = run(env, DIST.resolve("bin/" + launcher).toString(), "--version");
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().startsWith(launcher + " (samba-sidecars) " + VERSION), v.out());
    }

    @Test
    void persistStoreRefusesANodeListItIsNotOnAndSidecarctlStoreSaysWhatIsWrong() throws Exception {
        Path conf = tmp.resolve("store.conf");
        Files.writeString(conf, "[global]\n\tsidecar persist-store:nodes = 203.0.113.71, 203.0.113.72\n"
                + "\tsidecar persist-store:metrics address = 127.0.0.1:0\n"
                + "\tsidecar common:socket directory = " + tmp.resolve("run") + "\n");
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", JDK);
        Run notHere = run(env, DIST.resolve("bin/persist-store").toString(), "--config", conf.toString());
        assertEquals(2, notHere.exit(), notHere.err());
        assertTrue(notHere.err().contains("none of [/203.0.113.71, /203.0.113.72] is an address of this host"), notHere.err());
        Run badPnn = run(env, DIST.resolve("bin/persist-store").toString(), "--config", conf.toString(),
                "--set", "sidecar persist-store:pnn=5");
        assertEquals(2, badPnn.exit(), badPnn.err());
        assertTrue(badPnn.err().contains("5 is not among the 2 nodes"), badPnn.err());

        for (String sub : List.of("put", "get", "delete", "list", "stat")) {
            Run h = sidecarctl("store", sub, "--help");
            assertEquals(0, h.exit(), h.err());
            assertTrue(h.out().startsWith("Usage: sidecarctl store " + sub), h.out());
        }
        Run noDaemon = sidecarctl("store", "stat", "--config", conf.toString());
        assertEquals(1, noDaemon.exit(), noDaemon.out());
        assertTrue(noDaemon.err().startsWith("sidecarctl: persist-store: "), noDaemon.err());
        Run noOpen = sidecarctl("store", "put", "k", "--config", conf.toString());
        assertEquals(2, noOpen.exit(), noOpen.out());
        assertTrue(noOpen.err().contains("exactly one of --json and --file"), noOpen.err());
    }

    @Test
    void ctdbBridgeOptionsAreCheckedLikeEveryOther() throws Exception {
        Path conf = tmp.resolve("smb.conf");
        Files.writeString(conf, "[global]\n\tsidecar ctdb-bridge:poll interval = 500ms\n"
                + "\tsidecar ctdb-bridge:fail monitor when down = ctdb-bridge, witness\n");
        Run ok = sidecarctl("config", "check", "--config", conf.toString(), "--changed");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("sidecar ctdb-bridge:poll interval = 500ms"), ok.out());
        assertTrue(ok.out().contains("sidecar ctdb-bridge:fail monitor when down = ctdb-bridge, witness"), ok.out());
        Files.writeString(conf, "[global]\n\tsidecar ctdb-bridge:fail monitor when down = smbd\n");
        Run bad = sidecarctl("config", "check", "--config", conf.toString());
        assertEquals(2, bad.exit(), bad.out());
        assertTrue(bad.err().contains(conf + ":2") && bad.err().contains("one of ctdb-bridge, witness"), bad.err());
    }

    @Test
    void eventScriptIsShippedExecutable() {
        Path script = DIST.resolve("ctdb/events/legacy/95.samba-sidecars.script");
        assertTrue(Files.isExecutable(script), script + " is executable");
    }

    @Test
    void versionAndHelpAnswer() throws Exception {
        Run v = sidecarctl("--version");
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().startsWith("sidecarctl (samba-sidecars) " + VERSION + "\n"), v.out());
        Run h = sidecarctl("--help");
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("config") && h.out().contains("status"), h.out());
        Run none = sidecarctl();
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("a command is required"), none.err());
    }

    @Test
    void configCheckPrintsEffectiveOptionsMarkingOrigins() throws Exception {
        Path conf = tmp.resolve("smb.conf");
        Files.writeString(conf, """
                [global]
                \tclustering = yes
                \tsidecar witness:metrics address = 0.0.0.0:9701
                ; a comment
                \tSidecar CTDB-Bridge : Log Level = debug
                [share]
                \tpath = /srv/share
                """, StandardCharsets.UTF_8);
        Run r = sidecarctl("config", "check", "--config", conf.toString(),
                "--set", "sidecar common:socket directory=/run/test-sidecars");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*sidecar witness:metrics address = 0\\.0\\.0\\.0:9701 +# " + conf + ":3\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*sidecar ctdb-bridge:log level = debug +# " + conf + ":5\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*sidecar common:socket directory = /run/test-sidecars +# --set\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*sidecar persist-store:metrics address = 127\\.0\\.0\\.1:9703 +# default\n.*"), r.out());
    }

    @Test
    void configCheckRejectsAMisspeltKeyWithFileAndLine() throws Exception {
        Path conf = tmp.resolve("smb.conf");
        Files.writeString(conf, "[global]\n\n\tsidecar witness:metrcs address = 127.0.0.1:9701\n");
        Run r = sidecarctl("config", "check", "--config", conf.toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("sidecarctl: " + conf + ":3: 'sidecar witness:metrcs address': unknown option"),
                r.err());
        assertTrue(r.err().contains("did you mean 'metrics address'"), r.err());
    }

    @Test
    void statusSaysWhichDaemonsAreNotRunning() throws Exception {
        Run r = sidecarctl("status", "--set", "sidecar common:socket directory=" + tmp.resolve("run"));
        assertEquals(0, r.exit(), r.err());
        for (String m : List.of("witness", "ctdb-bridge", "persist-store", "fdpass-broker", "smbd-direct-proxy")) {
            assertTrue(r.out().contains(m) && r.out().contains("not running (no " + tmp.resolve("run/" + m + ".sock")),
                    r.out());
        }
    }

    @Test
    void tlsInitWritesNodeDirectoriesThatTlsCheckAccepts() throws Exception {
        Path pki = tmp.resolve("pki");
        Run init = sidecarctl("tls", "init", "--out", pki.toString(), "--nodes", "127.0.0.1,10.0.0.2");
        assertEquals(0, init.exit(), init.err());
        assertTrue(init.out().contains("node 127.0.0.1: " + pki.resolve("127.0.0.1")), init.out());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pki.resolve("127.0.0.1/node.key"))));

        Run check = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + pki.resolve("127.0.0.1"));
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().contains("usable for mutual TLS [TLSv1.3]"), check.out());

        Run wrongNode = sidecarctl("tls", "check", "--set", "sidecar common:tls directory=" + pki.resolve("10.0.0.2"));
        assertEquals(1, wrongNode.exit(), wrongNode.out());
        assertTrue(wrongNode.err().contains(pki.resolve("10.0.0.2/node.pem") + ": names 10.0.0.2, none of them an "
                + "address of this host"), wrongNode.err());

        for (String sub : List.of("init", "check")) {
            Run h = sidecarctl("tls", sub, "--help");
            assertEquals(0, h.exit(), h.err());
            assertTrue(h.out().startsWith("Usage: sidecarctl tls " + sub), h.out());
        }
    }
}

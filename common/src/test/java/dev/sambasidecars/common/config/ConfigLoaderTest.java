package dev.sambasidecars.common.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(OptionCatalog.load());

    private Path smbConf(String text) throws IOException {
        Path p = dir.resolve("smb.conf");
        Files.writeString(p, text);
        return p;
    }

    private static String canonical(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected \"" + part + "\" in: " + message);
        }
    }

    @Test
    void untouchedOptionsHaveTheirDocumentedDefaults() throws Exception {
        SidecarConfig c = loader.load(smbConf("[global]\n\tworkgroup = EXAMPLE\n"), List.of());

        assertAll(
                () -> assertEquals(new HostPort("127.0.0.1", 9701), c.get("witness", CommonOptions.METRICS_ADDRESS)),
                () -> assertEquals(new HostPort("127.0.0.1", 9702), c.get("ctdb-bridge", CommonOptions.METRICS_ADDRESS)),
                () -> assertEquals(new HostPort("127.0.0.1", 9705),
                        c.get("smbd-direct-proxy", CommonOptions.METRICS_ADDRESS)),
                () -> assertEquals(Duration.ofSeconds(10), c.get("persist-store", CommonOptions.SHUTDOWN_TIMEOUT)),
                () -> assertEquals("info", c.get("fdpass-broker", CommonOptions.LOG_LEVEL)),
                () -> assertEquals(Path.of("/run/samba-sidecars"), c.get("common", CommonOptions.SOCKET_DIRECTORY)),
                () -> assertEquals(List.of(), c.get("common", CommonOptions.IPC_ALLOW_UIDS)),
                () -> assertEquals(ConfigOrigin.DEFAULT, c.origin("witness", CommonOptions.METRICS_ADDRESS)));
        assertTrue(c.all().stream().allMatch(SidecarConfig.Setting::isDefault));
        assertEquals(dir.resolve("smb.conf"), c.smbConf());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void valuesFromTheFileCarryFileAndLine() throws Exception {
        Path f = smbConf("""
                [global]
                \tworkgroup = EXAMPLE

                \tsidecar witness:metrics address = [::1]:19701
                \tsidecar witness:shutdown timeout = 90
                \tsidecar common:ipc allow gids = 3000010, 3000011
                """);
        SidecarConfig c = loader.load(f, List.of());

        assertEquals(new HostPort("::1", 19701), c.get("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(new ConfigOrigin(canonical(f), 4), c.origin("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(Duration.ofSeconds(90), c.get("witness", CommonOptions.SHUTDOWN_TIMEOUT));
        assertEquals(new ConfigOrigin(canonical(f), 5), c.origin("witness", CommonOptions.SHUTDOWN_TIMEOUT));
        assertEquals(List.of(3000010, 3000011), c.get("common", CommonOptions.IPC_ALLOW_GIDS));
        // other daemons keep their own defaults: options are per module
        assertEquals(new HostPort("127.0.0.1", 9702), c.get("ctdb-bridge", CommonOptions.METRICS_ADDRESS));
        assertEquals(ConfigOrigin.DEFAULT, c.origin("ctdb-bridge", CommonOptions.METRICS_ADDRESS));

        SidecarConfig.Setting s = c.settings("witness").get(0);
        assertEquals("sidecar witness:metrics address", s.key());
        assertEquals("[::1]:19701", s.text());
    }

    @Test
    void clusterNodeFixtureYieldsItsSidecarSettingsIncludingTheGlobalsSection() throws Exception {
        URL url = getClass().getResource("/smbconf/cluster-node.conf");
        assertNotNull(url);
        Path node = Path.of(url.toURI());
        SidecarConfig c = loader.load(node, List.of());

        assertEquals(new HostPort("127.0.0.1", 19701), c.get("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(new ConfigOrigin(canonical(node), 28), c.origin("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(List.of(3000010, 3000011), c.get("common", CommonOptions.IPC_ALLOW_GIDS));
        assertEquals(new ConfigOrigin(canonical(node), 45), c.origin("common", CommonOptions.IPC_ALLOW_GIDS));
        // the parser's warning about the line without '=' reaches the loader's caller
        assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith(canonical(node) + ":31: ")), c.warnings().toString());
    }

    @Test
    void laterLineWinsAndIncludedFilesAreNamedInTheOrigin() throws Exception {
        Path extra = dir.resolve("sidecars.conf");
        Files.writeString(extra, "# sidecar settings shared by all nodes\nsidecar witness:log level = debug\n");
        Path f = smbConf("""
                [global]
                \tsidecar witness:log level = warn
                \tinclude = sidecars.conf
                \tsidecar ctdb-bridge:log level = error
                \tsidecar ctdb-bridge:log level = trace
                """);
        SidecarConfig c = loader.load(f, List.of());

        assertEquals("debug", c.get("witness", CommonOptions.LOG_LEVEL));
        assertEquals(new ConfigOrigin(canonical(extra), 2), c.origin("witness", CommonOptions.LOG_LEVEL));
        assertEquals("trace", c.get("ctdb-bridge", CommonOptions.LOG_LEVEL));
        assertEquals(new ConfigOrigin(canonical(f), 5), c.origin("ctdb-bridge", CommonOptions.LOG_LEVEL));
    }

    @Test
    void setWinsOverTheFile() throws Exception {
        Path f = smbConf("[global]\n\tsidecar witness:metrics address = 127.0.0.1:19701\n");
        SidecarConfig c = loader.load(f, List.of(
                "sidecar witness:metrics address=0.0.0.0:0",
                "sidecar common:socket directory = /tmp/sidecars"));

        assertEquals(new HostPort("0.0.0.0", 0), c.get("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(ConfigOrigin.COMMAND_LINE, c.origin("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(Path.of("/tmp/sidecars"), c.get("common", CommonOptions.SOCKET_DIRECTORY));
        assertEquals("--set", c.origin("common", CommonOptions.SOCKET_DIRECTORY).toString());
    }

    @Test
    void keysIgnoreCaseAndWhitespaceAsSambaDoes() throws Exception {
        Path f = smbConf("[GLOBAL]\n\tSidecar  Witness : Metrics Address = 127.0.0.1:19701\n\tSIDECAR common:IPCallowUIDS = 1001\n");
        SidecarConfig c = loader.load(f, List.of("sidecar CTDB-Bridge:LogLevel=DEBUG"));

        assertEquals(new HostPort("127.0.0.1", 19701), c.get("witness", CommonOptions.METRICS_ADDRESS));
        assertEquals(List.of(1001), c.get("common", CommonOptions.IPC_ALLOW_UIDS));
        assertEquals("debug", c.get("ctdb-bridge", CommonOptions.LOG_LEVEL));
    }

    @Test
    void misspeltOptionNamesFileLineKeyAndSuggestsTheRightOne() throws Exception {
        Path f = smbConf("[global]\n\tworkgroup = EXAMPLE\n\n\tsidecar witness:metrics adress = 127.0.0.1:9701\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));

        assertEquals(new ConfigOrigin(canonical(f), 4), e.origin());
        assertEquals("sidecar witness:metrics adress", e.key());
        assertMentions(e.getMessage(), canonical(f) + ":4", "'sidecar witness:metrics adress'",
                "did you mean 'metrics address'", "shutdown timeout", "log level");
    }

    @Test
    void unknownModuleListsTheKnownOnes() throws Exception {
        Path f = smbConf("[global]\n\tsidecar frobnicator:enabled = yes\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));

        assertEquals(2, e.origin().line());
        assertMentions(e.getMessage(), "'sidecar frobnicator:enabled'", "frobnicator", "common", "witness",
                "ctdb-bridge", "persist-store", "fdpass-broker", "smbd-direct-proxy");
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void nearMissModuleGetsASuggestion() throws Exception {
        Path f = smbConf("[global]\n\tsidecar ctdb-bridgee:log level = info\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));

        assertMentions(e.getMessage(), "did you mean 'ctdb-bridge'");
    }

    @Test
    void badValueSaysWhatIsAllowed() throws Exception {
        Path f = smbConf("[global]\n\tsidecar persist-store:shutdown timeout = 5 fortnights\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));

        assertEquals(new ConfigOrigin(canonical(f), 2), e.origin());
        assertMentions(e.getMessage(), "'sidecar persist-store:shutdown timeout'", "'5 fortnights'",
                "from 100ms to 10m");

        Path g = smbConf("[global]\n\tsidecar witness:log level = verbose\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> loader.load(g, List.of()));
        assertMentions(e2.getMessage(), "'verbose'", "error, warn, info, debug, trace");
    }

    @Test
    void badSetValueIsBlamedOnTheCommandLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(smbConf("[global]\n"), List.of("sidecar witness:metrics address=localhost")));

        assertEquals(ConfigOrigin.COMMAND_LINE, e.origin());
        assertMentions(e.getMessage(), "--set", "'localhost'", "host:port");
    }

    @Test
    void malformedSetIsRefused() {
        for (String set : List.of("sidecar witness:log level", "workgroup=EXAMPLE", "witness:log level=info")) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.load(smbConf(""), List.of(set)),
                    set);
            assertEquals(ConfigOrigin.COMMAND_LINE, e.origin(), set);
            assertMentions(e.getMessage(), "sidecar <module>:<option>=<value>");
        }
    }

    @Test
    void misspeltSetIsRefusedWithASuggestion() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.load(smbConf(""), List.of("sidecar witness:shutdown timout=5s")));

        assertMentions(e.getMessage(), "--set", "did you mean 'shutdown timeout'");
    }

    @Test
    void sidecarOptionsInAShareAreIgnoredWithAWarning() throws Exception {
        Path f = smbConf("""
                [global]
                \tworkgroup = EXAMPLE
                [data]
                \tpath = /srv/data
                \tsidecar witness:log level = debug
                \tsidecar nosuchmodule:whatever = 1
                """);
        SidecarConfig c = loader.load(f, List.of());

        assertEquals("info", c.get("witness", CommonOptions.LOG_LEVEL));
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        String w = c.warnings().get(0);
        assertMentions(w, canonical(f) + ":5", "sidecar witness:log level", "[data]", "[global]");
    }

    @Test
    void ordinarySambaParametersAreNotChecked() throws Exception {
        // "idmap config" and "vfs objects" have colons too, but are not ours to judge
        Path f = smbConf("[global]\n\tidmap config * : range = 3000-7999\n\tfruit:metadata = stream\n\tsidecars = many\n");
        SidecarConfig c = loader.load(f, List.of());

        assertTrue(c.all().stream().allMatch(SidecarConfig.Setting::isDefault));
    }

    @Test
    void missingExplicitConfigIsAnError() {
        Path missing = dir.resolve("not-there.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(missing, List.of()));

        assertMentions(e.getMessage(), canonical(missing));
    }

    @Test
    void includeCycleStopsTheLoad() throws Exception {
        Path other = dir.resolve("other.conf");
        Files.writeString(other, "include = smb.conf\n");
        Path f = smbConf("[global]\ninclude = other.conf\n");

        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
        assertEquals(new ConfigOrigin(canonical(other), 1), e.origin());
    }

    @Test
    void optionsContributedForAModuleAreCheckedToo() throws Exception {
        Option<Integer> port = Option.of("witness port", OptionTypes.integer(1, 65535), 9709, "test");
        OptionCatalog catalog = OptionCatalog.of(List.of(
                CommonOptions.daemon("witness", 9701),
                ModuleOptions.of("witness", List.of(port))));
        ConfigLoader custom = new ConfigLoader(catalog);

        SidecarConfig c = custom.load(smbConf("[global]\nsidecar witness:witness port = 1234\n"), List.of());
        assertEquals(1234, c.get("witness", port));
        assertEquals(new HostPort("127.0.0.1", 9701), c.get("witness", CommonOptions.METRICS_ADDRESS));

        ConfigException e = assertThrows(ConfigException.class,
                () -> custom.load(smbConf("[global]\nsidecar witness:witness port = 0\n"), List.of()));
        assertMentions(e.getMessage(), "from 1 to 65535");
    }
}

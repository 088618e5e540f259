package dev.sambasidecars.common.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmbConfParserTest {

    @TempDir
    Path dir;

    /** One parsed parameter reduced to what an operator reads off the file. */
    record Row(String section, String name, String value, String file, int line) {
        static Row of(SmbConfParser.Entry e) {
            return new Row(e.section(), e.name(), e.value(), Path.of(e.origin().source()).getFileName().toString(),
                    e.origin().line());
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        URL url = SmbConfParserTest.class.getResource("/smbconf/" + name);
        assertNotNull(url, "test resource smbconf/" + name);
        return Path.of(url.toURI());
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<Row> rows(SmbConfParser.Result r) {
        return r.entries().stream().map(Row::of).toList();
    }

    private static String canonical(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    @Test
    void clusteredNodeConfigIsReadEntryByEntryWithTheLineEachStartsOn() throws Exception {
        Path node = resource("cluster-node.conf");
        SmbConfParser.Result r = SmbConfParser.parse(node);

        String n = "cluster-node.conf";
        String s = "cluster-shares.conf";
        List<Row> expected = List.of(
                // before any section header: Samba puts these in [global]
                new Row("global", "netbios name", "FS-CLUSTER", n, 3),
                new Row("global", "server string", "Clustered file service", n, 4),
                new Row("global", "clustering", "yes", n, 7),
                new Row("global", "ctdbd socket", "/var/run/ctdb/ctdbd.socket", n, 8),
                new Row("global", "security", "ADS", n, 9),
                new Row("global", "realm", "EXAMPLE.COM", n, 10),
                new Row("global", "workgroup", "EXAMPLE", n, 11),
                new Row("global", "idmap config * : backend", "tdb", n, 14),
                // "\" at the end: the tab-indented next line is joined, tabs collapsed away
                new Row("global", "idmap config * : range", "3000-7999", n, 15),
                new Row("global", "idmap config EXAMPLE : backend", "rid", n, 17),
                new Row("global", "idmap config EXAMPLE : range", "10000-999999", n, 18),
                // "\ " (backslash and one blank) continues too; the indentation collapses to one blank
                new Row("global", "interfaces", "192.168.10.11/24 192.168.20.11/24", n, 20),
                new Row("global", "bind interfaces only", "yes", n, 22),
                // no trailing comments in smb.conf: '#' is part of the value
                new Row("global", "log file", "/var/log/samba/log.%m # one log per client", n, 23),
                new Row("global", "max log size", "10000", n, 24),
                // the comment on line 25 ends in '\' but comments never continue
                new Row("global", "vfs objects", "fruit streams_xattr", n, 26),
                new Row("global", "sidecar witness:metrics address", "127.0.0.1:19701", n, 28),
                new Row("global", "sidecar common:socket directory", "/run/samba-sidecars", n, 29),
                // include on line 33 is read in place
                new Row("data", "path", "/clusterfs/data", s, 3),
                new Row("data", "read only", "no", s, 4),
                new Row("data", "vfs objects", "fruit streams_xattr", s, 5),
                new Row("scratch", "path", "/clusterfs/scratch", s, 8),
                new Row("scratch", "comment", "Scratch space, wiped # every Sunday", s, 9),
                // the include ended inside [scratch], so the next line of [global] lands there (as in Samba)
                new Row("scratch", "server min protocol", "SMB2_10", n, 34),
                new Row("homes", "browseable", "no", n, 37),
                new Row("homes", "read only", "no", n, 38),
                new Row("archive", "path", "/clusterfs/archive", n, 41),
                // backslashes inside a line are kept
                new Row("archive", "msdfs proxy", "\\\\archive-srv\\archive", n, 42),
                new Row("globals", "sidecar common:ipc allow gids", "3000010, 3000011", n, 45));
        assertEquals(expected, rows(r));

        Path shares = node.resolveSibling("cluster-shares.conf");
        assertEquals(List.of(canonical(node), canonical(shares)), r.files().stream().map(Path::toString).toList());
        assertEquals(canonical(node), r.entries().get(0).origin().source());
        assertEquals(canonical(shares), r.entries().get(18).origin().source());

        assertEquals(1, r.warnings().size(), r.warnings().toString());
        String warning = r.warnings().get(0);
        assertTrue(warning.startsWith(canonical(node) + ":31: "), warning);
        assertTrue(warning.contains("ctdb bridge enabled"), warning);
    }

    @Test
    void globalsSectionAndParametersBeforeAnySectionCountAsGlobal() throws Exception {
        SmbConfParser.Result r = SmbConfParser.parse(resource("cluster-node.conf"));

        List<SmbConfParser.Entry> global = r.entries().stream().filter(SmbConfParser.Entry::inGlobal).toList();
        assertEquals(19, global.size());
        assertEquals("netbios name", global.get(0).name());
        assertEquals("sidecar common:ipc allow gids", global.get(18).name());
        assertTrue(r.entries().stream().filter(e -> e.section().equals("scratch")).noneMatch(SmbConfParser.Entry::inGlobal));
        assertEquals("idmapconfig*:range", r.entries().get(8).normalizedName());
    }

    @Test
    void windowsEditedFileWithBomAndCrlfReadsLikeAUnixOne() throws Exception {
        Path win = resource("windows-edited.conf");
        byte[] raw = Files.readAllBytes(win);
        // guard against the fixture being normalised by git or an editor
        assertEquals((byte) 0xEF, raw[0], "fixture must start with a UTF-8 BOM");
        assertTrue(new String(raw, StandardCharsets.UTF_8).contains("\r\n"), "fixture must have CRLF endings");

        SmbConfParser.Result r = SmbConfParser.parse(win);

        String w = "windows-edited.conf";
        assertEquals(List.of(
                new Row("global", "workgroup", "EXAMPLE", w, 2),
                new Row("global", "hosts allow", "10.0.0.0/8 172.16.0.0/12", w, 4),
                new Row("global", "sidecar ctdb-bridge:shutdown timeout", "30s", w, 6),
                new Row("Public", "path", "/srv/public", w, 9),
                new Row("Public", "guest ok", "yes", w, 10)), rows(r));
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void globalSectionNameIgnoresCaseAndWhitespace() throws Exception {
        Path f = write("smb.conf", """
                [ Global ]
                a = 1
                [GLOBALS]
                b = 2
                [glob al]
                c = 3
                [global share]
                d = 4
                """);
        SmbConfParser.Result r = SmbConfParser.parse(f);

        assertEquals(List.of(true, true, true, false), r.entries().stream().map(SmbConfParser.Entry::inGlobal).toList());
        // the name is kept as written, only the comparison is loose
        assertEquals(" Global ", r.entries().get(0).section());
    }

    @Test
    void namesAndValuesLoseOneBlankEachSideAndInnerRunsCollapse() throws Exception {
        // a run of blanks and tabs shrinks to its first character, then one is trimmed each side
        Path f = write("smb.conf", "[global]\n  server \t string\t \t=  \t My   file\t server  \nempty =\nnothing = \n");
        SmbConfParser.Result r = SmbConfParser.parse(f);

        assertEquals(List.of(
                new Row("global", "server string", "My file\tserver", "smb.conf", 2),
                new Row("global", "empty", "", "smb.conf", 3),
                new Row("global", "nothing", "", "smb.conf", 4)), rows(r));
    }

    @Test
    void continuationJoinsTheNextLineEvenWhenItLooksLikeAComment() throws Exception {
        Path f = write("smb.conf", "[global]\ncomment = first \\\n# still the value\nnext = 1\n");
        SmbConfParser.Result r = SmbConfParser.parse(f);

        assertEquals(List.of(
                new Row("global", "comment", "first # still the value", "smb.conf", 2),
                new Row("global", "next", "1", "smb.conf", 4)), rows(r));
    }

    @Test
    void continuationSpanningSeveralLinesKeepsTheFirstLineAsOrigin() throws Exception {
        Path f = write("smb.conf", "[global]\n\n\n\tvfs objects = \\\n\t\tacl_xattr \\\n\t\tctdb_fileid\\\nfruit\nafter = x\n");
        SmbConfParser.Result r = SmbConfParser.parse(f);

        // "\" with no blank before it joins the words: Samba does not add a blank of its own
        assertEquals(List.of(
                new Row("global", "vfs objects", "acl_xattr ctdb_fileidfruit", "smb.conf", 4),
                new Row("global", "after", "x", "smb.conf", 8)), rows(r));
    }

    @Test
    void sectionHeaderWithoutClosingBracketRejectsTheWholeFileAtItsLine() throws Exception {
        Path f = write("smb.conf", """
                [global]
                \tworkgroup = EXAMPLE
                # the share below lost its ']'

                [data
                \tpath = /srv/data
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(f));

        assertEquals(new ConfigOrigin(canonical(f), 5), e.origin());
        assertTrue(e.getMessage().startsWith(canonical(f) + ":5: "), e.getMessage());
        assertTrue(e.getMessage().contains("']'"), e.getMessage());
    }

    @Test
    void missingBracketInAnIncludedFileNamesThatFile() throws Exception {
        Path main = write("smb.conf", "[global]\ninclude = shares.conf\n");
        Path shares = write("shares.conf", "\n\n[broken\npath = /x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(main));

        assertEquals(new ConfigOrigin(canonical(shares), 3), e.origin());
    }

    @Test
    void parameterWithoutNameIsAnError() throws Exception {
        Path f = write("smb.conf", "[global]\n= orphan value\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(f));

        assertEquals(2, e.origin().line());
    }

    @Test
    void includeCycleIsAnErrorNamingTheIncludeLineThatClosesIt() throws Exception {
        Path a = write("a.conf", "[global]\n\tworkgroup = EXAMPLE\n\tinclude = b.conf\n");
        Path b = write("b.conf", "# second half\n\n\tinclude = a.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(a));

        assertEquals(new ConfigOrigin(canonical(b), 3), e.origin());
        assertEquals("include", e.key());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        assertTrue(e.getMessage().contains(canonical(a)), e.getMessage());
    }

    @Test
    void fileIncludingItselfIsACycle() throws Exception {
        Path a = write("smb.conf", "[global]\ninclude = ./smb.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(a));

        assertEquals(new ConfigOrigin(canonical(a), 2), e.origin());
    }

    @Test
    void sameFileIncludedTwiceInARowIsNotACycle() throws Exception {
        Path main = write("smb.conf", "[global]\ninclude = common.conf\n[other]\ninclude = common.conf\n");
        write("common.conf", "x = 1\n");
        SmbConfParser.Result r = SmbConfParser.parse(main);

        assertEquals(List.of("global", "other"), r.entries().stream().map(SmbConfParser.Entry::section).toList());
    }

    @Test
    void relativeIncludesResolveAgainstTheIncludingFilesDirectory() throws Exception {
        Path main = write("etc/smb.conf", "[global]\ninclude = conf.d/cluster.conf\nlast = main\n");
        Path cluster = write("etc/conf.d/cluster.conf", "clustering = yes\ninclude = nodes.conf\n");
        Path nodes = write("etc/conf.d/nodes.conf", "[node]\nname = fs-node1\n");
        // a same-named file next to the main file must not be picked instead
        write("etc/nodes.conf", "[wrong]\nname = wrong\n");

        SmbConfParser.Result r = SmbConfParser.parse(main);

        assertEquals(List.of(
                new Row("global", "clustering", "yes", "cluster.conf", 1),
                new Row("node", "name", "fs-node1", "nodes.conf", 2),
                new Row("node", "last", "main", "smb.conf", 3)), rows(r));
        assertEquals(List.of(canonical(main), canonical(cluster), canonical(nodes)),
                r.files().stream().map(Path::toString).toList());
    }

    @Test
    void absoluteIncludeIsFollowed() throws Exception {
        Path extra = write("elsewhere/extra.conf", "extra = yes\n");
        Path main = write("smb.conf", "[global]\ninclude = " + extra.toAbsolutePath() + "\n");

        assertEquals(List.of(new Row("global", "extra", "yes", "extra.conf", 1)), rows(SmbConfParser.parse(main)));
    }

    @Test
    void missingIncludeIsAWarningAndReadingGoesOn() throws Exception {
        Path main = write("smb.conf", "[global]\n\n\tinclude = /etc/samba/does-not-exist.conf\n\tworkgroup = EXAMPLE\n");
        SmbConfParser.Result r = SmbConfParser.parse(main);

        assertEquals(List.of(new Row("global", "workgroup", "EXAMPLE", "smb.conf", 4)), rows(r));
        assertEquals(1, r.warnings().size());
        String w = r.warnings().get(0);
        assertTrue(w.startsWith(canonical(main) + ":3: "), w);
        assertTrue(w.contains("/etc/samba/does-not-exist.conf"), w);
    }

    @Test
    void registryAndPercentIncludesAreSkippedWithWarnings() throws Exception {
        // %m.conf would be picked up if substitutions were attempted
        write("%m.conf", "leaked = yes\n");
        Path main = write("smb.conf", "[global]\ninclude = registry\ninclude = %m.conf\nafter = 1\n");
        SmbConfParser.Result r = SmbConfParser.parse(main);

        assertEquals(List.of(new Row("global", "after", "1", "smb.conf", 4)), rows(r));
        assertEquals(2, r.warnings().size(), r.warnings().toString());
        assertAll(
                () -> assertTrue(r.warnings().get(0).startsWith(canonical(main) + ":2: "), r.warnings().get(0)),
                () -> assertTrue(r.warnings().get(0).contains("registry"), r.warnings().get(0)),
                () -> assertTrue(r.warnings().get(1).startsWith(canonical(main) + ":3: "), r.warnings().get(1)),
                () -> assertTrue(r.warnings().get(1).contains("%m.conf"), r.warnings().get(1)));
        assertEquals(List.of(canonical(main)), r.files().stream().map(Path::toString).toList());
    }

    @Test
    void includeKeywordIsMatchedIgnoringCaseAndBlanks() throws Exception {
        Path main = write("smb.conf", "[global]\n IN clude = other.conf\n");
        write("other.conf", "from other = yes\n");

        assertEquals(List.of(new Row("global", "from other", "yes", "other.conf", 1)), rows(SmbConfParser.parse(main)));
    }

    @Test
    void missingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> SmbConfParser.parse(missing));

        assertTrue(e.getMessage().contains(canonical(missing)), e.getMessage());
        assertNotNull(e.origin());
        assertFalse(e.origin().isFile(), "there is no line to point at");
    }

    @Test
    void emptyAndCommentOnlyFilesHaveNoEntries() throws Exception {
        assertEquals(List.of(), SmbConfParser.parse(write("empty.conf", "")).entries());
        SmbConfParser.Result r = SmbConfParser.parse(write("comments.conf", "# a\n  ; b\n\t\n\n"));
        assertEquals(List.of(), r.entries());
        assertEquals(List.of(), r.warnings());
    }
}

package dev.sambasidecars.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionTypesTest {

    /** Asserts that {@code text} is refused the way the loader expects: with an IllegalArgumentException. */
    private static IllegalArgumentException refused(OptionType<?> type, String text) {
        return assertThrows(IllegalArgumentException.class, () -> type.parse(text), () -> "'" + text + "' was accepted");
    }

    @Nested
    class Strings {
        private final OptionType<String> type = OptionTypes.string();

        @Test
        void keepsTheTextExactly() {
            assertEquals(" Clustered  file service ", type.parse(" Clustered  file service "));
            assertEquals("", type.parse(""));
            assertEquals("a = b", type.format(type.parse("a = b")));
        }
    }

    @Nested
    class Integers {
        private final OptionType<Integer> port = OptionTypes.integer(1, 65535);

        @ParameterizedTest
        @CsvSource({"1, 1", "65535, 65535", "'  445 ', 445", "+139, 139"})
        void acceptsDecimalsWithinTheRange(String text, int expected) {
            assertEquals(expected, port.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "65536", "-1", "2147483648"})
        void refusesNumbersOutsideTheRange(String text) {
            refused(port, text);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  ", "eighty", "0x1bd", "4 45", "1e3", "12.0"})
        void refusesWhatIsNotADecimalInteger(String text) {
            IllegalArgumentException e = refused(port, text);
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }

        @Test
        void saysWhatIsAllowed() {
            assertEquals("an integer from 1 to 65535", port.allowed());
        }

        @Test
        void roundTrips() {
            for (int v : new int[] {1, 445, 65535}) {
                assertEquals(v, port.parse(port.format(v)));
            }
        }
    }

    @Nested
    class Booleans {
        private final OptionType<Boolean> type = OptionTypes.bool();

        @ParameterizedTest
        @ValueSource(strings = {"yes", "Yes", "YES", "true", "True", "on", "ON", "1", " yes "})
        void sambaSpellingsOfTrue(String text) {
            assertEquals(Boolean.TRUE, type.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"no", "No", "NO", "false", "FALSE", "off", "Off", "0", "\tno\t"})
        void sambaSpellingsOfFalse(String text) {
            assertEquals(Boolean.FALSE, type.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "y", "n", "2", "-1", "yess", "enabled", "disable", "nope", "t", "f", "yes no"})
        void anythingElseIsRefused(String text) {
            refused(type, text);
        }

        @Test
        void formatsAsSambaWritesIt() {
            assertEquals("yes", type.format(true));
            assertEquals("no", type.format(false));
            assertEquals(true, type.parse(type.format(true)));
            assertEquals(false, type.parse(type.format(false)));
        }
    }

    @Nested
    class Durations {
        private final OptionType<Duration> type = OptionTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10));
        private final OptionType<Duration> wide = OptionTypes.duration(Duration.ZERO, Duration.ofDays(365));

        @ParameterizedTest
        @CsvSource({
            "250ms, PT0.25S",
            "30s, PT30S",
            "5m, PT5M",
            "2h, PT2H",
            "1d, PT24H",
            "45, PT45S",
            "' 10 S ', PT10S",
            "1500MS, PT1.5S",
            "0, PT0S"})
        void unitsAndBareSeconds(String text, Duration expected) {
            assertEquals(expected, wide.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"100ms", "1", "10m", "600s", "600000ms"})
        void boundsAreInclusive(String text) {
            type.parse(text);
        }

        @ParameterizedTest
        @ValueSource(strings = {"99ms", "0", "0s", "601s", "11m", "1h", "1d"})
        void outOfRangeIsRefused(String text) {
            IllegalArgumentException e = refused(type, text);
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "s", "1.5s", "-5s", "5 minutes", "5min", "1w", "PT5S", "5s 3ms", "1h30m"})
        void malformedIsRefused(String text) {
            refused(wide, text);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "99999999999999999999", // more than a long holds
            "999999999999999999d", // fits a long, overflows a Duration in seconds
            "999999999999999999h",
            "999999999999999999m"})
        void absurdlyLargeIsRefusedNotCrashed(String text) {
            IllegalArgumentException e = refused(wide, text);
            assertTrue(e.getMessage().contains(text.trim()), e.getMessage());
        }

        @ParameterizedTest
        @CsvSource({"PT0.25S, 250ms", "PT1.5S, 1500ms", "PT30S, 30s", "PT90S, 90s", "PT2M, 2m", "PT1H, 1h",
            "PT1H30M, 90m", "PT24H, 24h", "PT0S, 0s"})
        void formatPicksTheLargestExactUnit(Duration value, String expected) {
            assertEquals(expected, wide.format(value));
        }

        @ParameterizedTest
        @ValueSource(strings = {"PT0.1S", "PT0.999S", "PT1S", "PT59S", "PT61S", "PT10M", "PT1H1S", "PT48H", "P365D"})
        void roundTrips(Duration d) {
            assertEquals(d, wide.parse(wide.format(d)));
        }

        @Test
        void allowedNamesTheBoundsInSmbConfSpelling() {
            String allowed = type.allowed();
            assertTrue(allowed.contains("from 100ms to 10m"), allowed);
        }
    }

    @Nested
    class Addresses {
        private final OptionType<HostPort> type = OptionTypes.address();

        @ParameterizedTest
        @CsvSource({
            "127.0.0.1:9701, 127.0.0.1, 9701",
            "'  0.0.0.0:0 ', 0.0.0.0, 0",
            "fs-node1.example.com:65535, fs-node1.example.com, 65535",
            "[::1]:9701, ::1, 9701",
            "[fd00:10::11]:445, fd00:10::11, 445"})
        void hostAndPort(String text, String host, int port) {
            assertEquals(new HostPort(host, port), type.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "", "127.0.0.1", ":9701", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:-1", "127.0.0.1:65536",
            "::1:9701", "[::1]", "[::1]9701", "[::1:9701", "[::1]:", "[]:9701", "host:1:2"})
        void badFormsAreRefused(String text) {
            refused(type, text);
        }

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1:9701", "[::1]:0", "[fe80::1]:65535", "localhost:1"})
        void formatRoundTrips(String text) {
            HostPort hp = type.parse(text);
            assertEquals(text, type.format(hp));
            assertEquals(hp, type.parse(type.format(hp)));
        }
    }

    @Nested
    class Paths {
        private final OptionType<Path> type = OptionTypes.path();

        @Test
        void absolutePathsAreNormalised() {
            assertEquals(Path.of("/run/samba-sidecars"), type.parse("/run/samba-sidecars"));
            assertEquals(Path.of("/run/samba-sidecars"), type.parse(" /run/./samba-sidecars/ "));
            assertEquals(Path.of("/var/lib/ctdb"), type.parse("/var/run/../lib/ctdb"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "run/samba-sidecars", "./sock", "../sock", "~/sock", "sock"})
        void relativePathsAreRefused(String text) {
            refused(type, text);
        }

        @Test
        void roundTrips() {
            Path p = type.parse("/run/samba-sidecars");
            assertEquals("/run/samba-sidecars", type.format(p));
            assertEquals(p, type.parse(type.format(p)));
        }
    }

    @Nested
    class Words {
        private final OptionType<String> type = OptionTypes.oneOf("error", "warn", "info", "debug", "trace");

        @ParameterizedTest
        @CsvSource({"info, info", "INFO, info", "' Debug ', debug", "trace, trace"})
        void matchesAnyCaseAndReturnsTheDeclaredWord(String text, String expected) {
            assertEquals(expected, type.parse(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "verbose", "warning", "inf", "info debug"})
        void othersAreRefused(String text) {
            refused(type, text);
        }

        @Test
        void allowedListsTheWords() {
            assertEquals("one of error, warn, info, debug, trace", type.allowed());
        }
    }

    @Nested
    class Lists {
        private final OptionType<List<Integer>> gids = OptionTypes.list(OptionTypes.integer(0, Integer.MAX_VALUE));
        private final OptionType<List<String>> words = OptionTypes.list(OptionTypes.string());

        @Test
        void commasBlanksAndTheirMixSeparate() {
            assertEquals(List.of(3000010, 3000011, 3000012, 4), gids.parse("3000010, 3000011 3000012,,4"));
            assertEquals(List.of(1, 2), gids.parse("\t1\t2\t"));
            assertEquals(List.of(), gids.parse(""));
            assertEquals(List.of(), gids.parse(" , ,"));
        }

        @Test
        void doubleQuotesKeepBlanksAndCommasInOneItem() {
            assertEquals(List.of("Domain Users", "fs,admins", "x"), words.parse("\"Domain Users\", \"fs,admins\" x"));
            // quotes may sit inside a word, as in Samba
            assertEquals(List.of("ab cd"), words.parse("a\"b c\"d"));
        }

        @Test
        void unbalancedQuoteIsRefused() {
            IllegalArgumentException e = refused(words, "\"Domain Users, x");
            assertTrue(e.getMessage().contains("quote"), e.getMessage());
        }

        @Test
        void badItemIsNamedByPosition() {
            IllegalArgumentException e = refused(gids, "10, 20, twelve");
            assertTrue(e.getMessage().startsWith("list item 3: "), e.getMessage());
            assertTrue(e.getMessage().contains("twelve"), e.getMessage());
        }

        @Test
        void resultIsImmutable() {
            List<Integer> parsed = gids.parse("1 2");
            assertThrows(UnsupportedOperationException.class, () -> parsed.add(3));
        }

        @Test
        void formatQuotesOnlyWhereNeededAndRoundTrips() {
            List<String> value = List.of("Domain Users", "fs,admins", "plain");
            String text = words.format(value);
            assertEquals("\"Domain Users\", \"fs,admins\", plain", text);
            assertEquals(value, words.parse(text));

            assertEquals("1, 2, 3", gids.format(List.of(1, 2, 3)));
            assertEquals(List.of(1, 2, 3), gids.parse(gids.format(List.of(1, 2, 3))));
            assertEquals("", gids.format(List.of()));
        }

        @Test
        void allowedDescribesTheElements() {
            assertTrue(gids.allowed().contains("an integer from 0 to 2147483647"), gids.allowed());
        }
    }
}

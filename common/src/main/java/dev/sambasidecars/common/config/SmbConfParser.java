package dev.sambasidecars.common.config;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads smb.conf the way Samba does (its {@code tini} parser and loadparm's include handling):
 * leading whitespace is ignored; lines whose first character is {@code #} or {@code ;} are
 * comments (there are no trailing comments); a line ending in {@code \} (or {@code \} and one
 * blank) continues on the next one; runs of whitespace collapse to one blank; a section header
 * without {@code ]} makes the whole file invalid; a line without {@code =} is ignored;
 * parameters before the first section belong to {@code [global]}. {@code include = FILE} is
 * read in place and the section in force at its end stays in force, as in Samba.
 *
 * <p>Unlike Samba, a relative include path is resolved against the including file's directory
 * (Samba uses its working directory, which is {@code /} for a daemon), includes that use
 * {@code %} substitutions or the registry are skipped with a warning (they depend on the
 * connecting client), and an include cycle is an error instead of an endless loop.
 */
public final class SmbConfParser {

    /** Largest smb.conf (or included file) read; Samba's own files are a few kB. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private static final int MAX_INCLUDE_DEPTH = 32;

    /** One parameter as written, in file order. */
    public record Entry(String section, String name, String value, ConfigOrigin origin) {
        /** True when the parameter is in {@code [global]} (or before any section). */
        public boolean inGlobal() {
            return Names.isGlobalSection(section);
        }

        /** The name as Samba compares it: lower case, no whitespace. */
        public String normalizedName() {
            return Names.normalize(name);
        }
    }

    /** Everything read: parameters in order and what was noticed but not fatal. */
    public record Result(List<Entry> entries, List<String> warnings, List<Path> files) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final Deque<Path> includeStack = new ArrayDeque<>();
    private String section = "global";

    private SmbConfParser() {}

    /** Parses {@code file} and everything it includes. */
    public static Result parse(Path file) throws ConfigException {
        SmbConfParser p = new SmbConfParser();
        p.readFile(file, null);
        return new Result(List.copyOf(p.entries), List.copyOf(p.warnings), List.copyOf(p.files));
    }

    private void readFile(Path file, ConfigOrigin includedFrom) throws ConfigException {
        Path real = file.toAbsolutePath().normalize();
        if (includeStack.contains(real)) {
            throw new ConfigException(includedFrom, "include", "include cycle: " + real + " is already being read");
        }
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(includedFrom, "include", "includes nested deeper than " + MAX_INCLUDE_DEPTH);
        }
        String text = readText(real, includedFrom);
        includeStack.push(real);
        files.add(real);
        try {
            new LineReader(text).forEach((line, lineNo) -> handleLine(real, line, lineNo));
        } catch (UncheckedConfig e) {
            throw e.cause;
        } finally {
            includeStack.pop();
        }
    }

    private static String readText(Path file, ConfigOrigin includedFrom) throws ConfigException {
        ConfigOrigin where = includedFrom != null ? includedFrom : new ConfigOrigin(file.toString(), 0);
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(where, null, file + " is " + size + " bytes; at most " + MAX_FILE_BYTES + " are read");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new ConfigException(where, null, "cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(where, null, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private void handleLine(Path file, String line, int lineNo) {
        ConfigOrigin origin = ConfigOrigin.of(file, lineNo);
        if (line.charAt(0) == '[') {
            int close = line.indexOf(']');
            if (close < 0) {
                throw new UncheckedConfig(new ConfigException(origin, null,
                        "section header has no closing ']' (Samba refuses the whole file)"));
            }
            section = line.substring(1, close);
            return;
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
            warnings.add(origin + ": ignored line without '=' (as Samba does): " + line);
            return;
        }
        String name = trimOne(line.substring(0, eq));
        if (name.isEmpty()) {
            throw new UncheckedConfig(new ConfigException(origin, null, "parameter line has no name before '='"));
        }
        String value = trimOne(line.substring(eq + 1));
        if (Names.normalize(name).equals("include")) {
            include(file, value, origin);
            return;
        }
        entries.add(new Entry(section, name, value, origin));
    }

    private void include(Path from, String value, ConfigOrigin origin) {
        if (value.equalsIgnoreCase("registry")) {
            warnings.add(origin + ": 'include = registry' skipped: registry configuration is not read");
            return;
        }
        if (value.contains("%")) {
            warnings.add(origin + ": include '" + value + "' skipped: it depends on %-substitutions made per client");
            return;
        }
        Path target = from.resolveSibling(value);
        if (!Files.exists(target)) {
            warnings.add(origin + ": include file " + target + " not found, skipped (as Samba does)");
            return;
        }
        try {
            readFile(target, origin);
        } catch (ConfigException e) {
            throw new UncheckedConfig(e);
        }
    }

    /** Samba trims one whitespace character on each side of names and values. */
    private static String trimOne(String s) {
        int start = 0;
        int end = s.length();
        if (end > 0 && Character.isWhitespace(s.charAt(0))) {
            start = 1;
        }
        if (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Carries a checked exception out of the per-line callback. */
    private static final class UncheckedConfig extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ConfigException cause;

        UncheckedConfig(ConfigException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }
}

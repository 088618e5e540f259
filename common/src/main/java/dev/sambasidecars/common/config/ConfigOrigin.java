package dev.sambasidecars.common.config;

import java.nio.file.Path;

/**
 * Where an option value came from: a line of an smb.conf file, the command line, or the
 * option's built-in default.
 *
 * @param source a file path, {@code "--set"} or {@code "default"}
 * @param line the 1-based line in {@code source}, or 0 when not from a file
 */
public record ConfigOrigin(String source, int line) {

    /** The value was given with {@code --set} on the command line. */
    public static final ConfigOrigin COMMAND_LINE = new ConfigOrigin("--set", 0);

    /** The value is the option's default. */
    public static final ConfigOrigin DEFAULT = new ConfigOrigin("default", 0);

    /** A line of an smb.conf file. */
    public static ConfigOrigin of(Path file, int line) {
        return new ConfigOrigin(file.toString(), line);
    }

    /** True when the value was written in a file. */
    public boolean isFile() {
        return line > 0;
    }

    @Override
    public String toString() {
        return isFile() ? source + ":" + line : source;
    }
}

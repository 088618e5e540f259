package dev.sambasidecars.common.config;

import java.util.Objects;

/**
 * One {@code sidecar <module>:<name>} option: its type, its default and a line of help.
 *
 * @param name the name as documented, e.g. {@code "metrics address"}
 * @param type how the value is checked
 * @param defaultValue the value when smb.conf and the command line say nothing
 * @param description one line for {@code --help} and {@code sidecarctl config check}
 * @param <T> the value type
 */
public record Option<T>(String name, OptionType<T> type, T defaultValue, String description) {

    public Option {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
    }

    /** Declares an option. */
    public static <T> Option<T> of(String name, OptionType<T> type, T defaultValue, String description) {
        return new Option<>(name, type, defaultValue, description);
    }

    /** The same option with another default (e.g. each daemon's metrics port). */
    public Option<T> withDefault(T newDefault) {
        return new Option<>(name, type, newDefault, description);
    }

    /** The name as Samba compares it (lower case, no whitespace). */
    public String key() {
        return Names.normalize(name);
    }

    /** The default as written in smb.conf. */
    public String defaultText() {
        return type.format(defaultValue);
    }
}

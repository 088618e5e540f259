package dev.sambasidecars.common.config;

/**
 * How the text of one option is checked and turned into a value.
 *
 * @param <T> the value type
 */
public interface OptionType<T> {

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} whose message says what is
     * wrong with it.
     */
    T parse(String text);

    /** What is allowed, for error messages and {@code --help}: "an integer from 1 to 65535". */
    String allowed();

    /** The value as an operator would write it back into smb.conf. */
    default String format(T value) {
        return String.valueOf(value);
    }
}

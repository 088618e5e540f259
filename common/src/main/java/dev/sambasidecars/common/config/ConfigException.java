package dev.sambasidecars.common.config;

/**
 * A configuration that a daemon must not start with: an unknown {@code sidecar …:} key, a bad
 * value, an unreadable or malformed smb.conf. The message names the file and line, the key and
 * what is allowed, so an operator can fix it without reading code. Daemons exit with status 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ConfigOrigin origin;
    private final String key;

    public ConfigException(ConfigOrigin origin, String key, String problem) {
        super(format(origin, key, problem));
        this.origin = origin;
        this.key = key;
    }

    private static String format(ConfigOrigin origin, String key, String problem) {
        StringBuilder sb = new StringBuilder();
        if (origin != null) {
            sb.append(origin).append(": ");
        }
        if (key != null && !key.isEmpty()) {
            sb.append('\'').append(key).append("': ");
        }
        return sb.append(problem).toString();
    }

    /** Where the offending setting is, or {@code null} when it is not about one setting. */
    public ConfigOrigin origin() {
        return origin;
    }

    /** The offending key as written, or {@code null}. */
    public String key() {
        return key;
    }
}

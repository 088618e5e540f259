package dev.sambasidecars.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The option types every module declares its options with. */
public final class OptionTypes {
    private OptionTypes() {}

    /** Any text, as written. */
    public static OptionType<String> string() {
        return new OptionType<>() {
            @Override
            public String parse(String text) {
                return text;
            }

            @Override
            public String allowed() {
                return "any text";
            }
        };
    }

    /** A decimal integer in {@code [min, max]}. */
    public static OptionType<Integer> integer(int min, int max) {
        return new OptionType<>() {
            @Override
            public Integer parse(String text) {
                int v;
                try {
                    v = Integer.parseInt(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not an integer");
                }
                if (v < min || v > max) {
                    throw new IllegalArgumentException(v + " is out of range");
                }
                return v;
            }

            @Override
            public String allowed() {
                return "an integer from " + min + " to " + max;
            }
        };
    }

    /** A boolean in Samba's spellings: yes/no, true/false, on/off, 1/0, any case. */
    public static OptionType<Boolean> bool() {
        return new OptionType<>() {
            @Override
            public Boolean parse(String text) {
                return switch (text.trim().toLowerCase(Locale.ROOT)) {
                    case "yes", "true", "on", "1" -> true;
                    case "no", "false", "off", "0" -> false;
                    default -> throw new IllegalArgumentException("'" + text + "' is not a boolean");
                };
            }

            @Override
            public String allowed() {
                return "yes/no, true/false, on/off or 1/0";
            }

            @Override
            public String format(Boolean value) {
                return value ? "yes" : "no";
            }
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    /**
     * A duration: a whole number with a unit ({@code ms}, {@code s}, {@code m}, {@code h},
     * {@code d}); a bare number is seconds, as most Samba and CTDB timeouts are.
     */
    public static OptionType<Duration> duration(Duration min, Duration max) {
        return new OptionType<>() {
            @Override
            public Duration parse(String text) {
                Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
                if (!m.matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a duration");
                }
                long n;
                try {
                    n = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is too large");
                }
                String unit = m.group(2) == null ? "s" : m.group(2);
                Duration d;
                try {
                    d = switch (unit) {
                        case "ms" -> Duration.ofMillis(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofSeconds(n);
                    };
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("'" + text + "' is too large");
                }
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    throw new IllegalArgumentException(text + " is out of range");
                }
                return d;
            }

            @Override
            public String allowed() {
                return "a duration from " + format(min) + " to " + format(max)
                        + " (a number with ms, s, m, h or d; seconds when bare)";
            }

            @Override
            public String format(Duration d) {
                long ms = d.toMillis();
                if (ms % 1000 != 0) {
                    return ms + "ms";
                }
                long s = ms / 1000;
                if (s != 0 && s % 3600 == 0) {
                    return s / 3600 + "h";
                }
                if (s != 0 && s % 60 == 0) {
                    return s / 60 + "m";
                }
                return s + "s";
            }
        };
    }

    /** A {@code host:port} address; IPv6 hosts in brackets. Port 0 means any free port. */
    public static OptionType<HostPort> address() {
        return new OptionType<>() {
            @Override
            public HostPort parse(String text) {
                String t = text.trim();
                String host;
                String port;
                if (t.startsWith("[")) {
                    int close = t.indexOf(']');
                    if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                        throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
                    }
                    host = t.substring(1, close);
                    port = t.substring(close + 2);
                } else {
                    int colon = t.lastIndexOf(':');
                    if (colon <= 0 || t.indexOf(':') != colon) {
                        throw new IllegalArgumentException("'" + text + "' is not host:port");
                    }
                    host = t.substring(0, colon);
                    port = t.substring(colon + 1);
                }
                try {
                    return new HostPort(host, Integer.parseInt(port));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + port + "' is not a port number");
                }
            }

            @Override
            public String allowed() {
                return "host:port or [ipv6]:port, port 0 to 65535";
            }
        };
    }

    /** An absolute file-system path. */
    public static OptionType<Path> path() {
        return new OptionType<>() {
            @Override
            public Path parse(String text) {
                String t = text.trim();
                if (!t.startsWith("/")) {
                    throw new IllegalArgumentException("'" + text + "' is not an absolute path");
                }
                return Path.of(t).normalize();
            }

            @Override
            public String allowed() {
                return "an absolute path";
            }
        };
    }

    /** One of a fixed set of words, any case. */
    public static OptionType<String> oneOf(String... words) {
        return new OptionType<>() {
            @Override
            public String parse(String text) {
                String t = text.trim().toLowerCase(Locale.ROOT);
                for (String w : words) {
                    if (w.equals(t)) {
                        return w;
                    }
                }
                throw new IllegalArgumentException("'" + text + "' is not one of the allowed words");
            }

            @Override
            public String allowed() {
                return "one of " + String.join(", ", words);
            }
        };
    }

    /**
     * A list in Samba's list syntax: items separated by commas or whitespace; an item with
     * blanks in it is written in double quotes.
     */
    public static <T> OptionType<List<T>> list(OptionType<T> element) {
        return new OptionType<>() {
            @Override
            public List<T> parse(String text) {
                List<T> out = new ArrayList<>();
                for (String item : splitList(text)) {
                    try {
                        out.add(element.parse(item));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("list item " + (out.size() + 1) + ": " + e.getMessage());
                    }
                }
                return List.copyOf(out);
            }

            @Override
            public String allowed() {
                return "a list (comma or blank separated) of " + element.allowed();
            }

            @Override
            public String format(List<T> value) {
                List<String> items = new ArrayList<>();
                for (T v : value) {
                    String s = element.format(v);
                    items.add(s.chars().anyMatch(Character::isWhitespace) || s.contains(",") ? '"' + s + '"' : s);
                }
                return String.join(", ", items);
            }
        };
    }

    static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == ',' || Character.isWhitespace(c))) {
                if (!cur.isEmpty()) {
                    items.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced double quote");
        }
        if (!cur.isEmpty()) {
            items.add(cur.toString());
        }
        return items;
    }
}

package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.api.v1.Filter;
import dev.sambasidecars.witness.msswn.Registration;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An operator's {@link Filter} as a predicate: registration id exactly, the other fields by
 * case-insensitive regular expressions found anywhere in the field (a missing share name
 * matches as ""), every given criterion at once.
 */
final class AdminFilter {
    private AdminFilter() {}

    /** True when the filter names no criterion and not {@code all}. */
    static boolean empty(Filter f) {
        return !f.getAll() && f.getRegistrationId().isEmpty() && f.getNetName().isEmpty() && f.getShareName().isEmpty()
                && f.getIp().isEmpty() && f.getClientName().isEmpty();
    }

    /**
     * @throws IllegalArgumentException naming the field whose expression does not compile
     */
    static Predicate<Registration> of(Filter f) {
        Predicate<Registration> p = r -> true;
        if (!f.getRegistrationId().isEmpty()) {
            String id = f.getRegistrationId().strip();
            p = p.and(r -> r.id().toString().equalsIgnoreCase(id));
        }
        p = p.and(field("net name", f.getNetName(), r -> r.info().netName()));
        p = p.and(field("share name", f.getShareName(), r -> r.info().shareName()));
        p = p.and(field("ip", f.getIp(), r -> r.info().ip().getHostAddress()));
        return p.and(field("client name", f.getClientName(), r -> r.info().clientName()));
    }

    private static Predicate<Registration> field(String name, String regex,
                                                 java.util.function.Function<Registration, String> value) {
        if (regex.isEmpty()) {
            return r -> true;
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad " + name + " expression '" + regex + "': " + e.getDescription());
        }
        return r -> {
            String v = value.apply(r);
            return pattern.matcher(v == null ? "" : v).find();
        };
    }
}

package dev.sambasidecars.common.config;

import java.util.Locale;

/** Samba compares parameter names ignoring case and all whitespace (its {@code strwicmp}). */
final class Names {
    private Names() {}

    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isWhitespace(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    static boolean isGlobalSection(String section) {
        String n = normalize(section);
        return n.equals("global") || n.equals("globals");
    }
}

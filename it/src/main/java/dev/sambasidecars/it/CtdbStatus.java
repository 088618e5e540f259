package dev.sambasidecars.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses CTDB's machine-readable output ({@code ctdb -X status}, {@code ctdb -X ip all}). */
public final class CtdbStatus {
    private CtdbStatus() {}

    /** One row of {@code ctdb -X status}: the node's flags by column name. */
    public record NodeState(int pnn, String address, Map<String, Boolean> flags) {
        /** True when no flag is set: connected, not banned, disabled, unhealthy, stopped or inactive. */
        public boolean ok() {
            return flags.entrySet().stream()
                    .filter(e -> !e.getKey().equals("ThisNode"))
                    .noneMatch(Map.Entry::getValue);
        }

        public boolean flag(String name) {
            return flags.getOrDefault(name, false);
        }
    }

    /** Rows of {@code ctdb -X status}, read by the header's column names. */
    public static List<NodeState> parseStatus(String text) {
        List<NodeState> out = new ArrayList<>();
        String[] header = null;
        for (String line : text.split("\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            String[] cols = line.substring(1).split("\\|", -1);
            if (cols[0].equals("Node")) {
                header = cols;
                continue;
            }
            if (header == null) {
                continue;
            }
            Map<String, Boolean> flags = new LinkedHashMap<>();
            for (int i = 2; i < header.length && i < cols.length; i++) {
                if (!header[i].isEmpty()) {
                    flags.put(header[i], cols[i].equals("1") || cols[i].equals("Y"));
                }
            }
            out.add(new NodeState(Integer.parseInt(cols[0]), cols[1], flags));
        }
        return out;
    }

    /** {@code ctdb -X ip all}: public IP to owning pnn (-1 when unassigned), in CTDB's order. */
    public static Map<String, Integer> parseIps(String text) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("|") || line.startsWith("|Public IP|")) {
                continue;
            }
            String[] cols = line.substring(1).split("\\|", -1);
            if (cols.length >= 2) {
                out.put(cols[0], Integer.parseInt(cols[1].trim()));
            }
        }
        return out;
    }
}

package dev.sambasidecars.ctdb.bridge;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Prefix lengths from CTDB's public_addresses file ({@code ADDRESS/MASKBITS IFACE[,IFACE…]}
 * per line, {@code #} comments): ctdbd's controls report addresses without them.
 */
final class PublicAddressesFile {
    private PublicAddressesFile() {}

    static Map<String, Integer> prefixes(Path file) {
        Map<String, Integer> out = new HashMap<>();
        if (!Files.isReadable(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String first = t.split("\\s+")[0];
                int slash = first.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                try {
                    String ip = dev.sambasidecars.ctdb.api.Addresses.canonical(first.substring(0, slash));
                    out.put(ip, Integer.parseInt(first.substring(slash + 1)));
                } catch (IllegalArgumentException ignored) {
                    // not an address CTDB would accept either
                }
            }
        } catch (IOException ignored) {
            // the prefixes are a courtesy; the model works without them
        }
        return out;
    }
}

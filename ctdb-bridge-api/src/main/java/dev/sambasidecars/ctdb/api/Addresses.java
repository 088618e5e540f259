package dev.sambasidecars.ctdb.api;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The one text form of an address in the cluster model: dotted quad for IPv4, RFC 5952 for
 * IPv6 (lower case, longest zero run as {@code ::}) — what CTDB's {@code inet_ntop} prints.
 */
public final class Addresses {
    private Addresses() {}

    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** Parses a literal address (no name lookup) and formats it canonically. */
    public static String canonical(String literal) {
        return format(InetAddress.ofLiteral(literal));
    }
}

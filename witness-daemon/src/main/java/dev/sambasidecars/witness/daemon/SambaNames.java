package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SmbConfParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the witness service takes from Samba's own smb.conf: the cluster's names (netbios name,
 * netbios aliases, dns hostname or netbios name + realm) and the share names.
 *
 * @param netbiosName smb.conf's netbios name, or the host name's first label when unset
 * @param netNames the names Register accepts
 * @param shares share (section) names, lower-case
 */
record SambaNames(String netbiosName, Set<String> netNames, Set<String> shares) {

    static SambaNames read(Path smbConf, String hostName) throws ConfigException {
        String netbios = null;
        String aliases = "";
        String realm = "";
        String dnsHostname = null;
        Set<String> shares = new LinkedHashSet<>();
        if (smbConf != null && Files.exists(smbConf)) {
            for (SmbConfParser.Entry e : SmbConfParser.parse(smbConf).entries()) {
                if (!e.inGlobal()) {
                    shares.add(e.section().toLowerCase(Locale.ROOT));
                    continue;
                }
                switch (e.normalizedName()) {
                    case "netbiosname" -> netbios = e.value().strip();
                    case "netbiosaliases" -> aliases = e.value();
                    case "realm" -> realm = e.value().strip();
                    case "dnshostname" -> dnsHostname = e.value().strip();
                    default -> { }
                }
            }
        }
        if (netbios == null || netbios.isEmpty()) {
            netbios = hostName.split("\\.")[0];
        }
        netbios = netbios.toUpperCase(Locale.ROOT);
        Set<String> names = new LinkedHashSet<>();
        names.add(netbios);
        for (String a : aliases.split("[\\s,]+")) {
            if (!a.isBlank()) {
                names.add(a.toUpperCase(Locale.ROOT));
            }
        }
        if (dnsHostname != null && !dnsHostname.isEmpty()) {
            names.add(dnsHostname.toUpperCase(Locale.ROOT));
        } else if (!realm.isEmpty()) {
            names.add((netbios + "." + realm).toUpperCase(Locale.ROOT));
        }
        return new SambaNames(netbios, Set.copyOf(names), Set.copyOf(shares));
    }

    /** The configured names when the operator listed some, else these. */
    Set<String> netNames(List<String> configured) {
        return configured.isEmpty() ? netNames : Set.copyOf(configured);
    }
}

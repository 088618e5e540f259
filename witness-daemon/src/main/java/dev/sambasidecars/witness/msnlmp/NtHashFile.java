package dev.sambasidecars.witness.msnlmp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads accounts from a Samba smbpasswd file (smbpasswd(5)):
 * {@code name:uid:LMHASH:NTHASH:[flags]:LCT-xxxxxxxx:}. The LM hash is ignored (LM is refused).
 * An NT hash of "NO PASSWORD...", or starting with '*' or 'X', means none; flag 'D' disables the
 * account and flag 'N' (null password) leaves it without a usable hash. Like Samba's
 * pdb_smbpasswd.c, malformed lines are skipped; they are logged by line number, never by content,
 * since the content is password-equivalent.
 */
public final class NtHashFile {

    private static final Logger LOG = LoggerFactory.getLogger(NtHashFile.class);
    private static final int HASH_HEX = 32;

    private NtHashFile() {}

    /** Reads {@code file} (ASCII/UTF-8). */
    public static NtHashCredentials load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Parses the lines of an smbpasswd file. */
    public static NtHashCredentials parse(List<String> lines) {
        NtHashCredentials.Builder builder = NtHashCredentials.builder();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Optional<NtHashCredentials.Account> account = parseLine(line);
            if (account.isEmpty()) {
                LOG.warn("smbpasswd line {}: malformed, skipped", lineNo);
            } else if (builder.contains(account.get().name())) {
                // Samba's lookup returns the first match, so a later duplicate can never log on.
                LOG.warn("smbpasswd line {}: duplicate user, skipped", lineNo);
            } else {
                builder.add(account.get());
            }
        }
        return builder.build();
    }

    /** Parses one non-comment line; empty when it does not follow smbpasswd(5). */
    static Optional<NtHashCredentials.Account> parseLine(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 4 || f[0].isEmpty() || !isUid(f[1]) || f[2].length() != HASH_HEX) {
            return Optional.empty();
        }
        String name = f[0];
        String ntField;
        int flagsAt;
        if (f[3].startsWith("[")) {
            // Old layout without an NT hash: name:uid:LMHASH:[flags]:LCT-...
            ntField = null;
            flagsAt = 3;
        } else if (f[3].length() == HASH_HEX) {
            ntField = f[3];
            flagsAt = 4;
        } else {
            return Optional.empty();
        }
        byte[] ntHash = null;
        if (ntField != null && !noHash(ntField)) {
            if (!isHex(ntField)) {
                return Optional.empty();
            }
            ntHash = HexFormat.of().parseHex(ntField);
        }
        boolean disabled = false;
        if (flagsAt < f.length && f[flagsAt].startsWith("[")) {
            String flags = f[flagsAt];
            int close = flags.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String letters = flags.substring(1, close);
            disabled = letters.indexOf('D') >= 0;
            if (letters.indexOf('N') >= 0) {
                ntHash = null; // 'N': the hashes are to be ignored; null passwords are not supported.
            }
        }
        return Optional.of(new NtHashCredentials.Account(name, ntHash, disabled));
    }

    private static boolean noHash(String field) {
        return field.startsWith("NO PASSWORD") || field.startsWith("*") || field.startsWith("X");
    }

    private static boolean isUid(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            // ASCII only: Character.digit would also accept e.g. full-width digits.
            if ("0123456789abcdefABCDEF".indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}

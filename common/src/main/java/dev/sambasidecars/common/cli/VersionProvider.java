package dev.sambasidecars.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version} of every launcher: the samba-sidecars release and the JVM it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** The samba-sidecars version this build carries. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/sambasidecars/common/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "${COMMAND-FULL-NAME} (samba-sidecars) " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}

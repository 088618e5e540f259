package dev.sambasidecars.common.config;

/**
 * An address to bind or connect to, as written in smb.conf: {@code 127.0.0.1:9701},
 * {@code [::1]:9701}, {@code 0.0.0.0:0} (port 0: any free port).
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

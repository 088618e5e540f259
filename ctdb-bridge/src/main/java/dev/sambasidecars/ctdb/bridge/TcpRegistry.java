package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.ctdb.client.CtdbClient;
import dev.sambasidecars.ctdb.protocol.TcpConnection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP connections other sidecars asked CTDB to tickle. ctdbd ties a registration to the client
 * connection that made it, so the bridge keeps the set and repeats it after each reconnection.
 */
final class TcpRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TcpRegistry.class);

    private final Set<TcpConnection> connections = new LinkedHashSet<>();

    /** Adds {@code c}; sends it now when {@code client} is there. Returns whether ctdbd took it. */
    synchronized boolean register(TcpConnection c, CtdbClient client) throws Exception {
        connections.add(c);
        if (client == null) {
            return false;
        }
        client.tcpClient(c);
        return true;
    }

    /** Removes {@code c}; tells ctdbd where it knows how (4.20+). Returns whether ctdbd forgot it. */
    synchronized boolean unregister(TcpConnection c, CtdbClient client) {
        connections.remove(c);
        if (client == null) {
            return false;
        }
        try {
            client.tcpClientDisconnected(c);
            return true;
        } catch (Exception e) {
            LOG.debug("ctdbd did not forget {}: {}", c, e.toString());
            return false;
        }
    }

    /** Sends every registration over a new connection. */
    synchronized void replay(CtdbClient client) {
        for (TcpConnection c : List.copyOf(connections)) {
            try {
                client.tcpClient(c);
            } catch (Exception e) {
                LOG.warn("re-registering {} with ctdbd failed: {}", c, e.toString());
            }
        }
    }

    synchronized int size() {
        return connections.size();
    }
}

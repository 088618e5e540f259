package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.msswn.Notification;
import dev.sambasidecars.witness.msswn.Notification.AddressList;
import dev.sambasidecars.witness.msswn.Notification.IpAddr;
import dev.sambasidecars.witness.msswn.Notification.ResourceChange;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessErrors;
import dev.sambasidecars.witness.msswn.WitnessService;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns changes in which node serves each public IP into notifications: when an address stops
 * being served by its node (released, moved, or its node went inactive) its registrations get a
 * RESOURCE_CHANGE UNAVAILABLE, and when a node serves it again an AVAILABLE, in that order across
 * a move. Version 2 registrations that asked for IP notifications get an IP_CHANGE for every
 * public address that goes offline or online.
 */
final class ClusterNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNotifier.class);

    private final WitnessService service;
    private Map<InetAddress, Integer> previous;

    ClusterNotifier(WitnessService service) {
        this.service = service;
    }

    /** Compares with the state last seen; {@code origin} is when the change reached ctdb-bridge. */
    synchronized void apply(ClusterInterfaces now, Instant origin) {
        Map<InetAddress, Integer> before = previous;
        previous = now.servedBy();
        if (before == null) {
            return;
        }
        Set<InetAddress> all = new HashSet<>(before.keySet());
        all.addAll(now.servedBy().keySet());
        for (InetAddress ip : all) {
            int was = before.getOrDefault(ip, -1);
            int is = now.servedBy().getOrDefault(ip, -1);
            if (was == is) {
                continue;
            }
            if (was >= 0) {
                send(ip, ResourceChange.UNAVAILABLE, IpAddr.offline(ip), origin);
            }
            if (is >= 0) {
                send(ip, ResourceChange.AVAILABLE, IpAddr.online(ip), origin);
            }
        }
    }

    private void send(InetAddress ip, int change, IpAddr addr, Instant origin) {
        String name = ip.getHostAddress();
        // One immutable response serves every registration it goes to.
        Registration.Response resource = new Registration.Response(List.of(new ResourceChange(change, name)),
                WitnessErrors.OK, origin);
        Registration.Response ipChange = new Registration.Response(
                List.<Notification>of(new AddressList(Notification.IP_CHANGE, List.of(addr))), WitnessErrors.OK, origin);
        int n = service.notify(r -> r.info().ip().equals(ip), r -> resource);
        int m = service.notify(r -> r.info().wantsIpChange(), r -> ipChange);
        LOG.info("{} {}: {} registrations told, {} IP-change registrations told", name,
                change == ResourceChange.AVAILABLE ? "available" : "unavailable", n, m);
    }
}

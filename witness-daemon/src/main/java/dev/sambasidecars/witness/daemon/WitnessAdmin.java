package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.api.v1.Filter;
import dev.sambasidecars.witness.api.v1.ForceResponseRequest;
import dev.sambasidecars.witness.api.v1.ForcedAddress;
import dev.sambasidecars.witness.api.v1.ForcedMessage;
import dev.sambasidecars.witness.api.v1.MoveRequest;
import dev.sambasidecars.witness.msswn.Notification;
import dev.sambasidecars.witness.msswn.Notification.AddressList;
import dev.sambasidecars.witness.msswn.Notification.IpAddr;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessService;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the operator commands do to this node's registrations: list, client and share moves,
 * forced unregistration and forced responses (the forms of Samba's {@code net witness}), and the
 * move a drain sends.
 */
final class WitnessAdmin {
    private final WitnessService service;
    private final Supplier<ClusterInterfaces> cluster;
    private final IntSupplier thisPnn;

    WitnessAdmin(WitnessService service, Supplier<ClusterInterfaces> cluster, IntSupplier thisPnn) {
        this.service = service;
        this.cluster = cluster;
        this.thisPnn = thisPnn;
    }

    int thisPnn() {
        return thisPnn.getAsInt();
    }

    List<dev.sambasidecars.witness.api.v1.Registration> list(Filter f) {
        Predicate<Registration> p = AdminFilter.empty(f) ? r -> true : AdminFilter.of(f);
        return service.registrations().stream().filter(p)
                .sorted(java.util.Comparator.comparing(r -> r.info().registered()))
                .map(r -> RegistrationProtos.toProto(r, thisPnn()))
                .toList();
    }

    private static Predicate<Registration> required(Filter f) {
        if (AdminFilter.empty(f)) {
            throw new IllegalArgumentException("name the registrations: a registration id, a net name, share, ip or "
                    + "client name expression, or all");
        }
        return AdminFilter.of(f);
    }

    /** The addresses a move names: node N's public IPs, one address, or a list. */
    List<InetAddress> targets(MoveRequest m) {
        List<InetAddress> out = new ArrayList<>();
        switch (m.getTargetCase()) {
            case NODE -> cluster.get().servedBy().entrySet().stream()
                    .filter(e -> e.getValue() == m.getNode()).map(Map.Entry::getKey)
                    .sorted(java.util.Comparator.comparing(InetAddress::getHostAddress)).forEach(out::add);
            case IP -> out.add(literal(m.getIp()));
            default -> m.getIpsList().forEach(ip -> out.add(literal(ip)));
        }
        return out;
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.ofLiteral(ip.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + ip + "' is not an IP address");
        }
    }

    /** CLIENT_MOVE (or SHARE_MOVE to registrations with a share) to the move's addresses; how many were told. */
    int move(MoveRequest m, boolean share) {
        Predicate<Registration> which = required(m.getFilter());
        List<InetAddress> to = targets(m);
        if (to.isEmpty()) {
            return 0;
        }
        List<IpAddr> addrs = to.stream().map(IpAddr::online).toList();
        Predicate<Registration> p = share ? which.and(r -> r.info().shareName() != null) : which;
        int type = share ? Notification.SHARE_MOVE : Notification.CLIENT_MOVE;
        return service.notify(p, r -> new Registration.Response(List.of(new AddressList(type, addrs)), 0, Instant.now()));
    }

    int forceUnregister(Filter f) {
        return service.endAll(required(f), "forced by the operator");
    }

    int forceResponse(ForceResponseRequest req) {
        Predicate<Registration> which = required(req.getFilter());
        List<Notification> messages = new ArrayList<>();
        for (ForcedMessage m : req.getMessagesList()) {
            switch (req.getType()) {
                case 0 -> { }
                case Notification.RESOURCE_CHANGE -> messages.add(new Notification.ResourceChange(m.getChangeType(), m.getName()));
                case Notification.CLIENT_MOVE, Notification.SHARE_MOVE, Notification.IP_CHANGE -> {
                    List<IpAddr> a = new ArrayList<>();
                    for (ForcedAddress fa : m.getAddressesList()) {
                        InetAddress ip = literal(fa.getIp());
                        a.add(fa.getFlags() == 0 ? IpAddr.online(ip) : new IpAddr(ip, fa.getFlags()));
                    }
                    messages.add(new AddressList(req.getType(), a));
                }
                default -> throw new IllegalArgumentException("message type " + req.getType() + " (1-4, or 0 for none)");
            }
        }
        List<Notification> fixed = List.copyOf(messages);
        return service.notify(which, r -> new Registration.Response(fixed, req.getStatus(), Instant.now()));
    }

    /**
     * The move a drain of node {@code pnn} sends: registrations on the addresses it serves now,
     * told to use any address another serving node has.
     */
    MoveRequest drainMove(int pnn) {
        Map<InetAddress, Integer> served = cluster.get().servedBy();
        List<String> on = served.entrySet().stream().filter(e -> e.getValue() == pnn)
                .map(e -> e.getKey().getHostAddress()).sorted().toList();
        List<String> elsewhere = served.entrySet().stream().filter(e -> e.getValue() >= 0 && e.getValue() != pnn)
                .map(e -> e.getKey().getHostAddress()).sorted().toList();
        if (on.isEmpty()) {
            throw new IllegalArgumentException("node " + pnn + " serves no public IP now: nothing to drain");
        }
        if (elsewhere.isEmpty()) {
            throw new IllegalArgumentException("no other node serves a public IP: nowhere to move clients to");
        }
        String exact = on.stream().map(java.util.regex.Pattern::quote).collect(Collectors.joining("|", "^(", ")$"));
        return MoveRequest.newBuilder().setFilter(Filter.newBuilder().setIp(exact)).addAllIps(elsewhere).build();
    }
}

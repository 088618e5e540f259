package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.msswn.Registration;
import java.net.InetAddress;
import java.time.Instant;
import java.util.UUID;

/** Registrations to and from their protobuf form (operator API and local store). */
final class RegistrationProtos {
    private RegistrationProtos() {}

    static dev.sambasidecars.witness.api.v1.Registration toProto(Registration.Info i, int witnessPnn) {
        Instant t = i.registered();
        return dev.sambasidecars.witness.api.v1.Registration.newBuilder()
                .setId(i.id().toString())
                .setVersion(i.version())
                .setNetName(nonNull(i.netName()))
                .setShareName(nonNull(i.shareName()))
                .setIp(i.ip().getHostAddress())
                .setClientName(nonNull(i.clientName()))
                .setFlags(i.flags())
                .setKeepaliveSeconds(i.keepAliveSeconds())
                .setUser(nonNull(i.user()))
                .setRegisteredUnixNanos(t.getEpochSecond() * 1_000_000_000L + t.getNano())
                .setWitnessPnn(witnessPnn)
                .build();
    }

    static dev.sambasidecars.witness.api.v1.Registration toProto(Registration r, int witnessPnn) {
        return toProto(r.info(), witnessPnn).toBuilder()
                .setPendingCalls(r.pending())
                .setQueuedResponses(r.queuedCount())
                .build();
    }

    /**
     * @throws IllegalArgumentException when the record is not a registration this daemon wrote
     */
    static Registration.Info fromProto(dev.sambasidecars.witness.api.v1.Registration p) {
        return new Registration.Info(UUID.fromString(p.getId()), p.getVersion(), p.getNetName(),
                p.getShareName().isEmpty() ? null : p.getShareName(), InetAddress.ofLiteral(p.getIp()),
                p.getClientName(), p.getFlags(), p.getKeepaliveSeconds(), p.getUser().isEmpty() ? null : p.getUser(),
                Instant.ofEpochSecond(0, p.getRegisteredUnixNanos()));
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}

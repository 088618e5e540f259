package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.InterfaceList;
import dev.sambasidecars.witness.msswn.Notification;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessErrors;
import dev.sambasidecars.witness.msswn.WitnessService;
import dev.sambasidecars.witness.msswn.WitnessVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * The witness service's metrics: registrations by version, pending AsyncNotify calls, responses
 * sent by type, registrations ended by cause, and the delay from the cluster event (when it
 * reached ctdb-bridge) to the notification leaving this daemon.
 */
final class WitnessMetrics implements WitnessService.Listener {
    private final Metrics metrics;
    private final MeterRegistry registry;
    private final Timer delay;

    WitnessMetrics(Metrics metrics) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        this.delay = Timer.builder(metrics.name("notification.delay"))
                .description("from the cluster event reaching ctdb-bridge to the notification leaving the daemon")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void bind(WitnessService service, InterfaceList interfaces, IntSupplier thisPnn) {
        for (int version : new int[] {WitnessVersion.V1, WitnessVersion.V2}) {
            Gauge.builder(metrics.name("registrations"), () -> service.registrations().stream()
                            .filter(r -> r.info().version() == version).count())
                    .description("registrations this node's witness daemon holds")
                    .tag("version", version == WitnessVersion.V1 ? "1" : "2")
                    .register(registry);
        }
        Gauge.builder(metrics.name("pending.calls"), service::pending)
                .description("AsyncNotify calls waiting for a notification").register(registry);
        Gauge.builder(metrics.name("interface.list.waiting"), interfaces::waiting)
                .description("GetInterfaceList calls waiting for an AVAILABLE interface (MS-SWN 3.1.4.1)").register(registry);
        for (boolean available : new boolean[] {true, false}) {
            int state = available ? InterfaceInfo.STATE_AVAILABLE : InterfaceInfo.STATE_UNAVAILABLE;
            Gauge.builder(metrics.name("interfaces"), () -> interfaces.get().stream().filter(i -> i.state() == state).count())
                    .description("addresses in the interface list registrations may name (0 until ctdb-bridge gave the "
                            + "cluster's public IPs: every RegisterEx is refused with INVALID_STATE)")
                    .tag("state", available ? "available" : "unavailable")
                    .register(registry);
        }
        Gauge.builder(metrics.name("node.pnn"), thisPnn::getAsInt)
                .description("pnn of the node this daemon runs on (-1 until ctdb-bridge said)").register(registry);
    }

    private static String type(Registration.Response r) {
        if (r.messages().isEmpty()) {
            return r.status() == WitnessErrors.OK ? "empty" : WitnessErrors.name(r.status()).toLowerCase();
        }
        return switch (r.messages().getFirst().type()) {
            case Notification.RESOURCE_CHANGE -> "resource_change";
            case Notification.CLIENT_MOVE -> "client_move";
            case Notification.SHARE_MOVE -> "share_move";
            default -> "ip_change";
        };
    }

    @Override
    public void sent(Registration r, Registration.Response response) {
        Counter.builder(metrics.name("notifications.sent")).description("AsyncNotify responses sent, by type")
                .tag("type", type(response)).register(registry).increment();
        if (!response.messages().isEmpty() && response.origin() != null) {
            Duration d = Duration.between(response.origin(), Instant.now());
            if (!d.isNegative()) {
                delay.record(d);
            }
        }
    }

    @Override
    public void ended(Registration r, String why) {
        String cause = why.startsWith("unregistered") ? "unregistered" : why.startsWith("told to go") ? "forced"
                : why.startsWith("no AsyncNotify") ? "unused" : why.startsWith("its connection") ? "closed"
                : why.startsWith("forced by") ? "operator" : "other";
        Counter.builder(metrics.name("registrations.ended")).description("registrations ended, by cause")
                .tag("cause", cause).register(registry).increment();
    }
}

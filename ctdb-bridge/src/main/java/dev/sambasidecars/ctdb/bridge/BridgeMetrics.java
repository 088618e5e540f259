package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.model.Cause;
import dev.sambasidecars.ctdb.model.ClusterModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/** The bridge's meters: {@code sidecar_ctdb_bridge_*}. */
final class BridgeMetrics implements ClusterModel.EventSink {
    private final Metrics metrics;
    private final MeterRegistry registry;
    private final Counter reconnects;
    private final Timer lag;

    BridgeMetrics(Metrics metrics) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        this.reconnects = Counter.builder(metrics.name("ctdbd.reconnects"))
                .description("connections to ctdbd made after the first").register(registry);
        this.lag = Timer.builder(metrics.name("event.lag"))
                .description("from the ctdbd message or event-script call to the event leaving the stream")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void watchers(Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder(metrics.name("watchers"), count)
                .description("clients watching the cluster stream").register(registry);
    }

    void connected(Supplier<Number> up) {
        io.micrometer.core.instrument.Gauge.builder(metrics.name("ctdbd.connected"), up)
                .description("1 while the bridge is connected to ctdbd").register(registry);
    }

    @Override
    public void emitted(ClusterEvent event, Cause cause) {
        Counter.builder(metrics.name("events")).description("cluster events emitted")
                .tag("type", event.getChangeCase().name().toLowerCase(Locale.ROOT))
                .tag("trigger", cause.kind().name().replace("TRIGGER_", "").toLowerCase(Locale.ROOT))
                .register(registry).increment();
        lag.record(Duration.ofNanos(System.nanoTime() - cause.receivedNanos()));
    }

    void reconnected() {
        reconnects.increment();
    }

    void message(String srvid) {
        Counter.builder(metrics.name("ctdbd.messages")).description("messages received from ctdbd")
                .tag("srvid", srvid).register(registry).increment();
    }

    void fault(String kind) {
        Counter.builder(metrics.name("ctdbd.faults"))
                .description("bad packets, closed connections and timed-out controls on the ctdbd socket")
                .tag("kind", kind).register(registry).increment();
    }

    void resync() {
        Counter.builder(metrics.name("watcher.resyncs"))
                .description("watchers that fell behind and were sent a fresh snapshot").register(registry).increment();
    }

    void scriptCall(String event, String outcome) {
        Counter.builder(metrics.name("event.script.calls")).description("calls from the CTDB event script")
                .tag("event", event).tag("outcome", outcome).register(registry).increment();
    }
}

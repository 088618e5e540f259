package dev.sambasidecars.common.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The one Prometheus registry of a daemon, with JVM and process metrics bound, and the naming
 * rule for the daemon's own meters: {@code sidecar_<module>_<what>_<unit>}.
 */
public final class Metrics implements AutoCloseable {
    private final String module;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;

    public Metrics(String module) {
        this.module = module;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(List.of(Tag.of("sidecar", module)));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /** The registry to create meters in. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The Micrometer name of one of this module's meters; Prometheus renders
     * {@code name("events")} of ctdb-bridge as {@code sidecar_ctdb_bridge_events} plus the unit
     * suffix Micrometer adds ({@code _total}, {@code _seconds}).
     */
    public String name(String what) {
        return name(module, what);
    }

    /** {@link #name(String)} for any module. */
    public static String name(String module, String what) {
        return "sidecar." + module.replace('-', '_') + "." + what;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

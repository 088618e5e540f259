package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.HostPort;
import dev.sambasidecars.common.config.SidecarConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Answers CTDB's monitor event: unhealthy only for sidecars the operator listed in
 * {@code fail monitor when down} whose {@code /healthz} does not answer 200 within a bound.
 * The bridge itself counts as down while it has no connection to ctdbd.
 */
final class MonitorCheck implements Supplier<String> {
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private final List<String> sidecars;
    private final SidecarConfig config;
    private final BooleanSupplier bridgeUp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    MonitorCheck(List<String> sidecars, SidecarConfig config, BooleanSupplier bridgeUp) {
        this.sidecars = sidecars;
        this.config = config;
        this.bridgeUp = bridgeUp;
    }

    @Override
    public String get() {
        List<String> down = new ArrayList<>();
        for (String s : sidecars) {
            if (s.equals(BridgeOptions.MODULE)) {
                if (!bridgeUp.getAsBoolean()) {
                    down.add("ctdb-bridge (no connection to ctdbd)");
                }
                continue;
            }
            String why = probe(config.get(s, CommonOptions.METRICS_ADDRESS));
            if (why != null) {
                down.add(s + " (" + why + ")");
            }
        }
        return down.isEmpty() ? null : "down: " + String.join(", ", down);
    }

    private String probe(HostPort address) {
        String host = address.host().equals("0.0.0.0") ? "127.0.0.1" : address.host().equals("::") ? "::1" : address.host();
        URI uri = URI.create("http://" + new HostPort(host, address.port()) + "/healthz");
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? null : "/healthz answered " + r.statusCode();
        } catch (java.io.IOException e) {
            return "no answer at " + uri;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}

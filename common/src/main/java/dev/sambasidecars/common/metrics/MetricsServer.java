package dev.sambasidecars.common.metrics;

import dev.sambasidecars.common.config.HostPort;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves {@code /metrics} (Prometheus text, or OpenMetrics when the scraper asks for it) and
 * {@code /healthz} (200 when every registered {@link HealthCheck} is up, 503 otherwise, one
 * line per check either way) on embedded Jetty.
 */
public final class MetricsServer implements AutoCloseable {

    /** The address could not be bound (in use, not local, no permission). */
    public static final class BindFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        BindFailedException(HostPort address, Throwable cause) {
            super("cannot serve metrics on " + address + ": " + cause.getMessage(), cause);
        }
    }

    private final Metrics metrics;
    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
    private final Server server;
    private final ServerConnector connector;

    private MetricsServer(Metrics metrics, HostPort address) {
        this.metrics = metrics;
        QueuedThreadPool pool = new QueuedThreadPool(8, 2);
        pool.setName("metrics-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost(address.host());
        connector.setPort(address.port());
        server.addConnector(connector);
        server.setHandler(new Endpoints());
        server.setStopTimeout(Duration.ofSeconds(2).toMillis());
    }

    /** Starts serving {@code metrics} on {@code address}. */
    public static MetricsServer start(Metrics metrics, HostPort address) throws BindFailedException {
        MetricsServer s = new MetricsServer(metrics, address);
        try {
            s.server.start();
        } catch (Exception e) {
            try {
                s.server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            Throwable cause = e instanceof BindException || e.getCause() == null ? e : e.getCause();
            throw new BindFailedException(address, cause);
        }
        return s;
    }

    /** Adds or replaces the check reported under {@code name}. */
    public void addHealthCheck(String name, HealthCheck check) {
        checks.put(name, check);
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:9701}. */
    public String url() {
        String host = connector.getHost();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("stopping the metrics server failed", e);
        }
    }

    private final class Endpoints extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            switch (path) {
                case "/metrics" -> metrics(request, response, callback);
                case "/healthz" -> health(response, callback);
                default -> text(response, callback, HttpStatus.NOT_FOUND_404,
                        "not found: try /metrics or /healthz\n", "text/plain; charset=utf-8");
            }
            return true;
        }

        private void metrics(Request request, Response response, Callback callback) {
            String accept = request.getHeaders().get(HttpHeader.ACCEPT);
            boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
            String contentType = openMetrics
                    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                    : "text/plain; version=0.0.4; charset=utf-8";
            String body = metrics.registry().scrape(contentType);
            text(response, callback, HttpStatus.OK_200, body, contentType);
        }

        private void health(Response response, Callback callback) {
            Map<String, HealthCheck.Status> results = new LinkedHashMap<>();
            checks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                HealthCheck.Status st;
                try {
                    st = e.getValue().check();
                    if (st == null || st.detail() == null) {
                        st = HealthCheck.Status.down("check returned no status");
                    }
                } catch (RuntimeException ex) {
                    st = HealthCheck.Status.down("check failed: " + ex);
                }
                results.put(e.getKey(), st);
            });
            boolean healthy = results.values().stream().allMatch(HealthCheck.Status::healthy);
            StringBuilder body = new StringBuilder(healthy ? "ok\n" : "unhealthy\n");
            results.forEach((name, st) -> body.append(name).append(": ").append(st.healthy() ? "up" : "down")
                    .append(st.detail().isEmpty() ? "" : " (" + st.detail() + ")").append('\n'));
            text(response, callback, healthy ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
                    body.toString(), "text/plain; charset=utf-8");
        }

        private void text(Response response, Callback callback, int status, String body, String contentType) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        }
    }
}

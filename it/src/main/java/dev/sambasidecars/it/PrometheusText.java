package dev.sambasidecars.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One scrape of a daemon's /metrics: each sample's value by its name with labels, as the line has it. */
public record PrometheusText(Map<String, Double> samples) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static PrometheusText scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + r.statusCode());
        }
        return parse(url, r.body());
    }

    /**
     * The samples of a /metrics page in Prometheus's text format ({@code source} names where it
     * came from in the error).
     *
     * @throws IOException if a line that is not a comment is not {@code NAME[{LABELS}] VALUE}
     */
    public static PrometheusText parse(String source, String body) throws IOException {
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IOException(source + ": not a sample line: " + line, e);
            }
        }
        return new PrometheusText(samples);
    }

    /** A metric's value, summed over all its label sets (0 where the scrape has none). */
    public double get(String name) {
        double sum = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            if ((brace < 0 ? key : key.substring(0, brace)).equals(name)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** How much a sample grew from {@code before} to this scrape. */
    public double since(PrometheusText before, String name) {
        return get(name) - before.get(name);
    }
}

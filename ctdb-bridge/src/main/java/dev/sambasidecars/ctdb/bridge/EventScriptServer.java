package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.ctdb.api.Addresses;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.ctdb.model.Cause;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The bridge's end of the CTDB event script: one request line, one answer line, on a unix
 * socket. Requests are {@code v1 EVENT ARGS…} with CTDB's arguments — {@code takeip} and
 * {@code releaseip} IFACE IP MASKBITS, {@code updateip} OLDIFACE NEWIFACE IP MASKBITS,
 * {@code ipreallocated}, {@code startipreallocate}, {@code startrecovery}, {@code recovered}
 * and {@code monitor} without. Answers are {@code ok}, {@code unhealthy REASON} (monitor only)
 * or {@code error REASON} for a request the bridge cannot take.
 */
final class EventScriptServer {
    /** Longest request line read; CTDB's arguments are a few dozen bytes. */
    static final int MAX_LINE = 512;
    static final int READ_TIMEOUT_MS = 500;

    private static final Map<String, Integer> ARGS = Map.of(
            "takeip", 3, "releaseip", 3, "updateip", 4, "ipreallocated", 0, "startipreallocate", 0,
            "startrecovery", 0, "recovered", 0, "monitor", 0);

    private final Consumer<Cause> trigger;
    private final ClusterReader reader;
    private final Supplier<String> monitor;
    private final BridgeMetrics metrics;

    /**
     * @param monitor answers a monitor call: null when healthy, else the reason
     */
    EventScriptServer(Consumer<Cause> trigger, ClusterReader reader, Supplier<String> monitor, BridgeMetrics metrics) {
        this.trigger = trigger;
        this.reader = reader;
        this.monitor = monitor;
        this.metrics = metrics;
    }

    /** Serves one connection (the {@code UnixSocketServer} handler). */
    void handle(AFUNIXSocket socket) throws IOException {
        long received = System.nanoTime();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        String line = readLine(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
        String answer = answer(line, received);
        OutputStream out = socket.getOutputStream();
        out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (sb.length() >= MAX_LINE) {
                return null;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** The answer to one request line (null: longer than allowed). */
    String answer(String line, long receivedNanos) {
        if (line == null) {
            return refuse("unknown", "request longer than " + MAX_LINE + " bytes");
        }
        List<String> words = List.of(line.strip().split("\\s+"));
        if (words.size() < 2 || !words.getFirst().equals("v1")) {
            return refuse("unknown", "expected 'v1 EVENT ARGS...'");
        }
        String event = words.get(1);
        Integer want = ARGS.get(event);
        if (want == null) {
            return refuse("unknown", "unknown event '" + event + "'");
        }
        List<String> args = words.subList(2, words.size());
        if (args.size() != want) {
            return refuse(event, event + " takes " + want + " arguments, got " + args.size());
        }
        if (event.equals("monitor")) {
            String problem = monitor.get();
            metrics.scriptCall(event, problem == null ? "healthy" : "unhealthy");
            return problem == null ? "ok" : "unhealthy " + problem;
        }
        if (want >= 3) {
            String ip = args.get(want - 2);
            String bits = args.get(want - 1);
            try {
                String address = Addresses.canonical(ip);
                int prefix = Integer.parseInt(bits);
                if (prefix < 0 || prefix > (address.contains(":") ? 128 : 32)) {
                    return refuse(event, "bad mask bits '" + bits + "'");
                }
                reader.prefix(address, prefix);
            } catch (IllegalArgumentException e) {
                return refuse(event, "bad address or mask bits: '" + ip + "' '" + bits + "'");
            }
        }
        trigger.accept(Cause.at(Trigger.TRIGGER_EVENT_SCRIPT, String.join(" ", words.subList(1, words.size())),
                receivedNanos));
        metrics.scriptCall(event, "ok");
        return "ok";
    }

    private String refuse(String event, String why) {
        metrics.scriptCall(event, "refused");
        return "error " + why;
    }
}

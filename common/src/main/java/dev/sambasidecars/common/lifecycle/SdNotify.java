package dev.sambasidecars.common.lifecycle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol ({@code sd_notify(3)}): datagrams such as {@code READY=1} to
 * the unix socket named by {@code NOTIFY_SOCKET} ({@code @name} for the abstract namespace).
 * Without {@code NOTIFY_SOCKET} every call does nothing; a failing send is logged once and
 * never stops the daemon.
 */
public final class SdNotify {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);

    private final AFUNIXSocketAddress target;
    private boolean warned;

    SdNotify(AFUNIXSocketAddress target) {
        this.target = target;
    }

    /** Uses {@code NOTIFY_SOCKET} from the environment. */
    public static SdNotify fromEnvironment() {
        return forSocket(System.getenv("NOTIFY_SOCKET"));
    }

    /** Uses the given socket name ({@code /path} or {@code @abstract}); null or empty disables. */
    public static SdNotify forSocket(String name) {
        if (name == null || name.isEmpty()) {
            return new SdNotify(null);
        }
        try {
            AFUNIXSocketAddress addr = name.startsWith("@")
                    ? AFUNIXSocketAddress.inAbstractNamespace(name.substring(1))
                    : AFUNIXSocketAddress.of(Path.of(name));
            return new SdNotify(addr);
        } catch (IOException e) {
            LOG.warn("NOTIFY_SOCKET {} unusable, systemd will not be notified: {}", name, e.getMessage());
            return new SdNotify(null);
        }
    }

    /** True when notifications go somewhere. */
    public boolean enabled() {
        return target != null;
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    /** Sends one notification of newline-separated {@code KEY=value} assignments. */
    public synchronized void send(String assignments) {
        if (target == null) {
            return;
        }
        byte[] data = assignments.getBytes(StandardCharsets.UTF_8);
        // A DatagramPacket refuses an AFUNIXSocketAddress ("unresolved address"): send on a channel.
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            ch.send(ByteBuffer.wrap(data), target);
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot notify systemd at {}: {}", target, e.getMessage());
            }
        }
    }
}

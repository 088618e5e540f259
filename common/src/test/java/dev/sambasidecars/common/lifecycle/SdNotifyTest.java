package dev.sambasidecars.common.lifecycle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Plays systemd's side of NOTIFY_SOCKET with a real datagram socket. */
class SdNotifyTest {

    @TempDir
    Path dir;

    private AFUNIXDatagramSocket systemd;

    @AfterEach
    void close() {
        if (systemd != null) {
            systemd.close();
        }
    }

    private void listen(AFUNIXSocketAddress address) throws IOException {
        systemd = AFUNIXDatagramSocket.newInstance();
        systemd.bind(address);
        systemd.setSoTimeout(20_000);
    }

    /** One datagram as systemd parses it: newline-separated assignments. */
    private List<String> receive() throws IOException {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        systemd.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void readyTellsStatusAndMainPidOnAPathSocket() throws Exception {
        Path socket = dir.resolve("notify");
        listen(AFUNIXSocketAddress.of(socket));

        SdNotify n = SdNotify.forSocket(socket.toString());
        assertTrue(n.enabled());
        n.ready("x");

        List<String> got = receive();
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.contains("READY=1"), got.toString());
        assertTrue(got.contains("STATUS=x"), got.toString());
        assertTrue(got.contains("MAINPID=" + ProcessHandle.current().pid()), got.toString());
    }

    @Test
    void stoppingAndStatusAreSentAsTheyAreCalled() throws Exception {
        Path socket = dir.resolve("notify");
        listen(AFUNIXSocketAddress.of(socket));
        SdNotify n = SdNotify.forSocket(socket.toString());

        n.status("draining 3 calls");
        n.stopping("stopping: SIGTERM");
        n.send("WATCHDOG=1");

        assertEquals(List.of("STATUS=draining 3 calls"), receive());
        assertEquals(List.of("STOPPING=1", "STATUS=stopping: SIGTERM"), receive());
        assertEquals(List.of("WATCHDOG=1"), receive());
    }

    @Test
    void abstractNamespaceSocketWithAtPrefix() throws Exception {
        // unique per run: abstract names are shared by the whole network namespace
        String name = "sidecar-sdnotify-test-" + UUID.randomUUID();
        listen(AFUNIXSocketAddress.inAbstractNamespace(name));

        SdNotify n = SdNotify.forSocket("@" + name);
        assertTrue(n.enabled());
        n.ready("abstract");

        List<String> got = receive();
        assertTrue(got.contains("READY=1"), got.toString());
        assertTrue(got.contains("STATUS=abstract"), got.toString());
    }

    @Test
    void withoutASocketNotificationsAreOff() {
        for (String name : new String[] {null, ""}) {
            SdNotify n = SdNotify.forSocket(name);
            assertFalse(n.enabled());
            assertDoesNotThrow(() -> {
                n.ready("nobody listens");
                n.stopping("nobody listens");
                n.status("nobody listens");
            });
        }
    }

    @Test
    void unreachableSocketNeverStopsTheDaemon() {
        SdNotify n = SdNotify.forSocket(dir.resolve("no-systemd-here").toString());

        assertTrue(n.enabled());
        assertDoesNotThrow(() -> {
            n.ready("first");
            n.ready("second");
        });
    }
}

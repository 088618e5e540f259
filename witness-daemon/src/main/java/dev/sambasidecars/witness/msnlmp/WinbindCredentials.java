package dev.sambasidecars.witness.msnlmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks NTLMv2 responses through winbindd with Samba's {@code ntlm_auth
 * --helper-protocol=ntlm-server-1}: the domain's users, or a standalone server's own passdb,
 * without the sidecars holding any password hash. One helper process serves the calls one
 * at a time; it is restarted when it dies and killed when it does not answer in time.
 * Requests carry user and domain base64-encoded ({@code Key:: value}) so any name passes.
 */
public final class WinbindCredentials implements CredentialBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WinbindCredentials.class);

    private final List<String> command;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ntlm-auth-watchdog").factory());
    private volatile Process helper;
    private BufferedReader replies;
    private OutputStream requests;

    /** Runs {@code ntlmAuth} (usually {@code ntlm_auth} on PATH) as the helper. */
    public WinbindCredentials(String ntlmAuth, Duration timeout) {
        this.command = List.of(ntlmAuth, "--helper-protocol=ntlm-server-1");
        this.timeout = timeout;
    }

    @Override
    public synchronized byte[] verify(String user, String domain, byte[] serverChallenge, byte[] ntChallengeResponse,
                                      byte[] lmChallengeResponse) throws NtlmAuthenticationException {
        String request = "Username:: " + b64(user) + "\n"
                + "NT-Domain:: " + b64(domain) + "\n"
                + "LANMAN-Challenge: " + HexFormat.of().formatHex(serverChallenge) + "\n"
                + "NT-Response: " + HexFormat.of().formatHex(ntChallengeResponse) + "\n"
                + "Request-User-Session-Key: Yes\n.\n";
        boolean authenticated = false;
        String error = "no answer";
        byte[] key = null;
        ScheduledFuture<?> kill = null;
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            Process p = start();
            // The watchdog kills this very process, without the lock this call holds: readLine then ends.
            kill = watchdog.schedule(() -> {
                timedOut.set(true);
                destroy(p);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            requests.write(request.getBytes(StandardCharsets.UTF_8));
            requests.flush();
            for (String line; (line = replies.readLine()) != null && !line.equals("."); ) {
                if (line.equals("Authenticated: Yes")) {
                    authenticated = true;
                } else if (line.startsWith("User-Session-Key: ")) {
                    key = HexFormat.of().parseHex(line.substring("User-Session-Key: ".length()).strip());
                } else if (line.startsWith("Authentication-Error: ")) {
                    error = line.substring("Authentication-Error: ".length());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            error = "ntlm_auth failed: " + e.getMessage();
            killHelper();
        } finally {
            if (kill != null) {
                kill.cancel(false);
            }
        }
        if (timedOut.get()) {
            // Whatever the dying helper still wrote does not count.
            authenticated = false;
            error = "ntlm_auth did not answer within " + timeout.toMillis() + " ms";
            helper = null;
        }
        if (!authenticated || key == null || key.length != 16) {
            throw new NtlmAuthenticationException(NtlmAuthenticationException.Reason.WRONG_PASSWORD,
                    "winbind refused " + domain + "\\" + user + ": " + error);
        }
        return key;
    }

    private Process start() throws IOException {
        Process p = helper;
        if (p != null && p.isAlive()) {
            return p;
        }
        p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        replies = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        requests = p.getOutputStream();
        helper = p;
        LOG.debug("started {}", command);
        return p;
    }

    private void killHelper() {
        Process p = helper;
        if (p != null) {
            destroy(p);
        }
        helper = null;
    }

    /**
     * Kills the helper and anything it started, so that its end of the pipe closes at once: the
     * helper first (so it cannot go on and answer once a child it waits for is gone), then the
     * children it had.
     */
    private static void destroy(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        killHelper();
    }
}

package dev.sambasidecars.witness.msnlmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ntlm_auth helper protocol against a stand-in for {@code ntlm_auth
 * --helper-protocol=ntlm-server-1} (a shell script speaking its line format); the real program
 * is exercised by WitnessEngineIT on the cluster.
 */
class WinbindCredentialsTest {
    @TempDir
    Path dir;

    /** Accepts user "alice" (base64 YWxpY2U=) with a fixed session key; exits after {@code requests}. */
    private String helper(int requests, boolean hang) throws Exception {
        Path script = dir.resolve("ntlm_auth");
        Files.writeString(script, """
                #!/bin/sh
                n=0
                while read -r line; do
                  case "$line" in
                    "Username:: "*) u="${line#Username:: }" ;;
                    "NT-Response: "*) r="${line#NT-Response: }" ;;
                    .)
                      %s
                      if [ "$u" = "YWxpY2U=" ] && [ "$r" = "0102" ]; then
                        echo "Authenticated: Yes"
                        echo "User-Session-Key: 000102030405060708090a0b0c0d0e0f"
                      else
                        echo "Authenticated: No"
                        echo "Authentication-Error: Wrong password"
                      fi
                      echo .
                      n=$((n+1)); [ "$n" -ge %d ] && exit 0 ;;
                  esac
                done
                """.formatted(hang ? "sleep 30" : ":", requests));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private static byte[] verify(WinbindCredentials w, String user) throws Exception {
        return w.verify(user, "SIDECARS", new byte[8], new byte[] {1, 2}, new byte[0]);
    }

    @Test
    void acceptedUserYieldsTheSessionKeyAndOthersAreRefused() throws Exception {
        try (WinbindCredentials w = new WinbindCredentials(helper(100, false), Duration.ofSeconds(5))) {
            assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), verify(w, "alice"));
            NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class, () -> verify(w, "bob"));
            assertTrue(e.getMessage().contains("Wrong password"), e.getMessage());
            assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), verify(w, "alice"),
                    "the same helper serves the next call");
        }
    }

    @Test
    void aHelperThatExitsIsStartedAgain() throws Exception {
        try (WinbindCredentials w = new WinbindCredentials(helper(1, false), Duration.ofSeconds(5))) {
            verify(w, "alice");
            Thread.sleep(200);
            assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), verify(w, "alice"));
        }
    }

    @Test
    void aHelperThatDoesNotAnswerIsKilledWithinTheTimeout() throws Exception {
        try (WinbindCredentials w = new WinbindCredentials(helper(100, true), Duration.ofMillis(500))) {
            long t0 = System.nanoTime();
            assertThrows(NtlmAuthenticationException.class, () -> verify(w, "alice"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 10_000, "gave up after the timeout, not after the helper's 30 s: " + ms + " ms");
        }
    }
}

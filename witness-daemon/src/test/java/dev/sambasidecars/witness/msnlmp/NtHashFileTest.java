package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smbpasswd(5) lines written for these tests. Hashes: NT hash of "Password" from MS-NLMP 4.2.2.1.2
 * (a4f49c40...) and its LM hash from 4.2.2.1.1 (e52cac67...); LCT values are arbitrary.
 */
class NtHashFileTest {

    private static final String NT = "A4F49C406510BDCAB6824EE7C30FD852";
    private static final String LM = "E52CAC67419A9A224A3B108F3FA6CB6D";
    private static final String NO_PW = "NO PASSWORDXXXXXXXXXXXXXXXXXXXXX";

    private static final List<String> FILE = List.of(
            "# smbpasswd written by hand",
            "",
            "User:1000:" + LM + ":" + NT + ":[U          ]:LCT-5F5E1000:",
            "noexpiry:1001:" + LM + ":" + NT + ":[UX         ]:LCT-5F5E1000:",
            "disabled:1002:" + LM + ":" + NT + ":[DU         ]:LCT-5F5E1000:",
            "nullpw:1003:" + NO_PW + ":" + NO_PW + ":[NU         ]:LCT-5F5E1000:",
            "starred:1004:" + "*".repeat(32) + ":" + "*".repeat(32) + ":[U          ]:LCT-5F5E1000:",
            "oldstyle:1005:" + LM + ":[U          ]:LCT-5F5E1000:",
            "shorthash:1006:" + LM + ":A4F49C:[U          ]:LCT-5F5E1000:",
            "badhex:1007:" + LM + ":" + NT.replace('A', 'G') + ":[U          ]:LCT-5F5E1000:",
            "negative:-1:" + LM + ":" + NT + ":[U          ]:LCT-5F5E1000:",
            "USER:1008:" + LM + ":" + "00".repeat(16) + ":[U          ]:LCT-5F5E1000:",
            "nolct:1009:" + LM + ":" + NT + ":[U          ]",
            "garbage line without colons");

    @Test
    void parsesRealFormatLines() {
        NtHashCredentials creds = NtHashFile.parse(FILE);
        assertEquals(hex(SpecVectors.NT_HASH), hex(creds.account("user").orElseThrow().ntHash()));
        assertFalse(creds.account("noexpiry").orElseThrow().disabled());
        assertTrue(creds.account("disabled").orElseThrow().disabled());
        assertNull(creds.account("nullpw").orElseThrow().ntHash());
        assertNull(creds.account("starred").orElseThrow().ntHash());
        assertNull(creds.account("oldstyle").orElseThrow().ntHash());
        assertTrue(creds.account("nolct").orElseThrow().ntHash() != null);
        for (String skipped : List.of("shorthash", "badhex", "negative", "garbage line without colons")) {
            assertTrue(creds.account(skipped).isEmpty(), skipped);
        }
        // The later "USER" line duplicates "User" case-insensitively; the first one wins.
        assertEquals("User", creds.account("USER").orElseThrow().name());
        assertEquals(7, creds.size());
    }

    @Test
    void loadsFromDiskAndAuthenticates(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smbpasswd");
        Files.write(file, FILE);
        NtHashCredentials creds = NtHashFile.load(file);
        NtlmServerConfig config = Fixtures.config(new Fixtures.MutableClock());

        TestNtlmClient ok = new TestNtlmClient();
        ok.user = "noexpiry";
        NtlmServer server = new NtlmServer(config, creds);
        assertEquals("noexpiry",
                server.processAuthenticate(ok.authenticate(server.processNegotiate(ok.negotiate()))).user());

        for (String[] c : new String[][] {{"disabled", "ACCOUNT_DISABLED"},
                {"nullpw", "NO_PASSWORD"}, {"oldstyle", "NO_PASSWORD"}, {"ghost", "UNKNOWN_USER"}}) {
            TestNtlmClient client = new TestNtlmClient();
            client.user = c[0];
            NtlmServer s = new NtlmServer(config, creds);
            NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                    () -> s.processAuthenticate(client.authenticate(s.processNegotiate(client.negotiate()))));
            assertEquals(Reason.valueOf(c[1]), e.reason(), c[0]);
        }
    }
}

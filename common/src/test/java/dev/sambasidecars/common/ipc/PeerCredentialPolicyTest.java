package dev.sambasidecars.common.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.sambasidecars.common.config.ConfigLoader;
import dev.sambasidecars.common.config.OptionCatalog;
import dev.sambasidecars.common.config.SidecarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy decided on synthetic credentials: a real refused connection needs a second user
 * (see {@link UnixSocketServerTest}), but every allow/deny rule can be checked here directly.
 */
class PeerCredentialPolicyTest {

    // ids nobody on a test machine is likely to run as, so "own uid" never lets them in
    private static final int ALICE = 410_001;
    private static final int BOB = 410_002;
    private static final int SMB_ADMINS = 420_010;
    private static final int USERS = 100;

    private static final int OWN_UID = (int) new UnixSystem().getUid();

    private static PeerCredentials peer(int uid, int... gids) {
        return new PeerCredentials(4242, uid, gids);
    }

    @Test
    void rootAndOwnUserAreAlwaysAllowed() {
        PeerCredentialPolicy p = PeerCredentialPolicy.ownerOnly();

        assertTrue(p.permits(peer(0, 0)));
        assertTrue(p.permits(peer(OWN_UID, USERS)));
        assertTrue(new PeerCredentialPolicy(List.of(ALICE), List.of(SMB_ADMINS)).permits(peer(0, 0)));
    }

    @Test
    void ownerOnlyRefusesEveryoneElse() {
        PeerCredentialPolicy p = PeerCredentialPolicy.ownerOnly();

        assertFalse(p.permits(peer(ALICE, ALICE)));
        assertFalse(p.permits(peer(ALICE, USERS, SMB_ADMINS)));
        assertFalse(p.permits(peer(65534, 65534)));
    }

    @Test
    void listedUidsAreAllowedAndOnlyThose() {
        PeerCredentialPolicy p = new PeerCredentialPolicy(List.of(ALICE), List.of());

        assertTrue(p.permits(peer(ALICE, USERS)));
        assertFalse(p.permits(peer(BOB, USERS)));
    }

    @Test
    void listedGidMatchesThePrimaryOrASupplementaryGroup() {
        PeerCredentialPolicy p = new PeerCredentialPolicy(List.of(), List.of(SMB_ADMINS));

        assertTrue(p.permits(peer(BOB, SMB_ADMINS)), "primary group");
        assertTrue(p.permits(peer(BOB, USERS, 4, SMB_ADMINS)), "supplementary group");
        assertFalse(p.permits(peer(BOB, USERS, SMB_ADMINS + 1)));
        assertFalse(p.permits(peer(BOB)), "no groups known");
    }

    @Test
    void gidListDoesNotActAsUidList() {
        // a uid that happens to equal an allowed gid must not get in
        PeerCredentialPolicy p = new PeerCredentialPolicy(List.of(), List.of(ALICE));

        assertFalse(p.permits(peer(ALICE, USERS)));
    }

    @Test
    void policyFromSmbConfUsesTheIpcAllowOptions(@TempDir Path dir) throws Exception {
        Path smbConf = dir.resolve("smb.conf");
        Files.writeString(smbConf, "[global]\n\tsidecar common:ipc allow uids = " + ALICE + "\n"
                + "\tsidecar common:ipc allow gids = " + SMB_ADMINS + ", " + (SMB_ADMINS + 1) + "\n");
        SidecarConfig config = new ConfigLoader(OptionCatalog.load()).load(smbConf, List.of());

        PeerCredentialPolicy p = PeerCredentialPolicy.from(config);

        assertTrue(p.permits(peer(ALICE, USERS)));
        assertTrue(p.permits(peer(BOB, USERS, SMB_ADMINS + 1)));
        assertFalse(p.permits(peer(BOB, USERS)));
        assertTrue(p.toString().contains(String.valueOf(ALICE)), p.toString());
        assertTrue(p.toString().contains(String.valueOf(SMB_ADMINS)), p.toString());
    }

    @Test
    void credentialsCannotBeChangedThroughTheGidArray() {
        int[] gids = {USERS};
        PeerCredentials c = new PeerCredentials(1, BOB, gids);
        PeerCredentialPolicy p = new PeerCredentialPolicy(List.of(), List.of(SMB_ADMINS));

        gids[0] = SMB_ADMINS;
        c.gids()[0] = SMB_ADMINS;

        assertArrayEquals(new int[] {USERS}, c.gids());
        assertFalse(p.permits(c));
        assertEquals(new PeerCredentials(1, BOB, new int[] {USERS}), c);
        assertEquals(new PeerCredentials(1, BOB, new int[] {USERS}).hashCode(), c.hashCode());
    }
}

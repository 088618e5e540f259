package dev.sambasidecars.common.ipc;

import com.sun.security.auth.module.UnixSystem;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.SidecarConfig;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may use a local socket: root, the daemon's own user, and the user and group ids an
 * operator lists in {@code sidecar common:ipc allow uids} / {@code ipc allow gids}.
 */
public final class PeerCredentialPolicy {
    private final Set<Integer> uids;
    private final Set<Integer> gids;

    public PeerCredentialPolicy(Collection<Integer> extraUids, Collection<Integer> extraGids) {
        TreeSet<Integer> u = new TreeSet<>(extraUids);
        u.add(0);
        u.add(ownUid());
        this.uids = Set.copyOf(u);
        this.gids = Set.copyOf(new TreeSet<>(extraGids));
    }

    /** The policy configured in smb.conf. */
    public static PeerCredentialPolicy from(SidecarConfig config) {
        return new PeerCredentialPolicy(
                config.get(CommonOptions.COMMON, CommonOptions.IPC_ALLOW_UIDS),
                config.get(CommonOptions.COMMON, CommonOptions.IPC_ALLOW_GIDS));
    }

    /** Only root and this process's user. */
    public static PeerCredentialPolicy ownerOnly() {
        return new PeerCredentialPolicy(Set.of(), Set.of());
    }

    public boolean permits(PeerCredentials peer) {
        if (uids.contains(peer.uid())) {
            return true;
        }
        for (int g : gids) {
            if (peer.inGroup(g)) {
                return true;
            }
        }
        return false;
    }

    static int ownUid() {
        return (int) new UnixSystem().getUid();
    }

    @Override
    public String toString() {
        return "uids " + new TreeSet<>(uids) + (gids.isEmpty() ? "" : ", gids " + new TreeSet<>(gids));
    }
}

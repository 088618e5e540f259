package dev.sambasidecars.common.ipc;

import java.util.Arrays;

/**
 * The kernel's word on who is at the other end of a unix socket ({@code SO_PEERCRED}).
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gids the peer's primary group first, then supplementary groups where known
 */
public record PeerCredentials(long pid, int uid, int[] gids) {
    public PeerCredentials {
        gids = gids.clone();
    }

    @Override
    public int[] gids() {
        return gids.clone();
    }

    boolean inGroup(int gid) {
        for (int g : gids) {
            if (g == gid) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerCredentials p && p.pid == pid && p.uid == uid && Arrays.equals(p.gids, gids);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid) * 31 + uid * 17 + Arrays.hashCode(gids);
    }

    @Override
    public String toString() {
        return "pid=" + pid + " uid=" + uid + " gids=" + Arrays.toString(gids);
    }
}

package dev.sambasidecars.store.raft;

import dev.sambasidecars.store.shard.Shards;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does at start with replicas it cannot trust: one with a corrupt log segment, or
 * one Ratis cannot load, is moved out of Ratis's sight and rebuilt from its peers.
 */
final class ReplicaRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRecovery.class);

    private ReplicaRecovery() {
    }

    /**
     * The replica directory of the group a start failure names (Ratis says which group's log or
     * metadata it could not load), or null when it names none of this store's groups.
     */
    static Path replicaNamedIn(StoreConfig config, Set<RaftGroupId> groups, Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
            for (Throwable sup : t.getSuppressed()) {
                text.append(sup.getMessage()).append('\n');
            }
        }
        for (RaftGroupId gid : groups) {
            if (text.indexOf(gid.toString()) >= 0) {
                Path dir = config.directory().resolve(gid.getUuid().toString());
                return Files.isDirectory(dir) ? dir : null;
            }
        }
        return null;
    }

    /** Moves a replica's directory out of Ratis's sight, to {@code DIRECTORY.quarantine/UUID-MILLIS}. */
    static Path quarantine(StoreConfig config, Path replica) throws IOException {
        Path into = config.directory().resolveSibling(config.directory().getFileName() + ".quarantine");
        Files.createDirectories(into);
        Path to = into.resolve(replica.getFileName() + "-" + System.currentTimeMillis());
        Files.move(replica, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return to;
    }

    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * Reads this node's replicas' log segments and says what is wrong with them. A last entry cut
     * short by a crash mid-write is expected after one: Ratis drops it and the leader sends it
     * again. A corrupt entry elsewhere is not: Ratis would keep the log only up to it, which can
     * leave a gap below the replica's snapshot that it never gets past, so such a replica is
     * rebuilt from its peers. Returns the directories of those replicas.
     */
    static List<Path> checkLogs(StoreConfig config) throws IOException {
        List<Path> corrupt = new ArrayList<>();
        for (int s = 0; s < config.shards(); s++) {
            Path replica = config.directory().resolve(Shards.groupId(config.name(), s).toString());
            for (LogCheck.Finding f : LogCheck.scan(replica.resolve("current"))) {
                if (f.torn()) {
                    LOG.warn("shard {}: this replica's last log entry was cut short, by a crash mid-write ({}); "
                            + "it is dropped and the shard's leader sends it again", s, f);
                } else {
                    LOG.error("shard {}: this replica's Raft log is corrupt: {}", s, f);
                    if (!corrupt.contains(replica)) {
                        corrupt.add(replica);
                    }
                }
            }
        }
        return corrupt;
    }

}

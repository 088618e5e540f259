package dev.sambasidecars.store.raft;

/**
 * A shard could not answer in time: no leader, or no majority of its replicas reachable (a
 * partitioned minority refuses rather than diverges). For a write the outcome is unknown: it
 * may still commit if the majority comes back; a compare-and-set retry tells.
 */
public final class StoreUnavailableException extends Exception {

    private final int shard;

    public StoreUnavailableException(int shard, String message, Throwable cause) {
        super(message, cause);
        this.shard = shard;
    }

    public int shard() {
        return shard;
    }
}

package dev.sambasidecars.store.raft;

/**
 * What a shard writer reports of its group commit: how full its entries are, how long updates
 * wait for one, and how long an entry takes to be answered. Called on the writer's hot path: it
 * must not block.
 */
public interface GroupCommitObserver {

    /** An entry went out with {@code updates} updates, the oldest of which had waited {@code waitedNanos} for it. */
    void sent(int updates, long waitedNanos);

    /** An entry was answered (committed and applied, or failed) {@code roundNanos} after it went out. */
    void answered(long roundNanos);

    GroupCommitObserver NONE = new GroupCommitObserver() {
        @Override
        public void sent(int updates, long waitedNanos) {
        }

        @Override
        public void answered(long roundNanos) {
        }
    };
}

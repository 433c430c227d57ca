package io.basalt.storage;

/**
 * The read view of an ordered key-value store: what every layer may hold. Writing needs a
 * {@link WritableStorage}, which only a replication group's state machine holds (docs/design/cluster.md §16: no
 * storage write outside a state machine's apply; {@code build/import-control.xml} enforces who may name it). All
 * methods are thread-safe.
 *
 * <p>Reads see every batch whose write has returned. A batch is applied atomically: readers and snapshots see all
 * of it or none of it.
 */
public interface StorageReader {
    /** The value stored under {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * An iterator over the keys in {@code [lowerInclusive, upperExclusive)} of the current state. A null bound
     * means unbounded. The iterator starts unpositioned: call a seek method first.
     */
    StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive);

    /** A consistent, read-only view of the current state; close it to release what it pins. */
    StorageSnapshot snapshot();

    /** Whether writes survive a restart of the process (false for the in-memory engine). */
    boolean isPersistent();
}

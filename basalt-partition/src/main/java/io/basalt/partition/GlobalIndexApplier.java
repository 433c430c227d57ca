package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Bytes;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.OperationList;
import io.basalt.storage.StorageReader;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies {@link GlobalIndexBatch}es to a global index's entries, idempotently (cluster.md §15): operations at or
 * below the position stored for their source are skipped; the others become storage operations, and the source's
 * new position, count and size go into the same operations, so entries and position are written atomically and a
 * crash or a resend can neither lose nor double an operation.
 *
 * <p>Counts and sizes are kept from what is stored (or put earlier by the same applier): a put over an existing
 * entry changes only the size, a delete of a missing entry changes nothing, so the same operation twice keeps
 * them exact. One applier serves one storage write: it remembers the entries it put or deleted until then.
 */
public final class GlobalIndexApplier {
    private final StorageReader storage;
    /** Entry sizes put (or -1: deleted) by this applier and not yet in storage. */
    private final Map<Bytes, Long> pending = new HashMap<>();

    /** What one batch did: the source's state after it, and how many operations applied or were skipped. */
    public record Applied(IndexPartitionState state, int applied, int skipped) {
        public Applied {
            requireNonNull(state, "state is null");
        }
    }

    public GlobalIndexApplier(StorageReader storage) {
        this.storage = requireNonNull(storage, "storage is null");
    }

    /**
     * Adds the operations of {@code batch} that {@code state} has not applied yet to {@code out}, followed by the
     * new state under {@code stateKey} when anything changed.
     *
     * @param state the source's state for this index as stored (or as left by an earlier batch of this applier)
     */
    public Applied apply(GlobalIndexBatch batch, byte[] stateKey, IndexPartitionState state,
            OperationList.Builder out) {
        requireNonNull(batch, "batch is null");
        requireNonNull(stateKey, "stateKey is null");
        IndexPosition position = state.position();
        IndexPartitionState next = state;
        int applied = 0;
        int skipped = 0;
        for (GlobalIndexBatch.Tagged tagged : batch.operations()) {
            if (!tagged.position().isAfter(position)) {
                skipped++;
                continue;
            }
            if (tagged.operation() instanceof IndexEntryOperation.IndexEntryPut put) {
                next = put(put, next, out);
            } else {
                next = delete((IndexEntryOperation.IndexEntryDelete) tagged.operation(), next, out);
            }
            applied++;
        }
        IndexPosition reached = IndexPosition.max(position, batch.through());
        next = next.propagatedTo(reached);
        if (!next.equals(state)) {
            out.put(stateKey, next.encode());
        }
        return new Applied(next, applied, skipped);
    }

    private IndexPartitionState put(IndexEntryOperation.IndexEntryPut put, IndexPartitionState state,
            OperationList.Builder out) {
        long size = IndexEntries.size(put.projectedItem());
        long existing = entrySize(put.entryKey());
        out.put(put.entryKey(), ItemCodec.encode(put.projectedItem(), size - IndexEntries.ENTRY_OVERHEAD_BYTES));
        pending.put(Bytes.wrap(put.entryKey()), size);
        return existing < 0 ? state.plus(1, size) : state.plus(0, size - existing);
    }

    private IndexPartitionState delete(IndexEntryOperation.IndexEntryDelete delete, IndexPartitionState state,
            OperationList.Builder out) {
        long existing = entrySize(delete.entryKey());
        if (existing < 0) {
            return state;
        }
        out.delete(delete.entryKey());
        pending.put(Bytes.wrap(delete.entryKey()), -1L);
        return state.plus(-1, -existing);
    }

    /** The size of the entry stored (or put earlier by this applier) under {@code key}; -1 when there is none. */
    private long entrySize(byte[] key) {
        Long put = pending.get(Bytes.wrap(key));
        if (put != null) {
            return put;
        }
        byte[] stored = storage.get(key);
        return stored == null ? -1 : IndexEntries.size(ItemCodec.decode(stored));
    }
}

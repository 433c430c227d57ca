package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.OperationList;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageReader;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a global secondary index partition's leader evaluates (docs/design/cluster.md §15): a {@link
 * GlobalIndexBatch} from one source (base) partition becomes one partition log entry whose operations are the
 * entry puts and deletes not yet applied, the source's new position under {@code 0x13}
 * ({@link KeyLayout#globalIndexPositionKey}) and the partition record with the partition's new item count and
 * size. Entries and position are written by the same entry, so a resend, a replay after a leader change on either
 * side, or a crash between the two cannot lose or double an operation: an operation at or below the stored
 * position for its source is skipped ({@link GlobalIndexApplier}).
 *
 * <p>The value under {@code 0x13} is an {@link IndexPartitionState}: the source's position, and the count and size
 * of the entries that source's items contribute to this partition (every entry derives from one base item, which
 * belongs to one source), so the partition record's totals are their sum.
 *
 * <p>Not thread-safe: the partition's leader evaluates on its sequencer, one batch at a time, each once the entry
 * of the previous one is applied (the applier reads entry sizes from storage). {@link #reset} after an entry that
 * did not apply.
 */
public final class GlobalIndexPartitionState {
    /** The single-node log has one proposer (see {@link PartitionEntry#nonce}). */
    private static final long LOCAL_NONCE = 0;

    private final PartitionDescriptor descriptor;
    private final StorageReader storage;
    private final LongSupplier clock;
    private final byte[] recordKey;
    private final byte[] encodedDescriptor;
    private PartitionMetadata metadata;
    /** The sources' states as evaluated (stored, or as the entries in flight leave them). */
    private final Map<PartitionId, IndexPartitionState> sources = new HashMap<>();

    /** What one batch evaluated to: the entry to log (null when nothing changes) and the source's position. */
    public record Evaluated(PartitionEntry entry, IndexPosition position, int applied, int skipped) {
        public Evaluated {
            requireNonNull(position, "position is null");
        }
    }

    /**
     * @param descriptor a global index's partition ({@code indexId} is not the base table's)
     * @param clock stamps the entries (milliseconds); apply reads no clock
     */
    public GlobalIndexPartitionState(PartitionDescriptor descriptor, StorageReader storage, LongSupplier clock) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        if (descriptor.indexId() == KeyLayout.BASE_TABLE_INDEX) {
            throw new IllegalArgumentException("not a global index partition: " + descriptor);
        }
        this.storage = requireNonNull(storage, "storage is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.recordKey = KeyLayout.partitionRecordKey(descriptor.tableId(), descriptor.id());
        this.encodedDescriptor = descriptor.encode();
        reset();
    }

    public PartitionDescriptor descriptor() {
        return descriptor;
    }

    /** The partition's applied sequence, item count and size as evaluated. */
    public PartitionMetadata metadata() {
        return metadata;
    }

    /** The position this partition has reached for {@code source} (a batch without operations asks it). */
    public IndexPosition position(PartitionId source) {
        return source(source).position();
    }

    /**
     * Evaluates {@code batch}: every operation after the source's position, the new position and the new partition
     * record as the next log entry.
     *
     * @throws IllegalArgumentException when the batch is for another index, or an entry key is not in this
     *     partition's range (the sender routed it by a stale map)
     */
    public Evaluated evaluate(GlobalIndexBatch batch) {
        requireNonNull(batch, "batch is null");
        if (batch.tableId() != descriptor.tableId() || batch.indexId() != descriptor.indexId()) {
            throw new IllegalArgumentException("a batch of table " + batch.tableId() + " index " + batch.indexId()
                    + " sent to " + descriptor);
        }
        for (GlobalIndexBatch.Tagged tagged : batch.operations()) {
            long hash = KeyLayout.readLong(tagged.operation().entryKey(), 11);
            if (!descriptor.owns(hash)) {
                throw new IllegalArgumentException("an entry of hash " + Long.toHexString(hash) + " sent to "
                        + descriptor);
            }
        }
        IndexPartitionState before = source(batch.source());
        OperationList.Builder operations = OperationList.builder(batch.operations().size() + 2);
        byte[] positionKey = KeyLayout.globalIndexPositionKey(descriptor.tableId(), descriptor.indexId(),
                descriptor.id(), batch.source());
        GlobalIndexApplier.Applied applied = new GlobalIndexApplier(storage).apply(batch, positionKey, before,
                operations);
        IndexPartitionState after = applied.state();
        if (after.equals(before)) {
            return new Evaluated(null, after.position(), 0, applied.skipped());
        }
        sources.put(batch.source(), after);
        long sequence = metadata.appliedIndex() + 1;
        PartitionMetadata next = metadata.next(after.itemCount() - before.itemCount(),
                after.sizeBytes() - before.sizeBytes());
        operations.put(recordKey, PartitionRecord.encode(encodedDescriptor, next));
        metadata = next;
        PartitionEntry entry = new PartitionEntry(descriptor.id(), descriptor.tableId(), sequence, LOCAL_NONCE,
                clock.getAsLong(), operations.build());
        return new Evaluated(entry, after.position(), applied.applied(), applied.skipped());
    }

    /**
     * The entry that removes this partition's data when its index is dropped (cluster.md §15): a range delete of
     * its own entries (its hash range of the index's key space, which the group state machine's key check accepts),
     * the positions of {@code sources} and its partition record. Logged by the partition itself, so every member
     * of its group deletes the same; applying it again (a drop resumed after a restart) deletes nothing more.
     *
     * @param sources the base partitions that may have fed it (the table's)
     */
    public PartitionEntry drop(Iterable<PartitionId> sources) {
        OperationList.Builder operations = OperationList.builder(8);
        operations.deleteRange(KeyLayout.partitionStart(descriptor), KeyLayout.partitionEnd(descriptor));
        for (PartitionId source : sources) {
            operations.delete(KeyLayout.globalIndexPositionKey(descriptor.tableId(), descriptor.indexId(),
                    descriptor.id(), source));
        }
        operations.delete(recordKey);
        long sequence = metadata.appliedIndex() + 1;
        metadata = new PartitionMetadata(sequence, 0, 0);
        sources.forEach(this.sources::remove);
        return new PartitionEntry(descriptor.id(), descriptor.tableId(), sequence, LOCAL_NONCE, clock.getAsLong(),
                operations.build());
    }

    /** Forgets what was evaluated and not applied: reads the record and the positions from storage again. */
    public void reset() {
        metadata = PartitionRecord.metadataOf(storage.get(recordKey));
        sources.clear();
    }

    private IndexPartitionState source(PartitionId source) {
        IndexPartitionState state = sources.get(source);
        if (state == null) {
            byte[] stored = storage.get(KeyLayout.globalIndexPositionKey(descriptor.tableId(), descriptor.indexId(),
                    descriptor.id(), source));
            state = stored == null ? IndexPartitionState.EMPTY : IndexPartitionState.decode(stored);
            sources.put(source, state);
        }
        return state;
    }
}

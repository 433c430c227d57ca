package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The leader's view of one partition while it sequences writes: evaluates each {@link ItemOperation} against the
 * item's latest image and turns the outcome into the next {@link LogEntry}.
 *
 * <p>A write is evaluated before the entries ahead of it are durable, so the latest image of an item may still
 * be in flight: such images are kept in an overlay until their entry is applied to storage, and evaluation reads
 * the overlay first. Reads that clients make (GetItem) go to storage only, so they never see a write that is not
 * yet durable.
 *
 * <p>Not thread-safe: owned by the partition's sequencer, which calls every method from one task at a time.
 */
public final class PartitionState {
    /** DynamoDB's limit on the size of an item collection (a partition key's items and local index entries). */
    public static final long MAX_ITEM_COLLECTION_BYTES = 10L * 1024 * 1024 * 1024;

    private final PartitionId id;
    private final StorageEngine storage;
    private final byte[] metadataKey;
    private final LongSupplier clock;
    private final Map<Bytes, Pending> inFlight = new HashMap<>();
    private final Map<Bytes, Pending> inFlightCollections = new HashMap<>();
    private PartitionMetadata metadata;
    private PartitionIndexes indexes;
    /** The stored state of each local index, as of the last evaluated write. */
    private final Map<Integer, IndexPartitionState> localStates = new HashMap<>();

    /**
     * An image whose log entry is not yet applied; {@code item} is null for a delete. For item collections,
     * {@code size} is the collection's size instead.
     */
    private record Pending(long index, Item item, long size) {
    }

    public PartitionState(PartitionId id, StorageEngine storage, KeySchema tableSchema, LongSupplier clock) {
        this.id = requireNonNull(id, "id is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metadataKey = KeyLayout.partitionMetadataKey(id);
        this.metadata = PartitionMetadata.decode(storage.get(metadataKey));
        this.indexes = PartitionIndexes.none(tableSchema);
    }

    public PartitionId id() {
        return id;
    }

    /** The metadata as of the last evaluated write (ahead of storage while writes are in flight). */
    public PartitionMetadata metadata() {
        return metadata;
    }

    /** The indexes that writes evaluated from now on maintain. */
    public void configure(PartitionIndexes newIndexes) {
        indexes = requireNonNull(newIndexes, "newIndexes is null");
        localStates.keySet().retainAll(newIndexes.local().stream().map(SecondaryIndex::id).toList());
        for (SecondaryIndex index : newIndexes.local()) {
            localStates.computeIfAbsent(index.id(),
                    indexId -> IndexPartitionState.decode(storage.get(KeyLayout.indexStateKey(id, indexId))));
        }
    }

    public PartitionIndexes indexes() {
        return indexes;
    }

    /**
     * Evaluates {@code operation} on the item stored under {@code itemKey} and reserves the next log index for
     * it. On failure (a condition that does not hold, an invalid result) nothing changes.
     */
    public EvaluatedWrite evaluate(byte[] itemKey, ItemOperation operation) {
        Bytes overlayKey = Bytes.wrap(itemKey);
        Item current = latestImage(overlayKey, itemKey);
        WriteOutcome outcome = operation.evaluate(current);
        Item newItem = outcome.newItem();
        if (newItem != null && !indexes.isEmpty()) {
            boolean byUpdateExpression = current != null && operation instanceof UpdateItemOperation;
            for (SecondaryIndex index : indexes.byName()) {
                IndexEntries.checkKeys(index, newItem, current, byUpdateExpression);
            }
        }

        long oldSize = current == null ? 0 : ItemSize.of(current);
        long newSize = newItem == null ? 0 : ItemSize.of(newItem);
        long countDelta = (outcome.existsAfter() ? 1 : 0) - (outcome.existedBefore() ? 1 : 0);
        PartitionMetadata next = metadata.next(countDelta, newSize - oldSize);

        WriteBatch batch = new WriteBatch();
        byte[] encodedNew = null;
        if (newItem != null) {
            encodedNew = ItemCodec.encode(newItem, newSize);
            batch.put(itemKey, encodedNew);
        } else if (current != null) {
            batch.delete(itemKey);
        }
        batch.put(metadataKey, next.encode());

        List<IndexWrite> indexWrites = List.of();
        long collectionSize = -1;
        if (!indexes.isEmpty()) {
            indexWrites = new ArrayList<>(indexes.local().size() + indexes.global().size());
            long collectionDelta = newSize - oldSize;
            Map<Integer, IndexPartitionState> nextStates = new HashMap<>();
            for (SecondaryIndex index : indexes.local()) {
                EntryChange change = entryChange(index, current, newItem);
                collectionDelta += change.sizeDelta();
                IndexPartitionState state = localStates.get(index.id()).plus(change.countDelta(), change.sizeDelta());
                nextStates.put(index.id(), state);
                change.writeTo(batch);
                batch.put(KeyLayout.indexStateKey(id, index.id()), state.encode());
                indexWrites.add(new IndexWrite(index.name(), false, change.units()));
            }
            for (SecondaryIndex index : indexes.global()) {
                indexWrites.add(new IndexWrite(index.name(), true, entryChange(index, current, newItem).units()));
            }
            if (!indexes.local().isEmpty()) {
                collectionSize = writeCollectionSize(operation, collectionDelta, next.appliedIndex(), batch);
            }
            if (indexes.recordsChanges()) {
                byte[] encodedOld = current == null ? null : ItemCodec.encode(current, oldSize);
                batch.put(KeyLayout.changeKey(id, next.appliedIndex()),
                        ChangeRecord.encode(clock.getAsLong(), encodedOld, encodedNew));
            }
            localStates.putAll(nextStates);
        }

        metadata = next;
        inFlight.put(overlayKey, new Pending(next.appliedIndex(), newItem, 0));
        return new EvaluatedWrite(outcome, new LogEntry(id, next.appliedIndex(), batch), oldSize, newSize,
                indexWrites, collectionSize);
    }

    /** How one write changes one index's entry for its item. */
    private record EntryChange(byte[] oldKey, long oldEntrySize, byte[] newKey, Item newEntry, long newEntrySize,
            boolean changed) {
        long countDelta() {
            return (newKey == null ? 0 : 1) - (oldKey == null ? 0 : 1);
        }

        long sizeDelta() {
            return newEntrySize - oldEntrySize;
        }

        /** DynamoDB's write units: a put and/or a delete of a whole entry, nothing when nothing changed. */
        double units() {
            if (!changed) {
                return 0;
            }
            if (oldKey != null && newKey != null && Arrays.equals(oldKey, newKey)) {
                return writeUnits(Math.max(oldEntrySize, newEntrySize));
            }
            return (oldKey == null ? 0 : writeUnits(oldEntrySize)) + (newKey == null ? 0 : writeUnits(newEntrySize));
        }

        /** Write units are counted on the entry's attributes, without the stored size's overhead. */
        private static double writeUnits(long entrySize) {
            long attributes = entrySize - IndexEntries.ENTRY_OVERHEAD_BYTES;
            return (attributes + Limits.WRITE_UNIT_BYTES - 1) / Limits.WRITE_UNIT_BYTES;
        }

        void writeTo(WriteBatch batch) {
            if (oldKey != null && (newKey == null || !Arrays.equals(oldKey, newKey))) {
                batch.delete(oldKey);
            }
            if (newKey != null && changed) {
                batch.put(newKey, ItemCodec.encode(newEntry, newEntrySize - IndexEntries.ENTRY_OVERHEAD_BYTES));
            }
        }
    }

    private EntryChange entryChange(SecondaryIndex index, Item current, Item newItem) {
        long tableId = id.tableId();
        KeySchema table = indexes.tableSchema();
        byte[] oldKey = current == null ? null : KeyLayout.indexEntryKey(tableId, table, index, current);
        byte[] newKey = newItem == null ? null : KeyLayout.indexEntryKey(tableId, table, index, newItem);
        Item oldEntry = oldKey == null ? null : IndexEntries.project(table, index, current);
        Item newEntry = newKey == null ? null : IndexEntries.project(table, index, newItem);
        long oldEntrySize = oldEntry == null ? 0 : IndexEntries.size(oldEntry);
        long newEntrySize = newEntry == null ? 0 : IndexEntries.size(newEntry);
        boolean changed = oldKey == null || newKey == null || !Arrays.equals(oldKey, newKey)
                || !oldEntry.equals(newEntry);
        if (oldKey == null && newKey == null) {
            changed = false;
        }
        return new EntryChange(oldKey, oldEntrySize, newKey, newEntry, newEntrySize, changed);
    }

    /**
     * Adds {@code delta} to the size of the written item's collection, refusing a write that would take it past
     * DynamoDB's limit.
     */
    private long writeCollectionSize(ItemOperation operation, long delta, long logIndex, WriteBatch batch) {
        byte[] key = KeyLayout.itemCollectionKey(id.tableId(), operation.key().partitionValue());
        Bytes overlayKey = Bytes.wrap(key);
        Pending pending = inFlightCollections.get(overlayKey);
        long current;
        if (pending != null) {
            current = pending.size();
        } else {
            byte[] stored = storage.get(key);
            current = stored == null ? 0 : new ByteReader(stored).readVarLong();
        }
        long size = Math.max(0, current + delta);
        if (delta > 0 && size > MAX_ITEM_COLLECTION_BYTES) {
            throw new BasaltException(ErrorCode.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, "Collection size exceeded.");
        }
        if (size == 0) {
            batch.delete(key);
        } else {
            batch.put(key, new ByteWriter(10).writeVarLong(size).toByteArray());
        }
        inFlightCollections.put(overlayKey, new Pending(logIndex, null, size));
        return size;
    }

    /** Forgets the overlay image of {@code itemKey} once the entry at {@code index} is applied to storage. */
    public void applied(byte[] itemKey, long index) {
        forget(inFlight, Bytes.wrap(itemKey), index);
        if (!inFlightCollections.isEmpty()) {
            inFlightCollections.values().removeIf(pending -> pending.index() <= index);
        }
    }

    private static void forget(Map<Bytes, Pending> overlay, Bytes key, long index) {
        Pending pending = overlay.get(key);
        if (pending != null && pending.index() == index) {
            overlay.remove(key);
        }
    }

    /**
     * Rolls back to storage's state after a log append failed: later entries of this partition were evaluated on
     * top of the failed one, so the leader must fail them too and start over from what is durable.
     */
    public void reset() {
        inFlight.clear();
        inFlightCollections.clear();
        metadata = PartitionMetadata.decode(storage.get(metadataKey));
        localStates.clear();
        configure(indexes);
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    private Item latestImage(Bytes overlayKey, byte[] itemKey) {
        Pending pending = inFlight.get(overlayKey);
        if (pending != null) {
            return pending.item();
        }
        byte[] stored = storage.get(itemKey);
        return stored == null ? null : ItemCodec.decode(stored);
    }
}

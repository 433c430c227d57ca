package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Bytes;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import java.util.HashMap;
import java.util.Map;

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
    private final PartitionId id;
    private final StorageEngine storage;
    private final byte[] metadataKey;
    private final Map<Bytes, Pending> inFlight = new HashMap<>();
    private PartitionMetadata metadata;

    /** An image whose log entry is not yet applied; {@code item} is null for a delete. */
    private record Pending(long index, Item item) {
    }

    public PartitionState(PartitionId id, StorageEngine storage) {
        this.id = requireNonNull(id, "id is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.metadataKey = KeyLayout.partitionMetadataKey(id);
        this.metadata = PartitionMetadata.decode(storage.get(metadataKey));
    }

    public PartitionId id() {
        return id;
    }

    /** The metadata as of the last evaluated write (ahead of storage while writes are in flight). */
    public PartitionMetadata metadata() {
        return metadata;
    }

    /**
     * Evaluates {@code operation} on the item stored under {@code itemKey} and reserves the next log index for
     * it. On failure (a condition that does not hold, an invalid result) nothing changes.
     */
    public EvaluatedWrite evaluate(byte[] itemKey, ItemOperation operation) {
        Bytes overlayKey = Bytes.wrap(itemKey);
        Item current = latestImage(overlayKey, itemKey);
        WriteOutcome outcome = operation.evaluate(current);

        long oldSize = current == null ? 0 : ItemSize.of(current);
        long newSize = outcome.newItem() == null ? 0 : ItemSize.of(outcome.newItem());
        long countDelta = (outcome.existsAfter() ? 1 : 0) - (outcome.existedBefore() ? 1 : 0);
        PartitionMetadata next = metadata.next(countDelta, newSize - oldSize);

        WriteBatch batch = new WriteBatch();
        if (outcome.newItem() != null) {
            batch.put(itemKey, ItemCodec.encode(outcome.newItem(), newSize));
        } else if (current != null) {
            batch.delete(itemKey);
        }
        batch.put(metadataKey, next.encode());

        metadata = next;
        inFlight.put(overlayKey, new Pending(next.appliedIndex(), outcome.newItem()));
        return new EvaluatedWrite(outcome, new LogEntry(id, next.appliedIndex(), batch), oldSize, newSize);
    }

    /** Forgets the overlay image of {@code itemKey} once the entry at {@code index} is applied to storage. */
    public void applied(byte[] itemKey, long index) {
        Bytes overlayKey = Bytes.wrap(itemKey);
        Pending pending = inFlight.get(overlayKey);
        if (pending != null && pending.index() == index) {
            inFlight.remove(overlayKey);
        }
    }

    /**
     * Rolls back to storage's state after a log append failed: later entries of this partition were evaluated on
     * top of the failed one, so the leader must fail them too and start over from what is durable.
     */
    public void reset() {
        inFlight.clear();
        metadata = PartitionMetadata.decode(storage.get(metadataKey));
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

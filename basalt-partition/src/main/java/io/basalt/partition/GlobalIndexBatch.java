package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One {@code GSI_APPLY} batch (cluster.md §15): entry operations for one global index, derived from one source
 * (base) partition's change records or backfill chunks, each tagged with its {@link IndexPosition} in that source.
 * Applying it is idempotent ({@link GlobalIndexApplier}): an operation at or below the position already applied for
 * the source is skipped, so a batch sent twice, a replay after a crash or a stale chunk changes nothing.
 *
 * @param through the position the source has reached once this batch is applied, at least the last operation's:
 *     it also covers sequences whose records needed nothing of this index
 * @param operations in source order (non-decreasing positions)
 */
public record GlobalIndexBatch(long tableId, int indexId, PartitionId source, IndexPosition through,
        List<Tagged> operations) {

    /** An entry operation and the position of the change (or chunk) it comes from. */
    public record Tagged(IndexPosition position, IndexEntryOperation operation) {
        public Tagged {
            requireNonNull(position, "position is null");
            requireNonNull(operation, "operation is null");
        }
    }

    public GlobalIndexBatch {
        requireNonNull(source, "source is null");
        requireNonNull(through, "through is null");
        operations = List.copyOf(operations);
        IndexPosition previous = IndexPosition.START;
        for (Tagged tagged : operations) {
            if (previous.isAfter(tagged.position())) {
                throw new IllegalArgumentException("operations out of order: " + tagged.position() + " after "
                        + previous);
            }
            previous = tagged.position();
        }
        if (previous.isAfter(through)) {
            throw new IllegalArgumentException("through " + through + " is below the last operation " + previous);
        }
    }
}

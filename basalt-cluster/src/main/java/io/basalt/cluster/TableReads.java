package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.encoding.StoredItem;
import java.util.List;
import java.util.Set;

/**
 * What a BatchGetItem found in one table: per requested key, in request order, the item's stored image or null, and
 * the positions of the keys whose partition could not be reached before the routing deadline. Those go to
 * {@code UnprocessedKeys} instead of failing the batch (docs/design/cluster.md §12.3: DynamoDB's documented
 * behaviour for partial batch failures, Developer Guide "Batch operations and error handling").
 *
 * @param items per key the stored item, or null when it does not exist or was not reached (may hold nulls)
 * @param unreached positions in {@code items} of the keys that were not read; empty on one node
 */
public record TableReads(List<StoredItem> items, Set<Integer> unreached) {
    public TableReads {
        requireNonNull(items, "items is null");
        unreached = Set.copyOf(unreached);
    }

    /** Whether the key at {@code position} was not read (its partition could not be reached). */
    public boolean isUnreached(int position) {
        return !unreached.isEmpty() && unreached.contains(position);
    }
}

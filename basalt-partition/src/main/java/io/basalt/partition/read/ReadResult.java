package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * One page read: the items kept, what was read, why the page ended and where the next one starts. Follows the
 * cursor contract of FoundationDB Record Layer's {@code RecordCursorResult}: a stop reason plus a continuation,
 * the continuation present exactly when the page stopped early.
 *
 * @param items the items the filter kept, in read order, in stored form (a local index read's fetched items where
 *     it fetched them)
 * @param scannedCount how many items (or index entries) were read
 * @param scannedBytes their total size
 * @param fetchedBytes the size of the table items a local index read fetched (zero otherwise)
 * @param stopReason why the page ended
 * @param lastEvaluatedKey the key attributes of the last item read (the table's key, then the index's), which the
 *     client sends back as ExclusiveStartKey; null iff {@code stopReason} is {@link StopReason#EXHAUSTED}
 */
public record ReadResult(List<StoredItem> items, int scannedCount, long scannedBytes, long fetchedBytes,
        StopReason stopReason, Item lastEvaluatedKey) {
    public ReadResult {
        items = List.copyOf(items);
        requireNonNull(stopReason, "stopReason is null");
        if ((stopReason == StopReason.EXHAUSTED) != (lastEvaluatedKey == null)) {
            throw new IllegalArgumentException("a continuation is present exactly when a page stops early");
        }
    }
}

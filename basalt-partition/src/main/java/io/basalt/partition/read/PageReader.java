package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one page of a Query or Scan the way DynamoDB pages: items are read in key order (or reverse) from a
 * consistent view, each read item counts towards {@code Limit} and the 1 MB page size whether or not the filter
 * keeps it, and a page that stopped early says which item it read last, so the next page can start after it.
 */
public final class PageReader {
    /** DynamoDB stops a page once it has read 1 MB of items (sizes as its item size rules count them). */
    public static final long MAX_PAGE_BYTES = 1024 * 1024;

    private PageReader() {
    }

    /** Why a page ended. */
    public enum StopReason {
        /** The range has no more items: there is no next page. */
        EXHAUSTED,
        /** {@code Limit} items were read. */
        LIMIT,
        /** 1 MB of items was read. */
        SIZE
    }

    /**
     * One page.
     *
     * @param items the items the filter kept, in read order (decoded only if the filter needed them)
     * @param scannedCount how many items were read
     * @param scannedBytes their total size
     * @param lastEvaluated the last item read when the page stopped early (its key becomes LastEvaluatedKey);
     *     null when exhausted
     */
    public record Page(List<StoredItem> items, int scannedCount, long scannedBytes, Item lastEvaluated,
            StopReason stopReason) {
        public Page {
            items = List.copyOf(items);
            requireNonNull(stopReason, "stopReason is null");
        }
    }

    /**
     * Reads up to {@code limit} items of {@code range}.
     *
     * @param filter decides which read items the page returns (FilterExpression); never affects paging
     */
    public static Page read(StorageEngine storage, KeyRange range, boolean forward, int limit, ItemCondition filter) {
        List<StoredItem> items = new ArrayList<>();
        if (range.isEmpty()) {
            return new Page(items, 0, 0, null, StopReason.EXHAUSTED);
        }
        int scanned = 0;
        long bytes = 0;
        try (StorageIterator iterator = storage.iterator(range.lowerInclusive(), range.upperExclusive())) {
            if (forward) {
                iterator.seekToFirst();
            } else {
                iterator.seekToLast();
            }
            while (iterator.isValid()) {
                StoredItem item = StoredItem.of(iterator.value());
                scanned++;
                bytes += item.size();
                if (filter == ItemCondition.ALWAYS || filter.test(item.item())) {
                    items.add(item);
                }
                if (scanned >= limit) {
                    return new Page(items, scanned, bytes, item.item(), StopReason.LIMIT);
                }
                if (bytes >= MAX_PAGE_BYTES) {
                    return new Page(items, scanned, bytes, item.item(), StopReason.SIZE);
                }
                if (forward) {
                    iterator.next();
                } else {
                    iterator.prev();
                }
            }
        }
        return new Page(items, scanned, bytes, null, StopReason.EXHAUSTED);
    }
}

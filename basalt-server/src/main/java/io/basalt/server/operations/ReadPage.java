package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.expressions.ast.Condition;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.PageReader;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a Query or Scan as the client sees it.
 *
 * @param page the items the filter kept, how many were read (and their size), and where the next page starts
 * @param fetchedBytes the size of the table items a local index read fetched (zero otherwise)
 */
record ReadPage(PageReader.Page page, long fetchedBytes) {
    ReadPage {
        requireNonNull(page, "page is null");
    }

    /**
     * Reads one page of {@code range} of {@code target}. Paging (Limit, 1 MB, LastEvaluatedKey) always follows the
     * entries read; a local index read that needs attributes the index does not hold then replaces entries by
     * their table items: every entry read when the filter needs them, otherwise only the entries the filter kept.
     *
     * @param fetch whether the table's items are needed ({@link ReadTarget#fetchesFromTable})
     */
    static ReadPage read(BasaltNode node, ReadTarget target, KeyRange range, boolean forward, int limit,
            Condition filter, boolean fetch, boolean filterNeedsTable) {
        ItemCondition condition = ItemRequests.itemCondition(filter);
        if (!fetch) {
            return new ReadPage(node.readPage(target.table(), range, forward, limit, condition), 0);
        }
        PageReader.Page entries = node.readPage(target.table(), range, forward, limit,
                filterNeedsTable ? ItemCondition.ALWAYS : condition);
        List<StoredItem> items = new ArrayList<>(entries.items().size());
        long fetchedBytes = 0;
        for (StoredItem entry : entries.items()) {
            StoredItem item = node.readStored(target.table(), target.tableKeyOf(entry.item()));
            if (item == null) {
                // A local index is written with its items; an entry without one can only be a read racing a delete.
                continue;
            }
            fetchedBytes += item.size();
            if (!filterNeedsTable || condition.test(item.item())) {
                items.add(item);
            }
        }
        return new ReadPage(new PageReader.Page(items, entries.scannedCount(), entries.scannedBytes(),
                entries.lastEvaluated(), entries.stopReason()), fetchedBytes);
    }
}

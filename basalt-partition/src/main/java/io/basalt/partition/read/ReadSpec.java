package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.Item;
import java.util.List;

/**
 * One page of a Query or Scan as a logical plan: what to read and how far, with no storage key in it. The node that
 * serves it turns it into key ranges ({@link ReadPlanner}) and reads it on one snapshot ({@link PartitionReader});
 * being plain data, it can travel to another node as it is (docs/design/cluster.md §9.1).
 *
 * @param tableId the table
 * @param source the table's items or one of its indexes
 * @param keyCondition a Query's key condition; null for a Scan
 * @param scanRange a Scan's segment; null for a Query
 * @param forward key order (true) or reverse (a Query's ScanIndexForward=false)
 * @param limit the most items to read (Limit), counted before the filter
 * @param byteBudget the most bytes to read, counted as DynamoDB counts item sizes ({@link #MAX_PAGE_BYTES})
 * @param filter which read items the page returns (FilterExpression or a legacy filter); null for all
 * @param projection the paths the response keeps; null for all. Carried for the node that writes the response
 *     (on one node, the server projects while writing JSON from the stored form)
 * @param countOnly whether the response holds only counts (Select COUNT)
 * @param fetch which table items a local index read fetches
 * @param exclusiveStartKey the client's ExclusiveStartKey (key attributes only, shape already checked); null for
 *     the first page
 * @param consistent whether the read is strongly consistent (served by the leader after a read barrier, §10)
 */
public record ReadSpec(long tableId, ReadSource source, KeyCondition keyCondition, ScanRange scanRange,
        boolean forward, int limit, long byteBudget, Condition filter, List<DocumentPath> projection,
        boolean countOnly, FetchMode fetch, Item exclusiveStartKey, boolean consistent) {
    /** DynamoDB stops a page once it has read 1 MB of items (sizes as its item size rules count them). */
    public static final long MAX_PAGE_BYTES = 1024 * 1024;

    public ReadSpec {
        requireNonNull(source, "source is null");
        requireNonNull(fetch, "fetch is null");
        if ((keyCondition == null) == (scanRange == null)) {
            throw new IllegalArgumentException("a read is either a Query (key condition) or a Scan (scan range)");
        }
        if (scanRange != null && !forward) {
            throw new IllegalArgumentException("a Scan reads forward");
        }
        if (limit < 1 || byteBudget < 1) {
            throw new IllegalArgumentException("limit and byte budget must be positive: " + limit + ", " + byteBudget);
        }
        if (fetch != FetchMode.NONE && source.kind() != ReadSource.Kind.LOCAL_INDEX) {
            throw new IllegalArgumentException("only a local index read fetches table items");
        }
        projection = projection == null ? null : List.copyOf(projection);
    }

    /** Whether this is a Query (else a Scan). */
    public boolean isQuery() {
        return keyCondition != null;
    }

    /** This spec with a different limit and byte budget (what is left of a page after one partition). */
    public ReadSpec withRemaining(int remainingLimit, long remainingBytes) {
        return new ReadSpec(tableId, source, keyCondition, scanRange, forward, remainingLimit, remainingBytes,
                filter, projection, countOnly, fetch, exclusiveStartKey, consistent);
    }
}

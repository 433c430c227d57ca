package io.basalt.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A cluster node's table commands and catalog (docs/design/cluster.md §11): every command is evaluated by the
 * metadata group's leader, wherever it is submitted (a node that does not lead the group forwards it with a
 * {@code META_COMMAND} frame), and answers once this node's own copy of the catalog holds the change, so a client's
 * DescribeTable on the same node right after sees it. Reads answer from this node's applied copy (DynamoDB's
 * control-plane reads are eventually consistent as well).
 *
 * <p>The single node keeps its own path in {@link BasaltNode} (its metadata state machine over the local log);
 * this seam is what cluster mode puts in its place. Thread-safe.
 */
public interface ControlPlane {
    /** The table of that name in this node's applied catalog (internal tables included). */
    Optional<TableMetadata> tryGetTable(String name);

    /** Every table in this node's applied catalog, in name order (internal tables included). */
    List<TableMetadata> tables();

    /** Up to {@code limit} client table names after {@code exclusiveStart} (null: from the first), in name order. */
    List<String> tableNamesAfter(String exclusiveStart, int limit);

    /**
     * Creates a table: the metadata leader allocates its ids, gives it and each global index its partitions (hash
     * ranges placed in data groups, §13.2) and logs it CREATING, to become ACTIVE {@code creationDelay} later.
     *
     * @throws io.basalt.model.BasaltException ResourceInUseException when a table of that name exists; a 503
     *     (DynamoDB's ServiceUnavailable) when no metadata leader answered within the routing deadline
     */
    TableMetadata createTable(TableDefinition definition, Duration creationDelay);

    /**
     * Changes a table (an added global index gets its partitions from the leader).
     *
     * @throws io.basalt.model.BasaltException ResourceNotFoundException when the table does not exist; the change's
     *     own refusals
     * @throws TableChangedException when the change expected a version of the table that is no longer current
     */
    TableMetadata updateTable(String name, TableChange change);

    /**
     * Deletes a table if it is still exactly {@code table}.
     *
     * @throws io.basalt.model.BasaltException ResourceNotFoundException when no table of that name exists
     * @throws TableChangedException when the table changed since {@code table} was read
     */
    TableMetadata deleteTable(TableMetadata table);

    /**
     * Calls {@code listener} after each metadata entry this node applies (on the applying thread, after the catalog
     * shows it: keep it short, never block), so that the node's data groups can open or drop partitions.
     */
    void addChangeListener(Runnable listener);
}

package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

/**
 * A change of the node's (later: the cluster's) metadata, as data: what the metadata state machine evaluates on
 * its control sequencer and logs as the result (docs/design/cluster.md §11). Validation that depends on the
 * current state (a name in use, a table missing, a table changed since it was read) happens in that evaluation;
 * the log holds only its result, so replaying it never re-evaluates. Byte form: {@link MetaCommandCodec}.
 */
public sealed interface MetaCommand {
    /**
     * Creates a table. Its id comes from {@link MetaStateMachine#allocateTableId()} (the one allocator of ids), so
     * the command carries the result of the allocation; the table starts CREATING.
     */
    record CreateTable(TableMetadata table) implements MetaCommand {
        public CreateTable {
            requireNonNull(table, "table is null");
        }
    }

    /** Changes a table's metadata. */
    record UpdateTable(String tableName, TableChange change) implements MetaCommand {
        public UpdateTable {
            requireNonNull(tableName, "tableName is null");
            requireNonNull(change, "change is null");
        }
    }

    /**
     * Deletes a table with all its data, if it is still exactly {@code table} (the version the caller checked
     * DynamoDB's preconditions against).
     */
    record DeleteTable(TableMetadata table) implements MetaCommand {
        public DeleteTable {
            requireNonNull(table, "table is null");
        }
    }
}

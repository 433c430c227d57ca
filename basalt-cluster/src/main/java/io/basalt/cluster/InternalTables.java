package io.basalt.cluster;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.util.List;
import java.util.Map;

/**
 * Tables Basalt keeps for itself, in ordinary partitions written through the ordinary write path
 * (docs/design/cluster.md §14). Their names start with {@code #}, which DynamoDB forbids in a table name
 * (<a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html">
 * naming rules</a>: {@code [a-zA-Z0-9_.-]}), so no client table can collide with one; and the node hides them from
 * every client operation (ListTables, DescribeTable, item, batch, transaction and read calls, tags, statistics).
 */
final class InternalTables {
    /** The transaction ledger: one row per transaction decision or client request token ({@link LedgerRow}). */
    static final String LEDGER = "#ledger";
    static final KeySchema LEDGER_SCHEMA = KeySchema.of(new KeyAttribute(LedgerRow.KEY, AttributeType.S));

    private InternalTables() {
    }

    /** Whether {@code name} is an internal table's (no client request can name one). */
    static boolean isInternal(String name) {
        return !name.isEmpty() && name.charAt(0) == '#';
    }

    /** What the ledger table is created from, on a node's first start. */
    static TableDefinition ledgerDefinition() {
        return new TableDefinition(LEDGER, LEDGER_SCHEMA, List.of(LEDGER_SCHEMA.partitionKey()),
                BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of());
    }
}

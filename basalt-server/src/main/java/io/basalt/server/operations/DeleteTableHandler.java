package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.TableChangedException;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.cluster.TableStatus;
import io.basalt.model.BasaltException;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteTable: refuses tables that are still being created or updated, tables with a global index in transition and
 * tables protected against deletion, otherwise removes the table and its items and answers with the reduced
 * description DynamoDB gives a table being deleted ({@link TableDescriptions#writeDeleted}).
 */
final class DeleteTableHandler implements OperationHandler {
    private final BasaltNode node;

    DeleteTableHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String tableName = TableNames.requireForTables(request);
        while (true) {
            TableMetadata candidate = node.describeTable(tableName);
            check(candidate);
            TableStatistics statistics = node.statistics(candidate);
            try {
                TableMetadata table = node.deleteTable(candidate);
                return answer(table, statistics, context);
            } catch (TableChangedException changed) {
                // Changed since we checked it: check the table as it is now (DynamoDB refuses by the new state).
            }
        }
    }

    /** DynamoDB's refusals, in its order. */
    private void check(TableMetadata candidate) {
        Instant now = node.now();
        TableStatus status = candidate.status(now);
        if (status == TableStatus.CREATING) {
            throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Table is "
                    + "being created: " + candidate.name());
        }
        // DynamoDB refuses while any global index is in transition, even with the table ACTIVE.
        for (IndexMetadata index : candidate.globalIndexes()) {
            if (index.status(now) != TableStatus.ACTIVE) {
                throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Cannot "
                        + "delete table while indexes are being created, updated, or deleted.");
            }
        }
        if (status == TableStatus.UPDATING) {
            throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Table is "
                    + "being updated: " + candidate.name());
        }
        if (candidate.deletionProtection()) {
            throw BasaltException.validation("Resource cannot be deleted as it is currently protected against "
                    + "deletion. Disable deletion protection first.");
        }
    }

    private static CompletableFuture<ResponseBody> answer(TableMetadata table, TableStatistics statistics,
            RequestContext context) {
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("TableDescription");
            TableDescriptions.writeDeleted(out, table, statistics, context);
            out.writeEndObject();
        });
    }
}

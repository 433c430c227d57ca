package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.IndexMetadata;
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
        TableStatistics[] statistics = new TableStatistics[1];
        TableMetadata table = node.deleteTable(tableName, candidate -> {
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
            statistics[0] = node.statistics(candidate);
        });
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("TableDescription");
            TableDescriptions.writeDeleted(out, table, statistics[0], context);
            out.writeEndObject();
        });
    }
}

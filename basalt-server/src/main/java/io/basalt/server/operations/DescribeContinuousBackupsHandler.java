package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeContinuousBackups: backups and point-in-time recovery do not exist yet, so both report their true
 * state, DISABLED. A missing table is DynamoDB's TableNotFoundException here, not ResourceNotFoundException.
 */
final class DescribeContinuousBackupsHandler implements OperationHandler {
    private final BasaltNode node;

    DescribeContinuousBackupsHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String tableName = TableNames.requireForTables(request);
        if (node.tryGetTable(tableName).isEmpty()) {
            throw new BasaltException(ErrorCode.TABLE_NOT_FOUND, "Table not found: " + tableName);
        }
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeObjectFieldStart("ContinuousBackupsDescription");
            out.writeStringField("ContinuousBackupsStatus", "DISABLED");
            out.writeObjectFieldStart("PointInTimeRecoveryDescription");
            out.writeStringField("PointInTimeRecoveryStatus", "DISABLED");
            out.writeEndObject();
            out.writeEndObject();
            out.writeEndObject();
        });
    }
}

package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTimeToLive: TTL is not configurable yet, so every table truly has it DISABLED (tools such as Terraform
 * read this on every plan).
 */
final class DescribeTimeToLiveHandler implements OperationHandler {
    private final BasaltNode node;

    DescribeTimeToLiveHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String tableName = TableNames.requireForTables(request);
        node.describeTable(tableName);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeObjectFieldStart("TimeToLiveDescription");
            out.writeStringField("TimeToLiveStatus", "DISABLED");
            out.writeEndObject();
            out.writeEndObject();
        });
    }
}

package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** DescribeTable: the full TableDescription with live item count and size. */
final class DescribeTableHandler implements OperationHandler {
    private final BasaltNode node;

    DescribeTableHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String tableName = TableNames.requireForTables(request);
        TableMetadata table = node.describeTable(tableName);
        var statistics = node.statistics(table);
        var now = node.now();
        var status = table.status(now);
        var indexes = IndexDescriptions.current(node, table, now);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("Table");
            TableDescriptions.write(out, table, statistics, status, table.throughput(), indexes,
                    context, TableDescriptions.Variant.FULL);
            out.writeEndObject();
        });
    }
}

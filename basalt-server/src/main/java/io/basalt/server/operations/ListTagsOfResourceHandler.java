package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** ListTagsOfResource: a table's tags; at most 50 exist, so one page holds them all. */
final class ListTagsOfResourceHandler implements OperationHandler {
    private final BasaltNode node;

    ListTagsOfResourceHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        TableMetadata table = ResourceArns.table(request.getString("ResourceArn"), context, node);
        Map<String, String> tags = table.tags();
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("Tags");
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                out.writeStartObject();
                out.writeStringField("Key", tag.getKey());
                out.writeStringField("Value", tag.getValue());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }
}

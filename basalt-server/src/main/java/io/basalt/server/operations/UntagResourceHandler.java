package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** UntagResource: removes tag keys from a table (absent keys are fine). Answers with no body. */
final class UntagResourceHandler implements OperationHandler {
    private final BasaltNode node;

    UntagResourceHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String arn = request.getString("ResourceArn");
        if (arn == null) {
            throw BasaltException.validation("Invalid TableArn");
        }
        ValidationErrors errors = new ValidationErrors();
        List<Object> keys = request.getList("TagKeys");
        errors.requireNonNull(keys, "tagKeys");
        errors.throwIfAny();
        for (Object key : keys) {
            if (!(key instanceof String)) {
                throw JsonObject.typeMismatch(key, "String");
            }
        }
        TableMetadata table = ResourceArns.table(arn, context, node);
        if (keys.isEmpty()) {
            throw BasaltException.validation("Atleast one Tag Key needs to be provided as Input.");
        }
        List<String> tagKeys = new ArrayList<>(keys.size());
        keys.forEach(key -> tagKeys.add((String) key));
        node.updateTable(table.name(), new TableChange.RemoveTags(tagKeys));
        return CompletableFuture.completedFuture(ResponseBody.NONE);
    }
}

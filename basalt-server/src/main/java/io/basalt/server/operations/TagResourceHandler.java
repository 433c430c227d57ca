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
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** TagResource: adds tags to a table, replacing the values of keys it already has. Answers with no body. */
final class TagResourceHandler implements OperationHandler {
    private final BasaltNode node;

    TagResourceHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        String arn = request.getString("ResourceArn");
        if (arn == null) {
            throw BasaltException.validation("Invalid TableArn");
        }
        ValidationErrors errors = new ValidationErrors();
        errors.requireNonNull(request.get("Tags"), "tags");
        Map<String, String> tags = Tags.parse(request, errors);
        errors.throwIfAny();
        TableMetadata table = ResourceArns.table(arn, context, node);
        if (tags.isEmpty()) {
            throw BasaltException.validation("Atleast one Tag needs to be provided as Input.");
        }
        Tags.checkContent(tags);
        // The count after merging is checked where the change applies, against the tags the table has then.
        node.updateTable(table.name(), new TableChange.AddTags(tags));
        return CompletableFuture.completedFuture(ResponseBody.NONE);
    }
}

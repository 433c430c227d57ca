package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ItemCondition;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** DeleteItem: removes one item; removing an absent item succeeds. */
final class DeleteItemHandler implements OperationHandler {
    private final BasaltNode node;

    DeleteItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        ItemRequests.rejectUnsupported(request, "ConditionExpression", "Expected", "ConditionalOperator");
        Item keyItem = ItemRequests.enveloped(() -> AttributeValueJson.readItem(keyJson));
        ItemRequests.requireNoneOrAllOld(parameters);
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromKey(keyItem, table);
        return ItemRequests.respond(node.write(table, new DeleteItemOperation(key, ItemCondition.ALWAYS)), parameters,
                table.name());
    }
}

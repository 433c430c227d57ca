package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateItem: changes attributes of one item, creating it when absent. Without an update it creates the item
 * with only its key (DynamoDB does the same).
 */
final class UpdateItemHandler implements OperationHandler {
    private final BasaltNode node;

    UpdateItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        ItemRequests.rejectUnsupported(request, "UpdateExpression", "AttributeUpdates", "ConditionExpression",
                "Expected", "ConditionalOperator");
        Item keyItem = ItemRequests.enveloped(() -> AttributeValueJson.readItem(keyJson));
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromKey(keyItem, table);
        ItemUpdate update = ItemUpdate.NONE;
        return ItemRequests.respond(node.write(table, new UpdateItemOperation(key, ItemKeys.keyItem(key, table),
                update, ItemCondition.ALWAYS)), parameters, table.name());
    }
}

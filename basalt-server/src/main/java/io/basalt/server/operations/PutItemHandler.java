package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.PutItemOperation;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** PutItem: creates or replaces one item. */
final class PutItemHandler implements OperationHandler {
    private final BasaltNode node;

    PutItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        JsonObject itemJson = ItemRequests.requireObject(request, "Item", "item", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        ItemRequests.rejectUnsupported(request, "ConditionExpression", "Expected", "ConditionalOperator");
        Item item = ItemRequests.enveloped(() -> AttributeValueJson.readItem(itemJson));
        ItemRequests.requireNoneOrAllOld(parameters);
        if (ItemSize.of(item) > Limits.MAX_ITEM_SIZE_BYTES) {
            throw BasaltException.validation("Item size has exceeded the maximum allowed size");
        }
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromItem(item, table);
        PutItemOperation put = new PutItemOperation(key, item, ItemCondition.ALWAYS);
        return ItemRequests.respond(node.write(table, put), parameters, table.name());
    }
}

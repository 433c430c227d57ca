package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.WriteOutcome;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
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
        return node.write(table, new UpdateItemOperation(key, ItemKeys.keyItem(key, table), update,
                        ItemCondition.ALWAYS))
                .exceptionally(failure -> {
                    throw WriteFailures.translate(failure, parameters);
                })
                .thenApply(write -> out -> {
                    out.writeStartObject();
                    ItemRequests.writeAttributes(out, returned(write.outcome(), parameters.returnValues()));
                    Capacity.write(out, parameters.capacity(), table.name(),
                            Capacity.writeUnits(write.oldSize(), write.newSize()), true);
                    out.writeEndObject();
                });
    }

    /** What ReturnValues selects: whole images, or only the attributes the update touched. */
    static Item returned(WriteOutcome outcome, String returnValues) {
        switch (returnValues) {
            case "ALL_OLD":
                return outcome.oldItem();
            case "ALL_NEW":
                return outcome.newItem();
            case "UPDATED_OLD":
                return touched(outcome.oldItem(), outcome);
            case "UPDATED_NEW":
                return touched(outcome.newItem(), outcome);
            default:
                return null;
        }
    }

    private static Item touched(Item image, WriteOutcome outcome) {
        if (image == null) {
            return null;
        }
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeValue> attribute : image.attributes().entrySet()) {
            if (outcome.touchedAttributes().contains(attribute.getKey())) {
                attributes.put(attribute.getKey(), attribute.getValue());
            }
        }
        return new Item(attributes);
    }
}

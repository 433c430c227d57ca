package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.eval.Projector;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * GetItem: reads one item, optionally projected. Reads see every acknowledged write, so both consistency levels
 * return the latest durable image; they differ in the capacity they consume, as in DynamoDB. Capacity is charged
 * for the whole item, whatever the projection.
 */
final class GetItemHandler extends DataPlaneHandler {
    private static final List<String> LEGACY = List.of("AttributesToGet");
    private static final List<String> EXPRESSIONS = List.of("ProjectionExpression");

    private final BasaltNode node;

    GetItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.GET_ITEM);
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        String tableName = TableNames.forItems(request.getString("TableName"), errors);
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        ReadRequests.checkAttributesToGet(request, errors);
        errors.throwIfAny();
        RequestExpressions expressions = RequestExpressions.read(request, LEGACY, EXPRESSIONS, List.of());
        boolean consistent = Boolean.TRUE.equals(request.getBoolean("ConsistentRead"));
        Item keyItem = AttributeValueJson.readItem(keyJson);
        ProjectionExpression attributesToGet = ReadRequests.attributesToGet(request);
        ProjectionExpression projection = attributesToGet != null ? attributesToGet : expressions.projection();
        expressions.requireAllUsed();
        TableMetadata table = node.tableForItems(tableName);
        PrimaryKey key = ItemKeys.fromKey(keyItem, table);
        if (projection != null) {
            ReadRequests.checkKeyPaths(projection.paths(), table.keySchema());
        }
        StoredItem item = node.getItem(table, key, consistent);
        Capacity.Mode mode = Capacity.mode(capacity);
        double units = Capacity.readUnits(item == null ? 0 : item.size(), consistent);
        Item projected = item == null || projection == null ? null : Projector.project(projection, item.item());
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            if (item != null) {
                out.writeFieldName("Item");
                ReadRequests.writeItem(out, item, projected);
            }
            Capacity.write(out, mode, table.name(), units);
            out.writeEndObject();
        });
    }
}

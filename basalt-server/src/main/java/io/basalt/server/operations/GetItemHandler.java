package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.eval.Projector;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.PrimaryKey;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * GetItem: reads one item, optionally projected. Reads see every acknowledged write, so both consistency levels
 * return the latest durable image; they differ in the capacity they consume, as in DynamoDB. Capacity is charged
 * for the whole item, whatever the projection.
 */
final class GetItemHandler implements OperationHandler {
    private static final List<String> LEGACY = List.of("AttributesToGet");
    private static final List<String> EXPRESSIONS = List.of("ProjectionExpression");

    private final BasaltNode node;

    GetItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        String tableName = TableNames.forItems(request.getString("TableName"), errors);
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        List<Object> attributesToGet = request.getList("AttributesToGet");
        if (attributesToGet != null && attributesToGet.isEmpty()) {
            errors.add("[]", "attributesToGet", "Member must have length greater than or equal to 1");
        }
        errors.throwIfAny();
        RequestExpressions expressions = RequestExpressions.read(request, LEGACY, EXPRESSIONS, List.of());
        boolean consistent = Boolean.TRUE.equals(request.getBoolean("ConsistentRead"));
        Item keyItem = AttributeValueJson.readItem(keyJson);
        ProjectionExpression projection = attributesToGet != null ? attributesToGet(attributesToGet)
                : expressions.projection();
        expressions.requireAllUsed();
        TableMetadata table = node.tableForItems(tableName);
        PrimaryKey key = ItemKeys.fromKey(keyItem, table);
        if (projection != null) {
            checkKeyPaths(projection, table);
        }
        Item item = node.read(table, key);
        Capacity.Mode mode = Capacity.mode(capacity);
        double units = Capacity.readUnits(item == null ? 0 : ItemSize.of(item), consistent);
        Item returned = item == null || projection == null ? item : Projector.project(projection, item);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            if (returned != null) {
                out.writeFieldName("Item");
                AttributeValueJson.writeItem(out, returned.attributes());
            }
            Capacity.write(out, mode, table.name(), units, false);
            out.writeEndObject();
        });
    }

    /** The legacy AttributesToGet as a projection of top-level attributes. */
    private static ProjectionExpression attributesToGet(List<Object> names) {
        Set<String> seen = new HashSet<>();
        List<DocumentPath> paths = new ArrayList<>(names.size());
        for (Object name : names) {
            if (!(name instanceof String attribute)) {
                throw JsonObject.serialization("Unexpected value type in payload");
            }
            if (!seen.add(attribute)) {
                throw BasaltException.validation("One or more parameter values were invalid: Duplicate value in "
                        + "attribute name: " + attribute);
            }
            paths.add(DocumentPath.of(attribute));
        }
        return new ProjectionExpression(paths);
    }

    /** Key attributes are scalars: a projection may name them, but not look inside them. */
    private static void checkKeyPaths(ProjectionExpression projection, TableMetadata table) {
        for (DocumentPath path : projection.paths()) {
            if (path.size() > 1 && path.first() instanceof PathElement.Name name
                    && table.keySchema().isKeyAttribute(name.name())) {
                throw BasaltException.validation("Key attributes must be scalars; list random access '[]' and map "
                        + "lookup '.' are not allowed: Key: " + name.name());
            }
        }
    }
}

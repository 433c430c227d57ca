package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TransactionGet;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.eval.Projector;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.PrimaryKey;
import io.basalt.model.ValueLayer;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * TransactGetItems: up to 100 Gets over several tables, read at one point in time. Responses come in request
 * order, an empty object for an item that does not exist; every Get costs twice a strongly consistent read, a
 * missing item included (measured: nubo-db/dynoxide#37, paritysuite/dynamodb-conformance#27).
 */
final class TransactGetItemsHandler extends DataPlaneHandler {
    private static final List<String> EXPRESSIONS = List.of("ProjectionExpression");

    private final BasaltNode node;

    TransactGetItemsHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    /** One Get, validated. */
    private record Get(String tableName, Item key, ProjectionExpression projection) {
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.TRANSACT_GET_ITEMS);
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        List<JsonObject> items = request.getStructureList("TransactItems", "TransactGetItem");
        TransactWriteItemsHandler.checkCount(items, errors);
        List<JsonObject> bodies = new ArrayList<>();
        List<String> tableNames = new ArrayList<>();
        if (items != null && items.size() <= TransactWriteItemsHandler.MAX_ACTIONS) {
            for (int i = 0; i < items.size(); i++) {
                String path = "transactItems." + (i + 1) + ".member.get";
                JsonObject body = items.get(i).getStructure("Get", "Get");
                errors.requireNonNull(body, path);
                if (body != null) {
                    errors.requireNonNull(body.getAttributeMap("Key"), path + ".key");
                    tableNames.add(TableNames.forItems(body.getString("TableName"), path + ".tableName", errors));
                }
                bodies.add(body);
            }
        }
        errors.throwIfAny();

        List<Get> gets = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            gets.add(read(tableNames.get(i), bodies.get(i)));
        }
        List<TableMetadata> tables = new ArrayList<>(gets.size());
        for (Get get : gets) {
            tables.add(node.tableForItems(get.tableName()));
        }
        List<PrimaryKey> keys = TransactionKeys.resolve(gets.size(), i -> key(gets.get(i), tables.get(i)),
                tables::get);
        List<TransactionGet> transaction = new ArrayList<>(gets.size());
        for (int i = 0; i < gets.size(); i++) {
            transaction.add(new TransactionGet(tables.get(i), keys.get(i)));
        }
        Capacity.Mode mode = Capacity.mode(capacity);
        return node.transactGet(transaction).thenApply(found -> respond(gets, tables, found, mode));
    }

    /** A Get's projection and key values, reported bare with the older layer's wording (us-east-1). */
    private static Get read(String tableName, JsonObject body) {
        RequestExpressions expressions = RequestExpressions.read(body, List.of(), EXPRESSIONS, List.of());
        Item key = AttributeValueJson.readItem(body.getAttributeMap("Key"), ValueLayer.OLDER);
        ProjectionExpression projection = expressions.projection();
        expressions.requireAllUsed();
        return new Get(tableName, key, projection);
    }

    private static PrimaryKey key(Get get, TableMetadata table) {
        PrimaryKey key;
        try {
            key = ItemKeys.matchKey(get.key(), table);
        } catch (BasaltException e) {
            throw new TransactWriteAction.ActionValidationError(e.getMessage());
        }
        ItemKeys.checkKeyValues(key, table.keySchema());
        if (get.projection() != null) {
            ReadRequests.checkKeyPaths(get.projection().paths(), table.keySchema());
        }
        return key;
    }

    private static ResponseBody respond(List<Get> gets, List<TableMetadata> tables, List<Item> found,
            Capacity.Mode mode) {
        Map<String, Double> units = new LinkedHashMap<>();
        List<Item> returned = new ArrayList<>(gets.size());
        for (int i = 0; i < gets.size(); i++) {
            Item item = found.get(i);
            units.merge(tables.get(i).name(), 2 * Capacity.readUnits(item == null ? 0 : ItemSize.of(item), true),
                    Double::sum);
            ProjectionExpression projection = gets.get(i).projection();
            returned.add(item == null || projection == null ? item : Projector.project(projection, item));
        }
        return out -> {
            out.writeStartObject();
            if (mode != Capacity.Mode.NONE) {
                out.writeArrayFieldStart("ConsumedCapacity");
                for (Map.Entry<String, Double> table : units.entrySet()) {
                    writeReadCapacity(out, mode, table.getKey(), table.getValue());
                }
                out.writeEndArray();
            }
            out.writeArrayFieldStart("Responses");
            for (Item item : returned) {
                out.writeStartObject();
                if (item != null) {
                    out.writeFieldName("Item");
                    AttributeValueJson.writeItem(out, item.attributes());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        };
    }

    /**
     * One table's ConsumedCapacity of a transactional read: the units also as {@code ReadCapacityUnits}, at the top
     * and (INDEXES) in {@code Table} (measured: nubo-db/dynoxide#37; ExtendDB#77).
     */
    private static void writeReadCapacity(com.fasterxml.jackson.core.JsonGenerator out, Capacity.Mode mode,
            String tableName, double units) throws java.io.IOException {
        out.writeStartObject();
        out.writeNumberField("CapacityUnits", units);
        out.writeNumberField("ReadCapacityUnits", units);
        if (mode == Capacity.Mode.INDEXES) {
            out.writeObjectFieldStart("Table");
            out.writeNumberField("CapacityUnits", units);
            out.writeNumberField("ReadCapacityUnits", units);
            out.writeEndObject();
        }
        out.writeStringField("TableName", tableName);
        out.writeEndObject();
    }
}

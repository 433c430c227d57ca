package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableKeys;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableReads;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.eval.Projector;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * BatchGetItem: up to 100 keys over several tables, each table with its own projection and consistency. Missing
 * items are simply absent; keys beyond the 16 MB response limit come back in UnprocessedKeys.
 */
final class BatchGetItemHandler extends DataPlaneHandler {
    private static final int MAX_KEYS = 100;
    private static final long MAX_RESPONSE_BYTES = 16L * 1024 * 1024;

    private final BasaltNode node;

    BatchGetItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    /** One table's part of the request, validated. */
    private record TableRequest(String tableName, JsonObject json, List<Item> keys, ProjectionExpression projection,
            boolean consistent) {
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.BATCH_GET_ITEM);
        JsonObject requestItems = request.getStructure("RequestItems", "BatchGetRequestMap");
        String capacity = request.getString("ReturnConsumedCapacity");
        // Constraint violations are listed in the order of the request's members in DynamoDB's model
        // (RequestItems, then ReturnConsumedCapacity): captures of October 2026, docs/design/error-texts.md.
        if (requestItems == null) {
            errors.requireNonNull(null, "requestItems");
        } else if (requestItems.size() == 0) {
            errors.addWithoutValue("RequestItems", "Member must have length greater than or equal to 1");
        } else {
            checkTableNames(requestItems, errors);
            for (String table : requestItems.names()) {
                JsonObject entry = requestItems.getStructure(table, "KeysAndAttributes");
                List<JsonObject> keys = entry == null ? null : entry.getAttributeMapList("Keys");
                if (keys == null) {
                    errors.requireNonNull(null, "requestItems." + table + ".member.keys");
                } else if (keys.isEmpty()) {
                    errors.addWithoutValue("RequestItems." + table + ".member.Keys",
                            "Member must have length greater than or equal to 1");
                } else if (keys.size() > MAX_KEYS) {
                    errors.addWithoutValue("RequestItems." + table + ".member.Keys",
                            "Member must have length less than or equal to " + MAX_KEYS);
                }
            }
        }
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        errors.throwIfAny();
        checkProjectionStyles(requestItems);

        List<TableRequest> tables = new ArrayList<>();
        int total = 0;
        for (String table : requestItems.names()) {
            TableRequest tableRequest = read(table, requestItems.getStructure(table, "KeysAndAttributes"));
            total += tableRequest.keys().size();
            tables.add(tableRequest);
        }
        if (total > MAX_KEYS) {
            throw BasaltException.validation("Too many items requested for the BatchGetItem call");
        }
        Map<String, TableMetadata> metadata = new LinkedHashMap<>();
        for (TableRequest table : tables) {
            metadata.put(table.tableName(), node.tableForItems(TableNames.forItems(table.tableName(),
                    new ValidationErrors())));
        }
        Map<String, List<PrimaryKey>> primaryKeys = new LinkedHashMap<>();
        for (TableRequest table : tables) {
            List<PrimaryKey> keys = new ArrayList<>(table.keys().size());
            for (Item key : table.keys()) {
                keys.add(ItemKeys.fromKey(key, metadata.get(table.tableName())));
            }
            primaryKeys.put(table.tableName(), keys);
        }

        // Every key is read at once, grouped by partition (docs/design/cluster.md §12.4); the response is then
        // cut where DynamoDB cuts it, in request order.
        List<TableKeys> reads = new ArrayList<>(tables.size());
        for (TableRequest table : tables) {
            reads.add(new TableKeys(metadata.get(table.tableName()), primaryKeys.get(table.tableName()),
                    table.consistent()));
        }
        List<TableReads> read = node.getItems(reads);
        Map<String, List<Found>> responses = new LinkedHashMap<>();
        Map<String, List<Item>> unprocessed = new LinkedHashMap<>();
        Map<String, Double> units = new LinkedHashMap<>();
        long responseBytes = 0;
        for (int t = 0; t < tables.size(); t++) {
            TableRequest table = tables.get(t);
            List<Found> found = new ArrayList<>();
            double tableUnits = 0;
            List<StoredItem> items = read.get(t).items();
            for (int i = 0; i < items.size(); i++) {
                // A key whose partition could not be reached is unprocessed, not a failed batch (cluster.md §12.3).
                if (responseBytes > MAX_RESPONSE_BYTES || read.get(t).isUnreached(i)) {
                    unprocessed.computeIfAbsent(table.tableName(), name -> new ArrayList<>()).add(table.keys().get(i));
                    continue;
                }
                StoredItem item = items.get(i);
                long size = item == null ? 0 : item.size();
                tableUnits += Capacity.readUnits(size, table.consistent());
                if (item != null) {
                    responseBytes += size;
                    found.add(new Found(item, table.projection() == null ? null
                            : Projector.project(table.projection(), item.item())));
                }
            }
            responses.put(table.tableName(), found);
            units.put(table.tableName(), tableUnits);
        }
        Capacity.Mode mode = Capacity.mode(capacity);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeObjectFieldStart("Responses");
            for (Map.Entry<String, List<Found>> table : responses.entrySet()) {
                out.writeArrayFieldStart(table.getKey());
                for (Found item : table.getValue()) {
                    ReadRequests.writeItem(out, item.stored(), item.projected());
                }
                out.writeEndArray();
            }
            out.writeEndObject();
            out.writeObjectFieldStart("UnprocessedKeys");
            for (Map.Entry<String, List<Item>> table : unprocessed.entrySet()) {
                out.writeObjectFieldStart(table.getKey());
                out.writeArrayFieldStart("Keys");
                for (Item key : table.getValue()) {
                    AttributeValueJson.writeItem(out, key.attributes());
                }
                out.writeEndArray();
                TableRequest original = tables.stream().filter(t -> t.tableName().equals(table.getKey()))
                        .findFirst().orElseThrow();
                BatchResponses.echo(out, original.json(), List.of("ProjectionExpression", "AttributesToGet",
                        "ExpressionAttributeNames", "ConsistentRead"));
                out.writeEndObject();
            }
            out.writeEndObject();
            BatchResponses.writeCapacity(out, mode, units);
            out.writeEndObject();
        });
    }

    /** An item read: whole in its stored form, and projected when the table asked for a projection. */
    private record Found(StoredItem stored, Item projected) {
    }

    /** One table's KeysAndAttributes: projection parameters, keys well-formed and without duplicates. */
    private static TableRequest read(String tableName, JsonObject entry) {
        ValidationErrors errors = new ValidationErrors();
        ReadRequests.checkAttributesToGet(entry, errors);
        errors.throwIfAny();
        RequestExpressions expressions = RequestExpressions.read(entry, List.of("AttributesToGet"),
                List.of("ProjectionExpression"), List.of());
        ProjectionExpression attributesToGet = ReadRequests.attributesToGet(entry);
        ProjectionExpression projection = attributesToGet != null ? attributesToGet : expressions.projection();
        expressions.requireAllUsed();
        List<Item> keys = new ArrayList<>();
        Set<Item> seen = new HashSet<>();
        for (JsonObject keyJson : entry.getAttributeMapList("Keys")) {
            Item key = AttributeValueJson.readItem(keyJson);
            if (!seen.add(key)) {
                throw BasaltException.validation("Provided list of item keys contains duplicates");
            }
            keys.add(key);
        }
        return new TableRequest(tableName, entry, keys, projection,
                Boolean.TRUE.equals(entry.getBoolean("ConsistentRead")));
    }

    /**
     * DynamoDB refuses a request that projects one table with ProjectionExpression and another with
     * AttributesToGet, though each table's entry is consistent on its own (conformance run against DynamoDB, 2026,
     * which asserts only the ValidationException). The text is the one DynamoDB gives for mixing both in one entry;
     * its exact wording for this case is not known (docs/compatibility.md).
     */
    private static void checkProjectionStyles(JsonObject requestItems) {
        boolean legacy = false;
        boolean expression = false;
        for (String table : requestItems.names()) {
            JsonObject entry = requestItems.getStructure(table, "KeysAndAttributes");
            legacy |= entry.has("AttributesToGet");
            expression |= entry.has("ProjectionExpression");
        }
        if (legacy && expression) {
            throw BasaltException.validation("Can not use both expression and non-expression parameters in the same "
                    + "request: Non-expression parameters: {AttributesToGet} Expression parameters: "
                    + "{ProjectionExpression}");
        }
    }

    /** Table names are map keys here; DynamoDB reports a bad one with the whole map, as compact JSON. */
    private static void checkTableNames(JsonObject requestItems, ValidationErrors errors) {
        if (!TableNames.validBatchKeys(requestItems.names())) {
            errors.add(requestItems.toCompactJson(), "requestItems", TableNames.BATCH_MAP_KEYS);
        }
    }
}

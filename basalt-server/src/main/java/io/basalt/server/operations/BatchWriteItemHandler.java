package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.model.SecondaryIndex;
import io.basalt.model.ValueLayer;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PutItemOperation;
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
 * BatchWriteItem: up to 25 puts and deletes over several tables. The whole batch is validated before anything is
 * written, including each put's secondary index key attributes (DynamoDB rejects the whole batch for one bad index
 * key and writes nothing: scylladb test/alternator/test_gsi.py test_gsi_wrong_type_attribute_batch, run against
 * DynamoDB); the writes then run concurrently, each atomic on its own. Only a write the server cannot take for a
 * transient reason comes back in UnprocessedItems for the client to retry, as DynamoDB returns throttled writes: an
 * invalid write must never read as retryable, or clients retry it forever.
 */
final class BatchWriteItemHandler extends DataPlaneHandler {
    private static final int MAX_WRITES = 25;

    private final BasaltNode node;

    BatchWriteItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    /** One write of the batch: its request JSON (echoed if unprocessed) and its item or key. */
    private record Write(String tableName, JsonObject json, Item item, Item key) {
        boolean isPut() {
            return item != null;
        }
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.BATCH_WRITE_ITEM);
        JsonObject requestItems = request.getStructure("RequestItems", "BatchWriteItemRequestMap");
        errors.checkEnum(request.getString("ReturnConsumedCapacity"), "returnConsumedCapacity",
                ItemRequests.CAPACITY_MODES);
        errors.checkEnum(request.getString("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics",
                ItemRequests.ITEM_COLLECTION_METRICS);
        errors.throwIfAny();
        if (requestItems == null || requestItems.size() == 0) {
            throw BasaltException.validation("The requestItems parameter is required for BatchWriteItem");
        }
        // Unlike BatchGetItem, BatchWriteItem reports a malformed table name only when the enums are valid
        // (captures of October 2026, docs/design/error-texts.md).
        if (!TableNames.validBatchKeys(requestItems.names())) {
            errors.add(render(requestItems), "requestItems", TableNames.BATCH_MAP_KEYS);
        }
        for (String table : requestItems.names()) {
            List<JsonObject> writes = requestItems.getStructureList(table, "WriteRequest");
            if (writes == null || writes.isEmpty() || writes.size() > MAX_WRITES) {
                errors.add(render(requestItems), "requestItems", "Map value must satisfy constraint: [Member must "
                        + "have length less than or equal to 25, Member must have length greater than or equal to 1]");
                break;
            }
        }
        errors.throwIfAny();

        List<Write> writes = new ArrayList<>();
        for (String table : requestItems.names()) {
            for (JsonObject writeRequest : requestItems.getStructureList(table, "WriteRequest")) {
                writes.add(read(table, writeRequest));
            }
        }
        if (writes.size() > MAX_WRITES) {
            throw BasaltException.validation("Too many items requested for the BatchWriteItem call");
        }
        Map<String, TableMetadata> tables = new LinkedHashMap<>();
        Map<String, List<SecondaryIndex>> indexes = new LinkedHashMap<>();
        for (String table : requestItems.names()) {
            TableMetadata metadata = node.tableForItems(TableNames.forItems(table, new ValidationErrors()));
            tables.put(table, metadata);
            indexes.put(table, IndexKeyChecks.inCheckOrder(metadata));
        }
        List<ItemOperation> operations = new ArrayList<>(writes.size());
        Map<String, Set<PrimaryKey>> seen = new LinkedHashMap<>();
        for (Write write : writes) {
            TableMetadata table = tables.get(write.tableName());
            PrimaryKey key = primaryKey(write, table);
            if (!seen.computeIfAbsent(write.tableName(), name -> new HashSet<>()).add(key)) {
                throw BasaltException.validation("Provided list of item keys contains duplicates");
            }
            if (write.isPut()) {
                IndexKeyChecks.checkPut(indexes.get(write.tableName()), write.item());
            }
            operations.add(write.isPut() ? new PutItemOperation(key, write.item()) : new DeleteItemOperation(key));
        }

        List<TableMetadata> targets = new ArrayList<>(writes.size());
        for (Write write : writes) {
            targets.add(tables.get(write.tableName()));
        }
        List<CompletableFuture<EvaluatedWrite>> results = node.writeBatch(targets, operations);
        Capacity.Mode mode = Capacity.mode(request.getString("ReturnConsumedCapacity"));
        String metrics = request.getString("ReturnItemCollectionMetrics");
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> respond(writes, operations, results, tables, mode, metrics));
    }

    private ResponseBody respond(List<Write> writes, List<ItemOperation> operations,
            List<CompletableFuture<EvaluatedWrite>> results, Map<String, TableMetadata> tables, Capacity.Mode mode,
            String metrics) {
        Map<String, WriteCapacity> units = new LinkedHashMap<>();
        Map<String, List<Write>> unprocessed = new LinkedHashMap<>();
        Map<String, List<Integer>> collections = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            WriteCapacity capacity = units.computeIfAbsent(write.tableName(), name -> new WriteCapacity());
            CompletableFuture<EvaluatedWrite> result = results.get(i);
            if (result.isCompletedExceptionally()) {
                IndexKeyChecks.rethrowUnlessTransient(result);
                unprocessed.computeIfAbsent(write.tableName(), name -> new ArrayList<>()).add(write);
                continue;
            }
            EvaluatedWrite done = result.join();
            capacity.add(done);
            if (ItemCollectionMetrics.applies(metrics, done)) {
                collections.computeIfAbsent(write.tableName(), name -> new ArrayList<>()).add(i);
            }
        }
        return out -> {
            out.writeStartObject();
            out.writeObjectFieldStart("UnprocessedItems");
            for (Map.Entry<String, List<Write>> table : unprocessed.entrySet()) {
                out.writeArrayFieldStart(table.getKey());
                for (Write write : table.getValue()) {
                    JsonObject.writeValue(out, write.json());
                }
                out.writeEndArray();
            }
            out.writeEndObject();
            WriteCapacity.writeList(out, mode, units);
            ItemCollectionMetrics.writeMember(out, collections, i -> tables.get(writes.get(i).tableName()),
                    i -> operations.get(i).key().partitionValue(), i -> results.get(i).join());
            out.writeEndObject();
        };
    }

    /**
     * One WriteRequest: exactly one of PutRequest and DeleteRequest (DynamoDB reuses the AttributeValue union
     * message for this), values well-formed in the older wording BatchWriteItem still uses, items within 400 KB.
     */
    private static Write read(String table, JsonObject writeRequest) {
        JsonObject put = writeRequest == null ? null : writeRequest.getStructure("PutRequest", "PutRequest");
        JsonObject delete = writeRequest == null ? null : writeRequest.getStructure("DeleteRequest", "DeleteRequest");
        if ((put == null) == (delete == null)) {
            throw BasaltException.validation("Supplied AttributeValue has more than one datatypes set, must contain "
                    + "exactly one of the supported datatypes");
        }
        if (put != null) {
            JsonObject itemJson = put.getAttributeMap("Item");
            if (itemJson == null) {
                throw BasaltException.validation("1 validation error detected: Value null at "
                        + "'requestItems." + table + ".member.putRequest.item' failed to satisfy constraint: "
                        + "Member must not be null");
            }
            Item item = olderWording(itemJson);
            if (ItemSize.of(item) > Limits.MAX_ITEM_SIZE_BYTES) {
                throw BasaltException.validation("Item size has exceeded the maximum allowed size");
            }
            return new Write(table, writeRequest, item, null);
        }
        JsonObject keyJson = delete.getAttributeMap("Key");
        if (keyJson == null) {
            throw BasaltException.validation("1 validation error detected: Value null at "
                    + "'requestItems." + table + ".member.deleteRequest.key' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        return new Write(table, writeRequest, null, olderWording(keyJson));
    }

    /** BatchWriteItem checks values with DynamoDB's older layer (docs/design/error-texts.md). */
    private static Item olderWording(JsonObject json) {
        return AttributeValueJson.readItem(json, ValueLayer.OLDER);
    }

    /** Every key problem of a batch write reads as a schema mismatch, except empty key values. */
    private static PrimaryKey primaryKey(Write write, TableMetadata table) {
        try {
            return write.isPut() ? ItemKeys.fromItem(write.item(), table) : ItemKeys.fromKey(write.key(), table);
        } catch (BasaltException e) {
            if (e.getMessage().contains("cannot contain an empty")) {
                throw e;
            }
            throw ItemKeys.mismatch();
        }
    }

    /** The request map as DynamoDB's framework prints it in constraint messages: {@code {table=[...]}}. */
    private static String render(JsonObject requestItems) {
        StringBuilder text = new StringBuilder("{");
        for (String table : requestItems.names()) {
            if (text.length() > 1) {
                text.append(", ");
            }
            List<Object> list = requestItems.getList(table);
            text.append(table).append("=[");
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    text.append(i == 0 ? "" : ", ").append(renderWrite(list.get(i)));
                }
            }
            text.append("]");
        }
        return text.append("}").toString();
    }

    /**
     * One WriteRequest in the Java form DynamoDB echoes, {@code WriteRequest(putRequest=PutRequest(item={pk=...}))}
     * (captures of October 2026: us-east-1 prints the fields, other regions object hashes; the attribute values'
     * own form is not captured, so Basalt prints them as JSON).
     */
    private static String renderWrite(Object write) {
        if (!(write instanceof JsonObject request)) {
            return "WriteRequest(" + write + ")";
        }
        StringBuilder text = new StringBuilder("WriteRequest(");
        if (request.get("PutRequest") instanceof JsonObject put) {
            text.append("putRequest=PutRequest(item=").append(renderMap(put.get("Item"))).append(")");
        } else if (request.get("DeleteRequest") instanceof JsonObject delete) {
            text.append("deleteRequest=DeleteRequest(key=").append(renderMap(delete.get("Key"))).append(")");
        } else {
            text.append(request.toCompactJson());
        }
        return text.append(")").toString();
    }

    private static String renderMap(Object map) {
        if (!(map instanceof JsonObject object)) {
            return String.valueOf(map);
        }
        StringBuilder text = new StringBuilder("{");
        for (String name : object.names()) {
            Object value = object.get(name);
            text.append(text.length() > 1 ? ", " : "").append(name).append('=')
                    .append(value instanceof JsonObject json ? json.toCompactJson() : String.valueOf(value));
        }
        return text.append("}").toString();
    }
}

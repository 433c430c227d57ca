package io.basalt.server.operations;

import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.model.ValueLayer;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.NoItemUpdate;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code TransactWriteItem} of a TransactWriteItems request, read in the three steps DynamoDB takes: its
 * members' constraints (with the whole request's), then its expressions and values, then its key against the table.
 * Not thread-safe: one per action of one request.
 */
final class TransactWriteAction {
    /** The four kinds of action, in the order DynamoDB's framework reports their members (alphabetical). */
    enum Kind {
        CONDITION_CHECK("ConditionCheck", "conditionCheck", List.of("ConditionExpression")),
        DELETE("Delete", "delete", List.of("ConditionExpression")),
        PUT("Put", "put", List.of("ConditionExpression")),
        UPDATE("Update", "update", List.of("UpdateExpression", "ConditionExpression"));

        private final String member;
        private final String path;
        private final List<String> expressions;

        Kind(String member, String path, List<String> expressions) {
            this.member = member;
            this.path = path;
            this.expressions = expressions;
        }
    }

    /** Thrown for a problem DynamoDB reports as this action's {@code ValidationError} cancellation reason. */
    static final class ActionValidationError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ActionValidationError(String message) {
            super(message, null, false, false);
        }
    }

    private final List<Kind> kinds;
    private final List<JsonObject> bodies;
    private final String tableName;
    private final boolean returnItemOnConditionFailure;
    private Item item;
    private Item key;
    private Condition condition;
    private UpdateExpression update;
    private long valuesSize;

    private TransactWriteAction(List<Kind> kinds, List<JsonObject> bodies, String tableName,
            boolean returnItemOnConditionFailure) {
        this.kinds = kinds;
        this.bodies = bodies;
        this.tableName = tableName;
        this.returnItemOnConditionFailure = returnItemOnConditionFailure;
    }

    /**
     * Step one: the members' constraints ({@code Value null at 'transactItems.1.member.put.item' ...}), added to
     * the request's other constraint violations. Each action member present is checked, even when there are
     * several, as DynamoDB's framework does before it looks at what the action means.
     *
     * @param position the action's 1-based position, as DynamoDB's paths count
     */
    static TransactWriteAction read(JsonObject transactItem, int position, ValidationErrors errors) {
        List<Kind> kinds = new ArrayList<>();
        List<JsonObject> bodies = new ArrayList<>();
        String tableName = null;
        boolean returnItem = false;
        for (Kind kind : Kind.values()) {
            JsonObject body = transactItem.getStructure(kind.member, kind.member);
            if (body == null) {
                continue;
            }
            kinds.add(kind);
            bodies.add(body);
            String path = "transactItems." + position + ".member." + kind.path + ".";
            if (kind == Kind.CONDITION_CHECK) {
                errors.requireNonNull(body.getString("ConditionExpression"), path + "conditionExpression");
            }
            if (kind == Kind.PUT) {
                errors.requireNonNull(body.getAttributeMap("Item"), path + "item");
            } else {
                errors.requireNonNull(body.getAttributeMap("Key"), path + "key");
            }
            String onFailure = body.getString("ReturnValuesOnConditionCheckFailure");
            errors.checkEnum(onFailure, path + "returnValuesOnConditionCheckFailure",
                    ItemRequests.RETURN_ON_CONDITION_FAILURE);
            tableName = TableNames.forItems(body.getString("TableName"), path + "tableName", errors);
            if (kind == Kind.UPDATE) {
                errors.requireNonNull(body.getString("UpdateExpression"), path + "updateExpression");
            }
            returnItem = "ALL_OLD".equals(onFailure);
        }
        return new TransactWriteAction(List.copyOf(kinds), List.copyOf(bodies), tableName, returnItem);
    }

    /**
     * Step two: exactly one action, then its expression parameters, attribute values, item size and expressions,
     * in the order PutItem, UpdateItem and DeleteItem check them. DynamoDB reports these bare (without the
     * {@code 1 validation error detected} envelope the single-item writes now use).
     */
    void parse() {
        if (kinds.isEmpty()) {
            // us-east-1's sentence (paritysuite/dynamodb-conformance, transactWriteItems error messages, 2026-10);
            // regions on the newer validation framework say "1 validation error detected: Value '' at
            // 'transactItems' failed to satisfy constraint: TransactWriteRequest should contain Delete or Put or
            // Update or ConditionCheck".
            throw BasaltException.validation("Invalid Request: TransactWriteRequest should contain Delete or Put or "
                    + "Update request");
        }
        if (kinds.size() > 1) {
            // Not captured from DynamoDB; moto's wording (Amazon's DAX clients say "ConditionCheck" instead).
            throw BasaltException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        }
        Kind kind = kind();
        JsonObject body = body();
        // us-east-1 checks transaction values with the older layer (eu-west-2 with the current one).
        RequestExpressions expressions = RequestExpressions.read(body, List.of(), kind.expressions,
                kind.expressions, ValueLayer.OLDER);
        valuesSize = expressions.values().values().stream().mapToLong(ItemSize::of).sum();
        if (kind == Kind.PUT) {
            item = AttributeValueJson.readItem(body.getAttributeMap("Item"), ValueLayer.OLDER);
            if (ItemSize.of(item) > Limits.MAX_ITEM_SIZE_BYTES) {
                throw BasaltException.validation("Item size has exceeded the maximum allowed size");
            }
        } else {
            key = AttributeValueJson.readItem(body.getAttributeMap("Key"), ValueLayer.OLDER);
        }
        if (kind == Kind.UPDATE) {
            update = expressions.update();
        }
        condition = expressions.condition(ExpressionKind.CONDITION);
        expressions.requireAllUsed();
    }

    Kind kind() {
        return kinds.get(0);
    }

    JsonObject body() {
        return bodies.get(0);
    }

    String tableName() {
        return tableName;
    }

    boolean returnItemOnConditionFailure() {
        return returnItemOnConditionFailure;
    }

    /**
     * What this action adds to the transaction's payload, for the 4 MB limit: the whole item of a Put, else the
     * key, plus its ExpressionAttributeValues. DynamoDB measures the request, not the items it names: a transaction
     * deleting 5 MB of stored items is accepted (scylladb/scylladb test/alternator/test_transact.py, run against
     * DynamoDB).
     */
    long requestSize() {
        return ItemSize.of(item != null ? item : key) + valuesSize;
    }

    /**
     * Step three: the key against the table's schema. An empty or oversized key value is an error of the whole
     * request (thrown as it is); a key that does not match the schema, or an update of a key attribute, is this
     * action's {@link ActionValidationError} (paritysuite/dynamodb-conformance, transactWriteItems error messages,
     * captured in four regions).
     */
    PrimaryKey primaryKey(TableMetadata table) {
        PrimaryKey primaryKey;
        try {
            primaryKey = item != null ? ItemKeys.matchItem(item, table) : ItemKeys.matchKey(key, table);
        } catch (BasaltException e) {
            throw new ActionValidationError(e.getMessage());
        }
        ItemKeys.checkKeyValues(primaryKey, table.keySchema());
        if (update != null) {
            try {
                UpdateItemHandler.checkNotKey(RequestExpressions.targets(update), table.keySchema());
            } catch (BasaltException e) {
                throw new ActionValidationError(e.getMessage());
            }
        }
        return primaryKey;
    }

    /** The operation the engine runs for this action, on the item {@code primaryKey} names. */
    ItemOperation operation(TableMetadata table, PrimaryKey primaryKey) {
        return switch (kind()) {
            case PUT -> new PutItemOperation(primaryKey, item, condition);
            case DELETE -> new DeleteItemOperation(primaryKey, condition);
            case CONDITION_CHECK -> new ConditionCheckOperation(primaryKey, condition);
            case UPDATE -> new UpdateItemOperation(primaryKey, ItemKeys.keyItem(primaryKey, table),
                    update == null ? NoItemUpdate.INSTANCE : ExpressionItemUpdate.sizedByItem(update), condition);
        };
    }
}

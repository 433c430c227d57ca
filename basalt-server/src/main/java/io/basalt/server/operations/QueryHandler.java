package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.expressions.keys.KeyConditions;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.PageReader;
import io.basalt.partition.read.ReadRanges;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Query: the items of one partition key, in sort key order (or reverse), narrowed by a sort key condition,
 * filtered, projected and paged as DynamoDB does. Checks follow DynamoDB's order (docs/design/query-reference.md).
 */
final class QueryHandler extends DataPlaneHandler {
    private static final List<String> LEGACY = List.of("AttributesToGet", "QueryFilter", "ConditionalOperator",
            "KeyConditions");
    private static final List<String> EXPRESSIONS = List.of("ProjectionExpression", "FilterExpression",
            "KeyConditionExpression");
    private static final List<String> VALUE_EXPRESSIONS = List.of("FilterExpression", "KeyConditionExpression");
    private static final List<String> INDEXABLE = List.of("EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN");

    private final BasaltNode node;

    QueryHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        ReadRequests.Common read = ReadRequests.common(request, errors, true);
        String tableName = read.tableName();
        String indexName = read.indexName();
        String select = read.select();
        Long limit = read.limit();
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        errors.checkEnum(request.getString("ConditionalOperator"), "conditionalOperator",
                LegacyExpected.CONDITIONAL_OPERATORS);
        ReadRequests.checkLegacyConditions(request, "KeyConditions", "keyConditions", errors);
        ReadRequests.checkLegacyConditions(request, "QueryFilter", "queryFilter", errors);
        errors.throwIfAny();

        // KeyConditions is the one legacy parameter DynamoDB lets stand beside FilterExpression/ProjectionExpression.
        List<String> legacy = request.has("KeyConditionExpression") ? LEGACY : LEGACY.subList(0, 3);
        RequestExpressions expressions = RequestExpressions.read(request, legacy, EXPRESSIONS, VALUE_EXPRESSIONS);
        Condition legacyFilter = ReadRequests.legacyFilter(request, "QueryFilter");
        ProjectionExpression attributesToGet = ReadRequests.attributesToGet(request);
        Item start = ReadRequests.exclusiveStartKey(request);
        if (!request.has("KeyConditions") && !request.has("KeyConditionExpression")) {
            throw BasaltException.validation("Either the KeyConditions or KeyConditionExpression parameter must be "
                    + "specified in the request.");
        }
        Condition keyCondition = expressions.condition(ExpressionKind.KEY_CONDITION);
        if (keyCondition != null) {
            KeyConditions.checkStructure(keyCondition);
        }
        Condition filter = legacyFilter != null ? legacyFilter : expressions.condition(ExpressionKind.FILTER);
        ProjectionExpression projection = attributesToGet != null ? attributesToGet : expressions.projection();
        expressions.requireAllUsed();
        JsonObject keyConditions = request.getStructure("KeyConditions", "KeyConditions");
        if (keyConditions != null && (keyConditions.size() < 1 || keyConditions.size() > 2)) {
            throw BasaltException.validation("Conditions can be of length 1 or 2 only");
        }
        ReadRequests.checkSelect(select, request, true);

        TableMetadata table = node.tableForItems(tableName);
        if (indexName != null) {
            throw BasaltException.validation("The table does not have the specified index: " + indexName);
        }
        KeySchema schema = table.keySchema();
        if (keyCondition == null) {
            keyCondition = legacyKeyCondition(keyConditions);
        }
        KeyCondition key = KeyConditions.analyze(keyCondition, schema);
        if (filter != null) {
            checkFilterOnKeys(filter, schema, legacyFilter != null ? "QueryFilter" : "Filter Expression");
            ReadRequests.checkKeyPaths(ReadRequests.paths(filter), schema);
        }
        if (projection != null) {
            ReadRequests.checkKeyPaths(projection.paths(), schema);
        }
        boolean forward = !Boolean.FALSE.equals(request.getBoolean("ScanIndexForward"));
        KeyRange range = ReadRanges.query(table.id(), KeyLayout.BASE_TABLE_INDEX, key);
        if (start != null) {
            range = startAfter(range, start, key, table, forward);
        }
        boolean consistent = Boolean.TRUE.equals(request.getBoolean("ConsistentRead"));
        PageReader.Page page = node.readPage(table, range, forward, limit == null ? Integer.MAX_VALUE
                : limit.intValue(), ItemRequests.itemCondition(filter));
        boolean countOnly = "COUNT".equals(select);
        Capacity.Mode mode = Capacity.mode(capacity);
        return CompletableFuture.completedFuture(out -> ReadRequests.writePage(out, page, projection, countOnly,
                table, mode, consistent));
    }

    /** Legacy KeyConditions as a key condition; only indexable comparisons may constrain keys. */
    private static Condition legacyKeyCondition(JsonObject keyConditions) {
        Condition result = null;
        for (String attribute : keyConditions.names()) {
            JsonObject entry = keyConditions.getStructure(attribute, "Condition");
            String operator = entry == null ? null : entry.getString("ComparisonOperator");
            if (operator == null || !INDEXABLE.contains(operator)) {
                throw BasaltException.validation("Attempted conditional constraint is not an indexable operation");
            }
            Condition condition = ReadRequests.legacyCondition(attribute, operator, ReadRequests.values(entry));
            result = result == null ? condition : new Condition.And(result, condition);
        }
        return result;
    }

    /** Key attributes are chosen by the key condition; a filter may only test the others. */
    private static void checkFilterOnKeys(Condition filter, KeySchema schema, String parameter) {
        for (DocumentPath path : ReadRequests.paths(filter)) {
            if (path.first() instanceof PathElement.Name name && schema.isKeyAttribute(name.name())) {
                throw BasaltException.validation(parameter + " can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name.name());
            }
        }
    }

    /** The rest of the range after the ExclusiveStartKey, which must lie within the query's key condition. */
    private KeyRange startAfter(KeyRange range, Item start, KeyCondition key, TableMetadata table, boolean forward) {
        PrimaryKey startKey = ReadRequests.startKey(start, table, "");
        if (!startKey.partitionValue().equals(key.partitionValue())) {
            throw BasaltException.validation("The provided starting key is outside query boundaries based on "
                    + "provided conditions");
        }
        byte[] storageKey = node.itemKey(table, startKey);
        if (Arrays.compareUnsigned(storageKey, range.lowerInclusive()) < 0
                || Arrays.compareUnsigned(storageKey, range.upperExclusive()) >= 0) {
            throw BasaltException.validation("The provided starting key does not match the range key predicate");
        }
        return range.after(storageKey, forward);
    }
}

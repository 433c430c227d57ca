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
import io.basalt.model.ValueLayer;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSpec;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
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
        String conditionalOperator = request.getString("ConditionalOperator");
        if (conditionalOperator != null && !LegacyExpected.CONDITIONAL_OPERATORS.contains(conditionalOperator)) {
            // Query's newer validation reports this alone, ahead of the other constraints, and names the enum
            // oddly (captured in eu-west-2 and us-east-1, October 2026; docs/design/error-texts.md).
            throw BasaltException.validation("Failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[ALL, OR]");
        }
        ValidationErrors errors = new ValidationErrors(RequestMembers.QUERY);
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
        Condition legacyFilter = ReadRequests.legacyFilter(request, "QueryFilter", ValueLayer.CURRENT);
        ProjectionExpression attributesToGet = ReadRequests.attributesToGet(request);
        Item start = ReadRequests.exclusiveStartKey(request, ValueLayer.CURRENT);
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
        // A multi-attribute index key takes up to eight conditions; the count is checked against its schema later.
        int maxConditions = indexName == null ? 2 : Integer.MAX_VALUE;
        if (keyConditions != null && (keyConditions.size() < 1 || keyConditions.size() > maxConditions)) {
            throw BasaltException.validation("Conditions can be of length 1 or 2 only");
        }
        ReadRequests.checkSelect(select, request, true);

        TableMetadata table = node.tableForItems(tableName);
        boolean consistent = Boolean.TRUE.equals(request.getBoolean("ConsistentRead"));
        ReadTarget target = ReadTarget.of(table, indexName, consistent, false, start != null);
        if (start != null) {
            target.checkStartKey(start, "");
        }
        List<DocumentPath> projectionPaths = projection == null ? List.of() : projection.paths();
        target.checkGlobalProjection(select, projectionPaths);
        if (keyCondition == null) {
            keyCondition = legacyKeyCondition(keyConditions);
        }
        KeyCondition key = KeyConditions.analyze(keyCondition, target.partitionKeys(), target.sortKeys());
        List<DocumentPath> filterPaths = filter == null ? List.of() : ReadRequests.paths(filter);
        if (filter != null) {
            checkFilterOnKeys(filterPaths, target, legacyFilter != null ? "QueryFilter" : "Filter Expression");
            ReadRequests.checkKeyPaths(filterPaths, table.keySchema());
        }
        ReadRequests.checkKeyPaths(projectionPaths, table.keySchema());
        boolean forward = !Boolean.FALSE.equals(request.getBoolean("ScanIndexForward"));
        boolean countOnly = "COUNT".equals(select);
        ReadSpec spec = new ReadSpec(table.id(), target.source(), key, null, forward,
                ReadRequests.pageLimit(limit), ReadSpec.MAX_PAGE_BYTES, filter,
                projection == null ? null : projectionPaths, countOnly,
                target.fetchMode(select, projectionPaths, filterPaths), start, consistent);
        ReadResult page = node.read(table, node.planRead(table, spec));
        Capacity.Mode mode = Capacity.mode(capacity);
        return CompletableFuture.completedFuture(out -> ReadRequests.writePage(out, page, projection, countOnly,
                target, mode, consistent));
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
            Condition condition = ReadRequests.legacyCondition(attribute, operator, ReadRequests.values(entry,
                    ValueLayer.CURRENT));
            result = result == null ? condition : new Condition.And(result, condition);
        }
        return result;
    }

    /** Key attributes are chosen by the key condition; a filter may only test the others (of the table or index). */
    private static void checkFilterOnKeys(List<DocumentPath> filterPaths, ReadTarget target, String parameter) {
        for (DocumentPath path : filterPaths) {
            if (path.first() instanceof PathElement.Name name && target.isReadKeyAttribute(name.name())) {
                throw BasaltException.validation(parameter + " can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name.name());
            }
        }
    }
}

package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ValueLayer;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scan: every item of a table (or of one segment of a parallel scan), in key order, filtered, projected and
 * paged as DynamoDB does. A segment is an equal share of the partition hash space, so segments are disjoint, cover
 * the table, and page independently. Messages use the wording most regions still answer with (the "older
 * cohort" of docs/design/query-reference.md §0.1).
 */
final class ScanHandler extends DataPlaneHandler {
    private static final List<String> LEGACY = List.of("AttributesToGet", "ScanFilter", "ConditionalOperator");
    private static final List<String> EXPRESSIONS = List.of("ProjectionExpression", "FilterExpression");
    private static final List<String> VALUE_EXPRESSIONS = List.of("FilterExpression");
    private static final long MAX_SEGMENT = 999_999;
    private static final long MAX_TOTAL_SEGMENTS = 1_000_000;

    private final BasaltNode node;

    ScanHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.SCAN);
        ReadRequests.Common read = ReadRequests.common(request, errors, false);
        String tableName = read.tableName();
        String indexName = read.indexName();
        String select = read.select();
        Long limit = read.limit();
        Long segment = request.getInteger("Segment");
        if (segment != null && segment < 0) {
            errors.add(segment, "segment", "Member must have value greater than or equal to 0");
        } else if (segment != null && segment > MAX_SEGMENT) {
            errors.add(segment, "segment", "Member must have value less than or equal to " + MAX_SEGMENT);
        }
        Long totalSegments = request.getInteger("TotalSegments");
        if (totalSegments != null && totalSegments < 1) {
            errors.add(totalSegments, "totalSegments", "Member must have value greater than or equal to 1");
        } else if (totalSegments != null && totalSegments > MAX_TOTAL_SEGMENTS) {
            errors.add(totalSegments, "totalSegments", "Member must have value less than or equal to "
                    + MAX_TOTAL_SEGMENTS);
        }
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        errors.checkEnum(request.getString("ConditionalOperator"), "conditionalOperator",
                LegacyExpected.CONDITIONAL_OPERATORS);
        ReadRequests.checkLegacyConditions(request, "ScanFilter", "scanFilter", errors);
        errors.throwIfAny();

        RequestExpressions expressions = RequestExpressions.read(request, LEGACY, EXPRESSIONS, VALUE_EXPRESSIONS,
                ValueLayer.OLDER);
        ProjectionExpression attributesToGet = ReadRequests.attributesToGet(request);
        Condition legacyFilter = ReadRequests.legacyFilter(request, "ScanFilter", ValueLayer.OLDER);
        Item start = ReadRequests.exclusiveStartKey(request, ValueLayer.OLDER);
        if (segment != null && totalSegments == null) {
            throw BasaltException.validation("The TotalSegments parameter is required but was not present in the "
                    + "request when Segment parameter is present");
        }
        if (totalSegments != null && segment == null) {
            throw BasaltException.validation("The Segment parameter is required but was not present in the request "
                    + "when parameter TotalSegments is present");
        }
        if (segment != null && segment >= totalSegments) {
            throw BasaltException.validation("The Segment parameter is zero-based and must be less than parameter "
                    + "TotalSegments: Segment: " + segment + " is not less than TotalSegments: " + totalSegments);
        }
        Condition filter = legacyFilter != null ? legacyFilter : expressions.condition(ExpressionKind.FILTER);
        ProjectionExpression projection = attributesToGet != null ? attributesToGet : expressions.projection();
        expressions.requireAllUsed();
        ReadRequests.checkSelect(select, request, false);

        TableMetadata table = node.tableForItems(tableName);
        boolean consistent = Boolean.TRUE.equals(request.getBoolean("ConsistentRead"));
        ReadTarget target = ReadTarget.of(table, indexName, consistent, true, start != null);
        if (start != null) {
            target.checkStartKey(start, ": The provided key element does not match the schema");
        }
        List<DocumentPath> projectionPaths = projection == null ? List.of() : projection.paths();
        target.checkGlobalProjection(select, projectionPaths);
        ScanRange scanRange = segment == null ? ScanRange.ALL : new ScanRange(segment.intValue(),
                totalSegments.intValue());
        List<DocumentPath> filterPaths = filter == null ? List.of() : ReadRequests.paths(filter);
        boolean countOnly = "COUNT".equals(select);
        ReadSpec spec = new ReadSpec(table.id(), target.source(), null, scanRange, true,
                ReadRequests.pageLimit(limit), ReadSpec.MAX_PAGE_BYTES, filter,
                projection == null ? null : projectionPaths, countOnly,
                target.fetchMode(select, projectionPaths, filterPaths), start, consistent);
        // Planning checks the ExclusiveStartKey's segment; that check has always come before the key path checks.
        ReadPlan plan = node.planRead(table, spec);
        ReadRequests.checkKeyPaths(filterPaths, table.keySchema());
        ReadRequests.checkKeyPaths(projectionPaths, table.keySchema());
        ReadResult page = node.read(table, plan);
        Capacity.Mode mode = Capacity.mode(capacity);
        return CompletableFuture.completedFuture(out -> ReadRequests.writePage(out, page, projection, countOnly,
                target, mode, consistent));
    }
}

package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.PutItemOperation;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** PutItem: creates or replaces one item, optionally under a condition. */
final class PutItemHandler extends ItemWriteHandler {
    static final List<String> LEGACY = List.of("Expected", "ConditionalOperator");
    static final List<String> EXPRESSIONS = List.of("ConditionExpression");

    private final BasaltNode node;

    PutItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    /** What the request asks, once validated. */
    private record Request(Item item, Condition condition) {
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.PUT_ITEM);
        JsonObject itemJson = ItemRequests.requireObject(request, "Item", "item", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        Request put;
        try {
            put = ItemRequests.enveloped(() -> {
                RequestExpressions expressions = RequestExpressions.read(request, LEGACY, EXPRESSIONS, EXPRESSIONS);
                Item item = AttributeValueJson.readItem(itemJson);
                ItemRequests.requireNoneOrAllOld(parameters);
                Condition legacy = LegacyExpected.read(request, new ValidationErrors());
                Condition condition = legacy != null ? legacy : expressions.condition(ExpressionKind.CONDITION);
                expressions.requireAllUsed();
                return new Request(item, condition);
            });
        } catch (BasaltException e) {
            throw ItemRequests.olderFormFirst(e, request, parameters);
        }
        if (ItemSize.of(put.item()) > Limits.MAX_ITEM_SIZE_BYTES) {
            throw BasaltException.validation("Item size has exceeded the maximum allowed size");
        }
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromItem(put.item(), table);
        PutItemOperation operation = new PutItemOperation(key, put.item(), put.condition());
        return ItemRequests.respond(node.write(table, operation), parameters, table, key);
    }
}

package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** DeleteItem: removes one item, optionally under a condition; removing an absent item succeeds. */
final class DeleteItemHandler extends ItemWriteHandler {
    private final BasaltNode node;

    DeleteItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    private record Request(Item key, Condition condition) {
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.DELETE_ITEM);
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        Request delete;
        try {
            delete = ItemRequests.enveloped(() -> {
                RequestExpressions expressions = RequestExpressions.read(request, PutItemHandler.LEGACY,
                        PutItemHandler.EXPRESSIONS, PutItemHandler.EXPRESSIONS);
                Item key = AttributeValueJson.readItem(keyJson);
                Condition legacy = LegacyExpected.read(request, new ValidationErrors());
                Condition condition = legacy != null ? legacy : expressions.condition(ExpressionKind.CONDITION);
                expressions.requireAllUsed();
                ItemRequests.requireNoneOrAllOld(parameters);
                return new Request(key, condition);
            });
        } catch (BasaltException e) {
            throw ItemRequests.olderFormFirst(e, request, parameters);
        }
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromKey(delete.key(), table);
        DeleteItemOperation operation = new DeleteItemOperation(key, delete.condition());
        return ItemRequests.respond(node.write(table, operation), parameters, table, key);
    }
}

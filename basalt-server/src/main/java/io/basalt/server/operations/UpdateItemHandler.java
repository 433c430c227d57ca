package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.LegacyItemUpdate;
import io.basalt.partition.NoItemUpdate;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateItem: changes attributes of one item with an UpdateExpression or the legacy AttributeUpdates, optionally
 * under a condition, creating the item when absent. Without any update it creates the item with only its key, as
 * DynamoDB does.
 */
final class UpdateItemHandler extends ItemWriteHandler {
    private static final List<String> LEGACY = List.of("AttributeUpdates", "Expected", "ConditionalOperator");
    private static final List<String> EXPRESSIONS = List.of("UpdateExpression", "ConditionExpression");

    private final BasaltNode node;

    UpdateItemHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    private record Request(Item key, UpdateExpression expression, LegacyUpdate legacy,
            Condition condition) {
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.UPDATE_ITEM);
        JsonObject keyJson = ItemRequests.requireObject(request, "Key", "key", errors);
        ItemRequests.WriteParameters parameters = ItemRequests.writeParameters(request, errors);
        errors.throwIfAny();
        Request update = ItemRequests.enveloped(() -> {
            RequestExpressions expressions = RequestExpressions.read(request, LEGACY, EXPRESSIONS, EXPRESSIONS);
            Item key = AttributeValueJson.readItem(keyJson);
            LegacyUpdate legacy = LegacyAttributeUpdatesReader.read(request, new ValidationErrors());
            Condition legacyCondition = LegacyExpected.read(request, new ValidationErrors());
            UpdateExpression expression = expressions.update();
            Condition condition = legacyCondition != null ? legacyCondition
                    : expressions.condition(ExpressionKind.CONDITION);
            expressions.requireAllUsed();
            return new Request(key, expression, legacy, condition);
        });
        TableMetadata table = node.tableForItems(parameters.tableName());
        PrimaryKey key = ItemKeys.fromKey(update.key(), table);
        ItemUpdate itemUpdate = NoItemUpdate.INSTANCE;
        if (update.expression() != null) {
            checkNotKey(RequestExpressions.targets(update.expression()), table.keySchema());
            itemUpdate = ExpressionItemUpdate.sizedByStatement(update.expression());
        } else if (update.legacy() != null) {
            LegacyAttributeUpdatesReader.checkNotKey(update.legacy(), table.keySchema());
            itemUpdate = new LegacyItemUpdate(update.legacy());
        }
        UpdateItemOperation operation = new UpdateItemOperation(key, ItemKeys.keyItem(key, table), itemUpdate,
                update.condition());
        return ItemRequests.respond(node.write(table, operation), parameters, table, key);
    }

    /** Refuses an update that writes a key attribute, in DynamoDB's words. */
    static void checkNotKey(List<DocumentPath> targets, KeySchema schema) {
        for (DocumentPath target : targets) {
            if (target.first() instanceof PathElement.Name name && schema.isKeyAttribute(name.name())) {
                throw BasaltException.validation("One or more parameter values were invalid: Cannot update attribute "
                        + name.name() + ". This attribute is part of the key");
            }
        }
    }
}

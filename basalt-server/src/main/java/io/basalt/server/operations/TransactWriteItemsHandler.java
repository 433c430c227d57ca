package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TransactionAction;
import io.basalt.model.BasaltException;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * TransactWriteItems: up to 100 Puts, Updates, Deletes and ConditionChecks over several tables that all commit or
 * none does. This handler validates the request in DynamoDB's order (docs/design/transactions-reference.md) and
 * hands the actions to the node's transaction coordinator; the response carries capacity and item collection
 * metrics, a cancellation carries one reason per action.
 */
final class TransactWriteItemsHandler extends DataPlaneHandler {
    static final int MAX_ACTIONS = 100;
    private static final int MAX_TOKEN_LENGTH = 36;
    private static final long MAX_AGGREGATE_BYTES = 4L * 1024 * 1024;

    private final BasaltNode node;

    TransactWriteItemsHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.TRANSACT_WRITE_ITEMS);
        String token = request.getString("ClientRequestToken");
        checkToken(token, errors);
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", ItemRequests.CAPACITY_MODES);
        String metrics = request.getString("ReturnItemCollectionMetrics");
        errors.checkEnum(metrics, "returnItemCollectionMetrics", ItemRequests.ITEM_COLLECTION_METRICS);
        List<JsonObject> items = request.getStructureList("TransactItems", "TransactWriteItem");
        checkCount(items, errors);
        List<TransactWriteAction> actions = new ArrayList<>();
        if (items != null && items.size() <= MAX_ACTIONS) {
            for (int i = 0; i < items.size(); i++) {
                actions.add(TransactWriteAction.read(items.get(i), i + 1, errors));
            }
        }
        errors.throwIfAny();

        // Expressions and values of every action come before any table is looked up, whichever action carries
        // them (paritysuite/dynamodb-conformance, validation-ordering/transactions, us-east-1 and eu-west-2).
        for (TransactWriteAction action : actions) {
            action.parse();
        }
        List<TableMetadata> tables = new ArrayList<>(actions.size());
        for (TransactWriteAction action : actions) {
            tables.add(node.tableForItems(action.tableName()));
        }
        List<PrimaryKey> keys = TransactionKeys.resolve(actions.size(), i -> actions.get(i).primaryKey(tables.get(i)),
                i -> tables.get(i));
        long aggregate = 0;
        for (TransactWriteAction action : actions) {
            aggregate += action.requestSize();
        }
        if (aggregate > MAX_AGGREGATE_BYTES) {
            // A ValidationException whose text names the "transaction payload" and says its "size cannot exceed"
            // the limit (scylladb/scylladb test/alternator/test_transact.py, run against DynamoDB); the rest of the
            // sentence is Basalt's, DynamoDB's exact text was not found.
            throw BasaltException.validation("Transaction payload size cannot exceed 4 MB");
        }

        List<TransactionAction> transaction = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            TransactWriteAction action = actions.get(i);
            transaction.add(new TransactionAction(tables.get(i), action.operation(tables.get(i), keys.get(i)),
                    action.returnItemOnConditionFailure()));
        }
        String fingerprint = TransactionFingerprint.of(request.getList("TransactItems"), capacity, metrics);
        Capacity.Mode mode = Capacity.mode(capacity);
        return node.transactWrite(transaction, token, fingerprint)
                .thenApply(result -> respond(actions, tables, keys, result.writes(), result.retried(), mode,
                        metrics));
    }

    /** ClientRequestToken: 1 to 36 characters (API reference, TransactWriteItems). */
    private static void checkToken(String token, ValidationErrors errors) {
        if (token == null) {
            return;
        }
        if (token.isEmpty()) {
            errors.add(token, "clientRequestToken", "Member must have length greater than or equal to 1");
        } else if (token.length() > MAX_TOKEN_LENGTH) {
            errors.add(token, "clientRequestToken", "Member must have length less than or equal to "
                    + MAX_TOKEN_LENGTH);
        }
    }

    /**
     * TransactItems: present, 1 to 100. An empty list is echoed ({@code Value '[]' at 'transactItems'}); a long
     * one is named without its value, as the newer framework does, since the older echo prints each action's Java
     * form, which no client can match anyway (paritysuite/dynamodb-conformance, transactWriteItems error messages).
     */
    static void checkCount(List<JsonObject> items, ValidationErrors errors) {
        if (items == null) {
            errors.requireNonNull(null, "transactItems");
        } else if (items.isEmpty()) {
            errors.add("[]", "transactItems", "Member must have length greater than or equal to 1");
        } else if (items.size() > MAX_ACTIONS) {
            errors.addWithoutValue("TransactItems", "Member must have length less than or equal to " + MAX_ACTIONS);
        }
    }

    private static ResponseBody respond(List<TransactWriteAction> actions, List<TableMetadata> tables,
            List<PrimaryKey> keys, List<EvaluatedWrite> writes, boolean retried, Capacity.Mode mode,
            String metrics) {
        Map<String, WriteCapacity> units = new LinkedHashMap<>();
        Map<String, List<Integer>> collections = new LinkedHashMap<>();
        for (int i = 0; i < actions.size(); i++) {
            String tableName = tables.get(i).name();
            units.computeIfAbsent(tableName, name -> WriteCapacity.transactional(retried)).add(writes.get(i));
            if (!retried && actions.get(i).kind() != TransactWriteAction.Kind.CONDITION_CHECK
                    && ItemCollectionMetrics.applies(metrics, writes.get(i))) {
                collections.computeIfAbsent(tableName, name -> new ArrayList<>()).add(i);
            }
        }
        return out -> {
            out.writeStartObject();
            WriteCapacity.writeList(out, mode, units);
            ItemCollectionMetrics.writeMember(out, collections, tables::get, i -> keys.get(i).partitionValue(),
                    writes::get);
            out.writeEndObject();
        };
    }
}

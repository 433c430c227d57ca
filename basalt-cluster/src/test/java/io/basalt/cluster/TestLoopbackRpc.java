package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.Operand;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.LegacyItemUpdate;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loopback RPC mode (docs/design/cluster.md §20 step 10) changes nothing a caller sees: the same writes, point
 * reads, batch reads and transactions give the same transcript on a node that calls its partitions in-process and
 * on one whose every partition call is encoded into a frame, decoded, served and answered through the codecs.
 */
@Timeout(60)
class TestLoopbackRpc {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));

    @Test
    void everyPartitionCallGivesTheSameAnswerThroughTheCodecs() {
        List<String> direct;
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            assertThat(node.partitionClient()).isInstanceOf(LocalPartitionClient.class);
            direct = transcript(node);
        }
        List<String> loopback;
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(),
                NodeConfig.defaults().withLoopbackRpc(true))) {
            assertThat(node.partitionClient()).isInstanceOf(RpcPartitionClient.class);
            loopback = transcript(node);
        }
        assertThat(loopback).isEqualTo(direct);
        assertThat(direct).contains(
                "conditional put: ConditionalCheckFailedException The conditional request failed, current "
                        + item("pk", "a", "n", 1),
                "get a: " + item("pk", "a", "n", 6),
                "transact cancelled: [None, ConditionalCheckFailed]",
                "get a after delete: null");
    }

    private static List<String> transcript(BasaltNode node) {
        List<String> lines = new ArrayList<>();
        node.createTable(new TableDefinition("T", SCHEMA, List.of(SCHEMA.partitionKey()),
                BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
        TableMetadata table = node.tableForItems("T");
        lines.add("put: " + describe(node.write(table, new PutItemOperation(key("a"), item("pk", "a", "n", 1)))));
        lines.add("conditional put: " + describe(node.write(table, new PutItemOperation(key("a"),
                item("pk", "a", "n", 2), new Condition.AttributeNotExists(DocumentPath.of("pk"))))));
        lines.add("update: " + describe(node.write(table, new UpdateItemOperation(key("a"), item("pk", "a"),
                new LegacyItemUpdate(new LegacyUpdate(List.of(new LegacyUpdate.Action("n", LegacyUpdate.Kind.ADD,
                        AttributeValue.number(5))))), null))));
        StoredItem a = node.getItem(table, key("a"), true);
        lines.add("get a: " + (a == null ? null : a.item()));
        for (int i = 0; i < 12; i++) {
            node.write(table, new PutItemOperation(key("k" + i), item("pk", "k" + i, "n", i))).join();
        }
        List<PrimaryKey> keys = new ArrayList<>();
        for (int i = 13; i >= 0; i--) {
            keys.add(key("k" + i));
        }
        List<String> batch = new ArrayList<>();
        for (TableReads read : node.getItems(List.of(new TableKeys(table, keys, false),
                new TableKeys(table, List.of(key("a")), true)))) {
            assertThat(read.unreached()).isEmpty();
            read.items().forEach(item -> batch.add(item == null ? "-" : item.item().toString()));
        }
        lines.add("batch get: " + batch);
        Condition nIsSix = new Condition.Comparison(new Operand.Path(DocumentPath.of("n")), Condition.Comparator.EQ,
                new Operand.Literal(AttributeValue.number(6), ":n"));
        lines.add("transact: " + transact(node, List.of(
                new TransactionAction(table, new PutItemOperation(key("b"), item("pk", "b", "n", 7)), false),
                new TransactionAction(table, new ConditionCheckOperation(key("a"), nIsSix), false))));
        lines.add("transact cancelled: " + transact(node, List.of(
                new TransactionAction(table, new DeleteItemOperation(key("b"), null), false),
                new TransactionAction(table, new ConditionCheckOperation(key("k1"), nIsSix), true))));
        lines.add("transact get: " + node.transactGet(List.of(new TransactionGet(table, key("b")),
                new TransactionGet(table, key("missing")), new TransactionGet(table, key("a")))).join());
        lines.add("delete: " + describe(node.write(table, new DeleteItemOperation(key("a"), null))));
        lines.add("get a after delete: " + node.getItem(table, key("a"), false));
        return lines;
    }

    private static String describe(CompletableFuture<EvaluatedWrite> write) {
        try {
            EvaluatedWrite done = write.join();
            return "old " + done.outcome().oldItem() + ", new " + done.outcome().newItem() + ", paths "
                    + done.outcome().updatedPaths() + ", sizes " + done.oldSize() + "/" + done.newSize() + ", indexes "
                    + done.indexWrites() + ", collection " + done.itemCollectionSize();
        } catch (CompletionException e) {
            return failure(e);
        }
    }

    private static String transact(BasaltNode node, List<TransactionAction> actions) {
        try {
            return node.transactWrite(actions, null, null).join().writes().stream()
                    .map(write -> write.oldSize() + "/" + write.newSize()).toList().toString();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TransactionCanceledException cancelled) {
                return cancelled.reasons().stream().map(CancellationReason::code).toList().toString();
            }
            return failure(e);
        }
    }

    private static String failure(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ConditionalCheckFailedException failed) {
            return "ConditionalCheckFailedException " + failed.getMessage() + ", current " + failed.currentItem();
        }
        return cause instanceof BasaltException basalt ? basalt.code() + " " + basalt.getMessage() : cause.toString();
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    private static Item item(Object... namesAndValues) {
        Map<String, AttributeValue> attributes = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            attributes.put((String) namesAndValues[i], value instanceof Integer number
                    ? AttributeValue.number(number) : AttributeValue.string((String) value));
        }
        return new Item(attributes);
    }
}

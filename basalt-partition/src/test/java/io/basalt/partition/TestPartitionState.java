package io.basalt.partition;

import static io.basalt.partition.TestItemOperation.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestPartitionState {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final long TABLE = 11;
    private static final PartitionId ID = new PartitionId(3);
    private static final PartitionDescriptor DESCRIPTOR = PartitionDescriptor.open(ID, TABLE, 0, -1L, 1);

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final PartitionState state = new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L);

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aSecondWriteToTheSameKeySeesTheFirstBeforeItIsApplied() {
        EvaluatedWrite first = state.evaluate(itemKey("a"), put("a", 1));
        EvaluatedWrite second = state.evaluate(itemKey("a"), increment("a"));

        assertThat(storage.get(itemKey("a"))).as("nothing is applied yet").isNull();
        assertThat(second.outcome().oldItem()).isEqualTo(first.outcome().newItem());
        assertThat(counter(second.outcome().newItem())).isEqualTo(2);
        assertThat(second.entry().sequence()).isEqualTo(first.entry().sequence() + 1);
        assertThat(state.inFlightCount()).isEqualTo(1);
    }

    @Test
    void aDeleteInFlightHidesTheStoredItem() {
        evaluateAndApply("a", put("a", 1));
        state.evaluate(itemKey("a"), new DeleteItemOperation(key("a"), null));
        // The stored image still exists, but the latest image is the in-flight delete.
        assertThat(storage.get(itemKey("a"))).isNotNull();
        EvaluatedWrite create = state.evaluate(itemKey("a"), new PutItemOperation(key("a"), counterItem("a", 7),
                new Condition.AttributeNotExists(DocumentPath.of("pk"))));
        assertThat(create.outcome().oldItem()).isNull();
        assertThat(state.metadata().itemCount()).isEqualTo(1);
    }

    @Test
    void appliedWithAnOlderIndexKeepsTheNewerOverlay() {
        EvaluatedWrite first = state.evaluate(itemKey("a"), put("a", 1));
        EvaluatedWrite second = state.evaluate(itemKey("a"), put("a", 2));
        write(first.entry());
        state.applied(itemKey("a"), first.entry().sequence());

        assertThat(state.inFlightCount()).isEqualTo(1);
        EvaluatedWrite third = state.evaluate(itemKey("a"), increment("a"));
        assertThat(third.outcome().oldItem()).as("the overlay, not storage").isEqualTo(second.outcome().newItem());

        write(second.entry());
        state.applied(itemKey("a"), second.entry().sequence());
        assertThat(state.inFlightCount()).as("the third write is still in flight").isEqualTo(1);
        write(third.entry());
        state.applied(itemKey("a"), third.entry().sequence());
        assertThat(state.inFlightCount()).isZero();
        assertThat(counter(ItemCodec.decode(storage.get(itemKey("a"))))).isEqualTo(3);
    }

    @Test
    void overlaysOfDifferentKeysAreIndependent() {
        EvaluatedWrite a = state.evaluate(itemKey("a"), put("a", 1));
        EvaluatedWrite b = state.evaluate(itemKey("b"), put("b", 5));
        assertThat(state.inFlightCount()).isEqualTo(2);
        applyNow("a", a);
        assertThat(state.inFlightCount()).isEqualTo(1);
        assertThat(state.evaluate(itemKey("b"), increment("b")).outcome().oldItem()).isEqualTo(b.outcome().newItem());
    }

    @Test
    void metadataTracksCountAndSizeThroughPutOverwriteAndDelete() {
        Item small = counterItem("a", 1);
        Item large = TestItemOperation.padded(small, 5000);
        Item other = counterItem("b", 2);

        EvaluatedWrite put = evaluateAndApply("a", new PutItemOperation(key("a"), small,
                null));
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(1, 1, ItemSize.of(small)));
        assertThat(put.oldSize()).isZero();
        assertThat(put.newSize()).isEqualTo(ItemSize.of(small));

        evaluateAndApply("b", new PutItemOperation(key("b"), other, null));
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(2, 2, ItemSize.of(small) + ItemSize.of(other)));

        EvaluatedWrite overwrite = evaluateAndApply("a", new PutItemOperation(key("a"), large,
                null));
        assertThat(overwrite.oldSize()).isEqualTo(ItemSize.of(small));
        assertThat(overwrite.newSize()).isEqualTo(5000);
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(3, 2, 5000 + ItemSize.of(other)));

        EvaluatedWrite delete = evaluateAndApply("a", new DeleteItemOperation(key("a"),
                null));
        assertThat(delete.oldSize()).isEqualTo(5000);
        assertThat(delete.newSize()).isZero();
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(4, 1, ItemSize.of(other)));

        // Deleting an absent item is still a log entry, but changes neither count nor size.
        evaluateAndApply("a", new DeleteItemOperation(key("a"), null));
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(5, 1, ItemSize.of(other)));

        evaluateAndApply("b", new DeleteItemOperation(key("b"), null));
        assertThat(state.metadata()).isEqualTo(new PartitionMetadata(6, 0, 0));
        assertThat(PartitionRecord.metadataOf(storage.get(KeyLayout.partitionRecordKey(TABLE, ID))))
                .isEqualTo(state.metadata());
    }

    @Test
    void aRejectedWriteChangesNothing() {
        evaluateAndApply("a", put("a", 1));
        PartitionMetadata before = state.metadata();
        assertThatThrownBy(() -> state.evaluate(itemKey("a"), new PutItemOperation(key("a"), counterItem("a", 9),
                new Condition.AttributeNotExists(DocumentPath.of("pk")))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(state.metadata()).isEqualTo(before);
        assertThat(state.inFlightCount()).isZero();
        assertThat(state.evaluate(itemKey("a"), increment("a")).entry().sequence())
                .isEqualTo(before.appliedIndex() + 1);
    }

    @Test
    void batchesHoldTheItemChangeAndTheNewMetadata() {
        byte[] metadataKey = KeyLayout.partitionRecordKey(TABLE, ID);
        Item image = counterItem("a", 1);
        EvaluatedWrite put = evaluateAndApply("a", new PutItemOperation(key("a"), image,
                null));
        assertThat(put.entry().partition()).isEqualTo(ID);
        assertThat(put.entry().sequence()).isEqualTo(1);
        List<WriteBatch.Operation> operations = put.entry().operations();
        assertThat(operations).hasSize(2);
        assertThat(operations.get(0)).isInstanceOfSatisfying(WriteBatch.Put.class, p -> {
            assertThat(p.key()).isEqualTo(itemKey("a"));
            assertThat(ItemCodec.decode(p.value())).isEqualTo(image);
        });
        assertMetadataPut(operations.get(1), metadataKey, new PartitionMetadata(1, 1, ItemSize.of(image)));

        EvaluatedWrite delete = evaluateAndApply("a", new DeleteItemOperation(key("a"),
                null));
        operations = delete.entry().operations();
        assertThat(operations).hasSize(2);
        assertThat(operations.get(0)).isInstanceOfSatisfying(WriteBatch.Delete.class,
                d -> assertThat(d.key()).isEqualTo(itemKey("a")));
        assertMetadataPut(operations.get(1), metadataKey, new PartitionMetadata(2, 0, 0));

        EvaluatedWrite absent = state.evaluate(itemKey("a"), new DeleteItemOperation(key("a"), null));
        operations = absent.entry().operations();
        assertThat(operations).hasSize(1);
        assertMetadataPut(operations.get(0), metadataKey, new PartitionMetadata(3, 0, 0));
    }

    @Test
    void resetReturnsToWhatStorageHolds() {
        evaluateAndApply("a", put("a", 1));
        PartitionMetadata durable = state.metadata();
        state.evaluate(itemKey("a"), increment("a"));
        state.evaluate(itemKey("b"), put("b", 1));
        assertThat(state.inFlightCount()).isEqualTo(2);

        state.reset();
        assertThat(state.inFlightCount()).isZero();
        assertThat(state.metadata()).isEqualTo(durable);
        EvaluatedWrite again = state.evaluate(itemKey("a"), increment("a"));
        assertThat(counter(again.outcome().oldItem())).as("the stored image, not the failed one").isEqualTo(1);
        assertThat(again.entry().sequence()).isEqualTo(durable.appliedIndex() + 1);
    }

    @Test
    void aNewStateRecoversTheStoredMetadata() {
        evaluateAndApply("a", put("a", 1));
        evaluateAndApply("b", put("b", 1));
        PartitionState recovered = new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L);
        assertThat(recovered.metadata()).isEqualTo(state.metadata());
        assertThat(recovered.id()).isEqualTo(ID);
        assertThat(new PartitionState(PartitionDescriptor.open(new PartitionId(4), TABLE, 0, -1L, 1), storage,
                SCHEMA, () -> 0L).metadata())
                .isEqualTo(PartitionMetadata.EMPTY);
    }

    @Test
    void aLoggedPrepareHoldsItsItemsAcrossARestartUntilReleased() {
        evaluateAndApply("a", put("a", 1));
        PartitionState.Staged staged = state.prepare(7, 100, itemKey("a"), increment("a"));
        PartitionEntry prepare = state.logPrepare(7, 100, "txn:7", List.of(staged));
        assertThat(prepare.sequence()).as("a prepare takes the next log index").isEqualTo(2);
        write(prepare);
        assertThat(staged.outcome().newItem()).isNotNull();

        // A restart (or, in a cluster, a new leader) rebuilds the holds from the log.
        PartitionState restarted = new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L);
        assertThat(restarted.preparedTransactions()).containsOnlyKeys(7L);
        PreparedTransaction record = restarted.preparedTransactions().get(7L);
        assertThat(record.ledgerKey()).isEqualTo("txn:7");
        assertThat(record.timestamp()).isEqualTo(100);
        assertThat(record.writes()).singleElement().satisfies(write -> {
            assertThat(write.kind()).isEqualTo(PreparedTransaction.Kind.PUT);
            assertThat(counter(write.image())).isEqualTo(2);
        });
        assertThat(restarted.isHeld(itemKey("a"))).isTrue();
        assertThatThrownBy(() -> restarted.evaluate(itemKey("a"), put("a", 5)))
                .isInstanceOfSatisfying(io.basalt.model.BasaltException.class,
                        e -> assertThat(e.code()).isEqualTo(io.basalt.model.ErrorCode.TRANSACTION_CONFLICT));

        // Letting go without knowing the items (recovery of an undecided transaction) removes the record too.
        PartitionEntry release = restarted.release(7, List.of());
        assertThat(release).isNotNull();
        write(release);
        assertThat(restarted.isHeld(itemKey("a"))).isFalse();
        assertThat(restarted.release(7, List.of())).as("released once").isNull();
        assertThat(new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L).preparedTransactions()).isEmpty();
    }

    @Test
    void aCommitRemovesThePrepareRecordInItsOwnEntry() {
        evaluateAndApply("a", put("a", 1));
        PartitionState.Staged staged = state.prepare(8, 100, itemKey("a"), increment("a"));
        write(state.logPrepare(8, 100, "txn:8", List.of(staged)));
        PartitionState.Committed committed = state.commit(8, 100);
        assertThat(committed.writes()).hasSize(1);
        assertThat(committed.writes().get(0).entry()).isSameAs(committed.entry());
        // Built once and complete: the prepare record's removal is in the entry, which nobody can append to.
        assertThat(committed.entry().operations()).anySatisfy(operation -> assertThat(operation)
                .isInstanceOfSatisfying(WriteBatch.Delete.class,
                        delete -> assertThat(delete.key()).isEqualTo(KeyLayout.preparedKey(TABLE, ID, 8))));
        assertThatThrownBy(() -> committed.entry().operations().add(new WriteBatch.Delete(itemKey("b"))))
                .isInstanceOf(UnsupportedOperationException.class);
        write(committed.entry());
        state.applied(itemKey("a"), committed.entry().sequence());
        assertThat(state.release(8, List.of(itemKey("a")))).as("nothing left to log").isNull();
        assertThat(counter(ItemCodec.decode(storage.get(itemKey("a"))))).isEqualTo(2);
        assertThat(storage.get(KeyLayout.preparedKey(TABLE, ID, 8))).isNull();
        assertThat(new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L).preparedTransactions()).isEmpty();
    }

    @Test
    void aRestoredPrepareRecordCommitsItsOwnStagedWrites() {
        evaluateAndApply("a", put("a", 1));
        evaluateAndApply("b", put("b", 1));
        PartitionState.Staged increment = state.prepare(11, 100, itemKey("a"), increment("a"));
        PartitionState.Staged delete = state.prepare(11, 100, itemKey("b"), new DeleteItemOperation(key("b")));
        PartitionState.Staged check = state.prepare(11, 100, itemKey("c"),
                new ConditionCheckOperation(key("c"), new Condition.AttributeNotExists(DocumentPath.of("pk"))));
        write(state.logPrepare(11, 100, "tok:t", List.of(increment, delete, check)));

        // The leader that prepared is gone: a new one commits from the record alone (cluster.md §14).
        PartitionState restarted = new PartitionState(DESCRIPTOR, storage, SCHEMA, () -> 0L);
        PartitionState.Committed committed = restarted.commit(11, 100);
        assertThat(committed.writes()).hasSize(2);
        assertThat(committed.heldKeys()).hasSize(3);
        write(committed.entry());
        assertThat(counter(ItemCodec.decode(storage.get(itemKey("a"))))).isEqualTo(2);
        assertThat(storage.get(itemKey("b"))).isNull();
        assertThat(storage.get(KeyLayout.preparedKey(TABLE, ID, 11))).isNull();
        assertThat(restarted.release(11, committed.heldKeys())).as("nothing left to log").isNull();
        assertThat(restarted.isHeld(itemKey("a"))).isFalse();
        // A second commit (the coordinator's and the resolver's both arrive) finds nothing to do.
        PartitionState.Committed again = restarted.commit(11, 100);
        assertThat(again.writes()).isEmpty();
        assertThat(again.entry()).isNull();
    }

    @Test
    void aPrepareRecordRoundTripsAndAVersionOneRecordStillDecodes() {
        PreparedTransaction record = new PreparedTransaction(5, "tok:x", List.of(
                new PreparedTransaction.Write(itemKey("a"), PreparedTransaction.Kind.PUT, keyItem("a"),
                        keyItem("a")),
                new PreparedTransaction.Write(itemKey("b"), PreparedTransaction.Kind.DELETE, keyItem("b"), null),
                new PreparedTransaction.Write(itemKey("c"), PreparedTransaction.Kind.CHECK, keyItem("c"), null)));
        PreparedTransaction decoded = PreparedTransaction.decode(record.encode());
        assertThat(decoded.encode()).isEqualTo(record.encode());
        assertThat(decoded.itemKeys()).containsExactly(itemKey("a"), itemKey("b"), itemKey("c"));
        assertThat(decoded.isLegacy()).isFalse();
        // Version 1: [1][timestamp:8][count][key length][key]
        byte[] key = itemKey("a");
        byte[] v1 = new byte[1 + 8 + 1 + 1 + key.length];
        v1[0] = 1;
        v1[8] = 7;
        v1[9] = 1;
        v1[10] = (byte) key.length;
        System.arraycopy(key, 0, v1, 11, key.length);
        PreparedTransaction legacy = PreparedTransaction.decode(v1);
        assertThat(legacy.isLegacy()).isTrue();
        assertThat(legacy.timestamp()).isEqualTo(7);
        assertThat(legacy.itemKeys()).containsExactly(key);
        assertThatThrownBy(legacy::encode).isInstanceOf(IllegalStateException.class);
    }

    private static Item keyItem(String pk) {
        return new Item(java.util.Map.of("pk", new AttributeValue.StringValue(pk)));
    }

    @Test
    void aCommitOfConditionChecksOnlyStillRemovesThePrepareRecord() {
        evaluateAndApply("a", put("a", 1));
        PartitionState.Staged staged = state.prepare(9, 100, itemKey("a"),
                new ConditionCheckOperation(key("a"), new Condition.AttributeExists(DocumentPath.of("pk"))));
        write(state.logPrepare(9, 100, "txn:9", List.of(staged)));
        PartitionState.Committed committed = state.commit(9, 100);
        assertThat(committed.writes()).isEmpty();
        assertThat(committed.entry()).isNotNull();
        write(committed.entry());
        assertThat(storage.get(KeyLayout.preparedKey(TABLE, ID, 9))).isNull();
    }

    @Test
    void aTransactionalReadSeesWhetherItsItemsWereWrittenBetweenItsRounds() {
        evaluateAndApply("a", put("a", 1));
        evaluateAndApply("b", put("b", 1));
        PartitionState.ReadRound untouched = state.readForTransaction(List.of(itemKey("a"), itemKey("b")));
        assertThat(untouched.states()).containsOnly(PartitionState.ReadState.READ);
        assertThat(counter(ItemCodec.decode(untouched.items().get(0)))).isEqualTo(1);
        evaluateAndApply("c", put("c", 1));
        assertThat(state.validate(untouched.watch())).containsExactly(false, false);

        PartitionState.ReadRound raced = state.readForTransaction(List.of(itemKey("a"), itemKey("b")));
        EvaluatedWrite write = state.evaluate(itemKey("b"), increment("b"));
        assertThat(state.validate(raced.watch())).containsExactly(false, true);

        // The write is still in flight: a read cannot take "b" until it is applied.
        PartitionState.ReadRound writing = state.readForTransaction(List.of(itemKey("a"), itemKey("b")));
        assertThat(writing.states()).containsExactly(PartitionState.ReadState.READ, PartitionState.ReadState.WRITING);
        assertThat(writing.watch()).isNull();
        applyNow("b", write);

        state.prepare(10, 100, itemKey("a"), increment("a"));
        PartitionState.ReadRound held = state.readForTransaction(List.of(itemKey("a"), itemKey("b")));
        assertThat(held.states()).containsExactly(PartitionState.ReadState.HELD, PartitionState.ReadState.READ);
        assertThat(counter(ItemCodec.decode(held.items().get(1)))).isEqualTo(2);
        state.release(10, List.of(itemKey("a")));

        // A validated read stops watching: later writes touch no watch.
        PartitionState.ReadRound done = state.readForTransaction(List.of(itemKey("a")));
        state.validate(done.watch());
        evaluateAndApply("a", put("a", 3));
        assertThat(done.watch()).isNotNull();
    }

    private EvaluatedWrite evaluateAndApply(String pk, ItemOperation operation) {
        return applyNow(pk, state.evaluate(itemKey(pk), operation));
    }

    /** Writes an entry's operations to storage as the group state machine would (without its checks). */
    private void write(PartitionEntry entry) {
        WriteBatch batch = new WriteBatch();
        entry.operations().forEach(batch::add);
        storage.write(batch, false);
    }

    private EvaluatedWrite applyNow(String pk, EvaluatedWrite write) {
        write(write.entry());
        state.applied(itemKey(pk), write.entry().sequence());
        return write;
    }

    private static void assertMetadataPut(WriteBatch.Operation operation, byte[] metadataKey,
            PartitionMetadata expected) {
        assertThat(operation).isInstanceOfSatisfying(WriteBatch.Put.class, p -> {
            assertThat(p.key()).isEqualTo(metadataKey);
            assertThat(PartitionRecord.decode(p.value())).isEqualTo(new PartitionRecord(DESCRIPTOR, expected));
        });
    }

    static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    static byte[] itemKey(String pk) {
        return KeyLayout.itemKey(TABLE, KeyLayout.BASE_TABLE_INDEX, SCHEMA, key(pk));
    }

    static Item counterItem(String pk, long n) {
        return item("pk", AttributeValue.string(pk), "n", AttributeValue.number(n));
    }

    static long counter(Item item) {
        return ((AttributeValue.NumberValue) item.get("n")).value().bigDecimalValue().longValueExact();
    }

    private static PutItemOperation put(String pk, long n) {
        return new PutItemOperation(key(pk), counterItem(pk, n), null);
    }

    private static UpdateItemOperation increment(String pk) {
        return new UpdateItemOperation(key(pk), item("pk", AttributeValue.string(pk)), INCREMENT,
                null);
    }

    /** {@code SET n = if_not_exists(n, :zero) + :one}: n = n + 1, starting from 0. */
    static final ItemUpdate INCREMENT = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(
            new UpdateExpression.SetAction(DocumentPath.of("n"), new Operand.Arithmetic(
                    new Operand.IfNotExists(DocumentPath.of("n"),
                            new Operand.Literal(AttributeValue.number(0), ":zero")),
                    Operand.ArithmeticOperator.PLUS, new Operand.Literal(AttributeValue.number(1), ":one")))),
            List.of(), List.of(), List.of()));
}

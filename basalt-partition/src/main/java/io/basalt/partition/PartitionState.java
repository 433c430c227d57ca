package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.log.OperationList;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageReader;
import io.basalt.storage.StorageIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The leader's view of one partition while it sequences writes: evaluates each {@link ItemOperation} against the
 * item's latest image and turns the outcome into the next {@link PartitionEntry}, built once and complete.
 *
 * <p>A write is evaluated before the entries ahead of it are durable, so the latest image of an item may still
 * be in flight: such images are kept in an overlay until their entry is applied to storage, and evaluation reads
 * the overlay first. Reads that clients make (GetItem) go to storage only, so they never see a write that is not
 * yet durable.
 *
 * <p>Not thread-safe: owned by the partition's sequencer, which calls every method from one task at a time.
 */
public final class PartitionState {
    /** DynamoDB's limit on the size of an item collection (a partition key's items and local index entries). */
    public static final long MAX_ITEM_COLLECTION_BYTES = 10L * 1024 * 1024 * 1024;
    /** Entries of the single-node log carry no nonce: it has one proposer (docs/design/cluster.md §5.1). */
    private static final long LOCAL_NONCE = 0;

    private final PartitionDescriptor descriptor;
    private final PartitionId id;
    private final long tableId;
    private final StorageReader storage;
    private final byte[] metadataKey;
    /** Appends the change records of the entries this partition evaluates (read and trimmed by its propagator). */
    private final ChangeLog changeLog;
    /** The descriptor's encoded form, the unchanging part of every record this partition writes. */
    private final byte[] encodedDescriptor;
    private final LongSupplier clock;
    private final Map<Bytes, Pending> inFlight = new HashMap<>();
    private final Map<Bytes, Pending> inFlightCollections = new HashMap<>();
    private PartitionMetadata metadata;
    private PartitionIndexes indexes;
    /** One maintainer per index of {@link #indexes}, in the order of its local and global lists. */
    private IndexMaintainer[] localMaintainers = new IndexMaintainer[0];
    private IndexMaintainer[] globalMaintainers = new IndexMaintainer[0];
    /** The stored state of each local index, as of the last evaluated write. */
    private final Map<Integer, IndexPartitionState> localStates = new HashMap<>();
    /**
     * Items held by transactions between their two phases, to the transaction's id. Written only by the partition's
     * sequencer; read by transactional reads from any thread.
     */
    private final ConcurrentHashMap<Bytes, Long> locks = new ConcurrentHashMap<>();
    /**
     * Transactions whose prepare record is in this partition's log (restored at start), to the items they hold:
     * their holds outlive a restart until the decision is known.
     */
    private final Map<Long, PreparedTransaction> logged = new HashMap<>();
    /** How many prepare records {@link #logged} holds, readable from any thread (the resolver's sweep). */
    private volatile int loggedCount;
    /**
     * The staged writes of transactions prepared by this leader, by transaction: what their commit applies. A
     * transaction restored from its prepare record has none; its commit stages the record's images again.
     */
    private final Map<Long, List<Staged>> stagedWrites = new HashMap<>();
    /** Transactional reads between their two rounds, by the items they read. */
    private final Map<Bytes, List<ReadWatch>> watches = new HashMap<>();
    /** The timestamp of the last transaction that wrote each recently written item (timestamp ordering). */
    private final Map<Bytes, Long> transactionTimestamps = new HashMap<>();
    private static final int MAX_REMEMBERED_TIMESTAMPS = 100_000;

    /**
     * An image whose log entry is not yet applied; {@code item} is null for a delete. For item collections,
     * {@code size} is the collection's size instead.
     */
    private record Pending(long index, StoredItem item, long size) {
    }

    public PartitionState(PartitionDescriptor descriptor, StorageReader storage, KeySchema tableSchema,
            LongSupplier clock) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        this.id = descriptor.id();
        this.tableId = descriptor.tableId();
        this.storage = requireNonNull(storage, "storage is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metadataKey = KeyLayout.partitionRecordKey(tableId, id);
        this.changeLog = new ChangeLog(tableId, id);
        this.encodedDescriptor = descriptor.encode();
        this.metadata = PartitionRecord.metadataOf(storage.get(metadataKey));
        this.indexes = PartitionIndexes.none(tableSchema);
        try (StorageIterator records = storage.iterator(KeyLayout.preparedStart(tableId, id),
                KeyLayout.preparedEnd(tableId, id))) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                long transaction = KeyLayout.transactionOfPreparedKey(records.key());
                PreparedTransaction record = PreparedTransaction.decode(records.value());
                record.itemKeys().forEach(itemKey -> locks.put(Bytes.wrap(itemKey), transaction));
                logged.put(transaction, record);
            }
        }
        loggedCount = logged.size();
    }

    public PartitionId id() {
        return id;
    }

    public PartitionDescriptor descriptor() {
        return descriptor;
    }

    /** The metadata as of the last evaluated write (ahead of storage while writes are in flight). */
    public PartitionMetadata metadata() {
        return metadata;
    }

    /** The indexes that writes evaluated from now on maintain. */
    public void configure(PartitionIndexes newIndexes) {
        indexes = requireNonNull(newIndexes, "newIndexes is null");
        localMaintainers = newIndexes.local().stream()
                .map(index -> new IndexMaintainer(tableId, newIndexes.tableSchema(), index))
                .toArray(IndexMaintainer[]::new);
        globalMaintainers = newIndexes.global().stream()
                .map(index -> new IndexMaintainer(tableId, newIndexes.tableSchema(), index))
                .toArray(IndexMaintainer[]::new);
        localStates.keySet().retainAll(newIndexes.local().stream().map(SecondaryIndex::id).toList());
        for (SecondaryIndex index : newIndexes.local()) {
            localStates.computeIfAbsent(index.id(),
                    indexId -> IndexPartitionState.decode(
                            storage.get(KeyLayout.indexStateKey(tableId, id, indexId))));
        }
    }

    public PartitionIndexes indexes() {
        return indexes;
    }

    /**
     * Evaluates {@code operation} on the item stored under {@code itemKey} and reserves the next log index for
     * it. On failure (a condition that does not hold, an invalid result, an item held by a transaction) nothing
     * changes.
     */
    public EvaluatedWrite evaluate(byte[] itemKey, ItemOperation operation) {
        Bytes overlayKey = Bytes.wrap(itemKey);
        if (!locks.isEmpty() && locks.containsKey(overlayKey)) {
            throw new BasaltException(ErrorCode.TRANSACTION_CONFLICT, "Transaction is ongoing for the item");
        }
        Staged staged = stage(itemKey, overlayKey, operation);
        return apply(List.of(staged), 0, false).get(0);
    }

    /**
     * A transaction's first phase for one item: evaluates {@code operation} against the item's latest image
     * without applying it, and holds the item for {@code transaction} so that nothing else changes it until the
     * transaction commits or aborts ({@link #commit}, {@link #release}).
     *
     * @return the evaluated write, to pass to {@link #commit}
     * @param timestamp the transaction's place in the coordinator's order
     * @throws BasaltException TransactionConflict when another transaction holds the item or a later one (by
     *     timestamp) has written it; the operation's own failures (ConditionalCheckFailedException,
     *     ValidationException) otherwise. Nothing is held then.
     */
    public Staged prepare(long transaction, long timestamp, byte[] itemKey, ItemOperation operation) {
        Bytes overlayKey = Bytes.wrap(itemKey);
        Long holder = locks.get(overlayKey);
        Long lastWritten = transactionTimestamps.get(overlayKey);
        // Timestamp order: a transaction may not write before (in its order) one that already wrote the item.
        if (holder != null && holder != transaction || lastWritten != null && lastWritten > timestamp) {
            throw new BasaltException(ErrorCode.TRANSACTION_CONFLICT, "Transaction is ongoing for the item");
        }
        Staged staged = stage(itemKey, overlayKey, operation);
        locks.put(overlayKey, transaction);
        return staged;
    }

    /**
     * Logs that {@code transaction} is prepared on this partition with {@code staged} (already held by
     * {@link #prepare}): the record names each item and the image the commit gives it, so the commit needs nothing
     * but the transaction's id. The returned entry must be appended before the coordinator decides: once it is
     * durable, a restart (or a new leader) holds the same items and can finish the transaction on its own.
     *
     * @param ledgerKey the key of the transaction's row in the ledger table, where its decision will be
     */
    public PartitionEntry logPrepare(long transaction, long timestamp, String ledgerKey, List<Staged> staged) {
        List<PreparedTransaction.Write> writes = new ArrayList<>(staged.size());
        for (Staged write : staged) {
            Item key = new Item(write.operation().key().toAttributes(indexes.tableSchema()));
            Item image = write.outcome().newItem();
            PreparedTransaction.Kind kind = write.operation() instanceof ConditionCheckOperation
                    ? PreparedTransaction.Kind.CHECK
                    : image == null ? PreparedTransaction.Kind.DELETE : PreparedTransaction.Kind.PUT;
            writes.add(new PreparedTransaction.Write(write.itemKey(), kind, key,
                    kind == PreparedTransaction.Kind.PUT ? image : null));
        }
        PreparedTransaction record = new PreparedTransaction(timestamp, ledgerKey, writes);
        logged.put(transaction, record);
        loggedCount = logged.size();
        stagedWrites.put(transaction, List.copyOf(staged));
        return nextEntry(OperationList.builder(2).put(KeyLayout.preparedKey(tableId, id, transaction),
                record.encode()));
    }

    /**
     * Keeps {@code staged} as what {@code transaction}'s commit applies, for a transaction whose prepare record is
     * already in the log (a version 1 record, which names no images, prepared again from the old ledger at start).
     */
    public void keepStaged(long transaction, List<Staged> staged) {
        stagedWrites.put(transaction, List.copyOf(staged));
    }

    /** Whether {@code transaction}'s prepare record is in this partition's log (and not yet resolved). */
    public boolean isLogged(long transaction) {
        return logged.containsKey(transaction);
    }

    /** Whether any prepare record awaits its outcome here (any thread: lets a resolver skip idle partitions). */
    public boolean hasPrepared() {
        return loggedCount > 0;
    }

    /** The transactions prepared on this partition whose outcome the log does not hold yet, with their records. */
    public Map<Long, PreparedTransaction> preparedTransactions() {
        return Map.copyOf(logged);
    }

    /**
     * What a transaction's second phase makes of its prepared writes on this partition: the evaluated writes, the
     * entry to append (null when there is nothing to log) and the items to let go once it is applied.
     */
    public record Committed(List<EvaluatedWrite> writes, PartitionEntry entry, List<byte[]> heldKeys) {
    }

    /**
     * A transaction's second phase on this partition: applies the writes its prepare staged (condition checks write
     * nothing) and removes its prepare record, as one log entry. The items stay held until {@link #release}, once
     * the entry is applied. A transaction restored from its record re-stages the record's images ("make the item
     * exactly this", which the holds make equal to what the prepare evaluated); a transaction this partition does
     * not hold (already committed or let go) commits nothing, so a repeated commit is harmless.
     *
     * @return one evaluated write per prepared write, in order, all sharing the log entry (empty when every
     *     action was a condition check)
     */
    public Committed commit(long transaction, long timestamp) {
        PreparedTransaction record = logged.remove(transaction);
        loggedCount = logged.size();
        List<Staged> prepared = stagedWrites.remove(transaction);
        if (prepared == null) {
            prepared = record == null || record.isLegacy() ? List.of() : restage(record);
        }
        List<byte[]> held = record != null ? record.itemKeys() : new ArrayList<>(prepared.size());
        List<Staged> writes = new ArrayList<>(prepared.size());
        for (Staged staged : prepared) {
            if (record == null) {
                held.add(staged.itemKey());
            }
            if (!(staged.operation() instanceof ConditionCheckOperation)) {
                writes.add(staged);
            }
        }
        if (writes.isEmpty()) {
            return new Committed(List.of(), record != null ? forgetPrepare(transaction) : null, held);
        }
        // The prepare record's removal goes in the same entry as the writes, built once and complete.
        List<EvaluatedWrite> evaluated = apply(writes, transaction, record != null);
        PartitionEntry entry = evaluated.get(0).entry();
        if (transactionTimestamps.size() > MAX_REMEMBERED_TIMESTAMPS) {
            // Only transactions still preparing can be older than what is forgotten; a minute is far longer.
            long horizon = timestamp - TimeUnit.MINUTES.toMicros(1);
            transactionTimestamps.values().removeIf(written -> written < horizon);
        }
        for (Staged staged : writes) {
            transactionTimestamps.merge(Bytes.wrap(staged.itemKey()), timestamp, Math::max);
        }
        return new Committed(evaluated, entry, held);
    }

    /**
     * The writes of a prepare record restored from the log, staged again against the held items' images (condition
     * checks have nothing to apply).
     */
    private List<Staged> restage(PreparedTransaction record) {
        KeySchema schema = indexes.tableSchema();
        List<Staged> staged = new ArrayList<>(record.writes().size());
        for (PreparedTransaction.Write write : record.writes()) {
            if (write.kind() == PreparedTransaction.Kind.CHECK) {
                continue;
            }
            PrimaryKey key = new PrimaryKey(write.key().get(schema.partitionKey().name()),
                    schema.sortKey().map(sortKey -> write.key().get(sortKey.name())));
            ItemOperation operation = new ReplaceItemOperation(key, write.image());
            Bytes overlayKey = Bytes.wrap(write.itemKey());
            StoredItem current = latestImage(overlayKey, write.itemKey());
            staged.add(new Staged(write.itemKey(), operation, current, operation.evaluate(current)));
        }
        return staged;
    }

    /**
     * Lets go of the items {@code transaction} held (after its commit is applied, or when it aborts), and of those
     * its prepare record names.
     *
     * @return the entry that removes an aborted transaction's prepare record, to append; null when there is none
     */
    public PartitionEntry release(long transaction, List<byte[]> itemKeys) {
        for (byte[] itemKey : itemKeys) {
            locks.remove(Bytes.wrap(itemKey), transaction);
        }
        List<Staged> staged = stagedWrites.remove(transaction);
        if (staged != null) {
            staged.forEach(write -> locks.remove(Bytes.wrap(write.itemKey()), transaction));
        }
        PreparedTransaction record = logged.remove(transaction);
        loggedCount = logged.size();
        if (record == null) {
            return null;
        }
        // A transaction restored from the log holds the items its record names (the caller may not know them).
        for (byte[] itemKey : record.itemKeys()) {
            locks.remove(Bytes.wrap(itemKey), transaction);
        }
        return forgetPrepare(transaction);
    }

    /**
     * The next log entry, removing this partition's change records after {@code afterSequence} through {@code
     * throughSequence}: those every consumer of its change log has consumed ({@link ChangeLog#retainedAfter},
     * cluster.md §15). A range delete of the partition's own change-record keys, which the group state machine's key
     * check accepts, so every member trims the same.
     */
    public PartitionEntry trimChanges(long afterSequence, long throughSequence) {
        if (throughSequence <= afterSequence) {
            throw new IllegalArgumentException("nothing to trim after " + afterSequence + " through "
                    + throughSequence);
        }
        return nextEntry(OperationList.builder(2).deleteRange(KeyLayout.changeKey(tableId, id, afterSequence + 1),
                KeyLayout.changeKey(tableId, id, throughSequence + 1)));
    }

    /** The next log entry, removing {@code transaction}'s prepare record. */
    private PartitionEntry forgetPrepare(long transaction) {
        return nextEntry(OperationList.builder(2).delete(KeyLayout.preparedKey(tableId, id, transaction)));
    }

    /** The next log entry, for {@code operations} that change no item. */
    private PartitionEntry nextEntry(OperationList.Builder operations) {
        long sequence = metadata.appliedIndex() + 1;
        PartitionMetadata next = metadata.next(0, 0);
        operations.put(metadataKey, PartitionRecord.encode(encodedDescriptor, next));
        metadata = next;
        return new PartitionEntry(id, tableId, sequence, LOCAL_NONCE, clock.getAsLong(), operations.build());
    }

    /** How a transactional read found one item in its first round. */
    public enum ReadState {
        /** Read; a write to it before the second round invalidates the read. */
        READ,
        /** Held by a transaction in progress. */
        HELD,
        /** A single-item write to it is in progress (evaluated, not yet applied). */
        WRITING
    }

    /**
     * A transactional read's first round on this partition: the stored bytes of each item (null when absent or
     * not {@link ReadState#READ}), how each was found, and, when every item was read, the watch that the second
     * round ({@link #validate}) checks.
     */
    public record ReadRound(List<byte[]> items, List<ReadState> states, TransactionWatch watch) {
    }

    /** The items one transactional read took between its rounds, and which of them were written since. */
    public static final class ReadWatch implements TransactionWatch {
        private final Bytes[] keys;
        private final boolean[] changed;

        private ReadWatch(Bytes[] keys) {
            this.keys = keys;
            this.changed = new boolean[keys.length];
        }

        private void changed(Bytes key) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    changed[i] = true;
                }
            }
        }
    }

    /**
     * A transactional read's first round: reads each item as storage holds it, unless a transaction holds it or
     * a write to it is still in flight. When every item was read, watches them until {@link #validate}: if none is
     * written in between, each stayed as read from this round to the second, so reads of several partitions whose
     * rounds all overlap see one moment.
     */
    public ReadRound readForTransaction(List<byte[]> itemKeys) {
        int count = itemKeys.size();
        byte[][] items = new byte[count][];
        ReadState[] states = new ReadState[count];
        Bytes[] keys = new Bytes[count];
        boolean clean = true;
        for (int i = 0; i < count; i++) {
            Bytes key = Bytes.wrap(itemKeys.get(i));
            keys[i] = key;
            if (!locks.isEmpty() && locks.containsKey(key)) {
                states[i] = ReadState.HELD;
                clean = false;
            } else if (inFlight.containsKey(key)) {
                // Not yet in storage: reading around it could miss a write that is about to be acknowledged.
                states[i] = ReadState.WRITING;
                clean = false;
            } else {
                states[i] = ReadState.READ;
                items[i] = storage.get(itemKeys.get(i));
            }
        }
        ReadWatch watch = null;
        if (clean) {
            watch = new ReadWatch(keys);
            for (Bytes key : keys) {
                watches.computeIfAbsent(key, k -> new ArrayList<>(1)).add(watch);
            }
        }
        return new ReadRound(Arrays.asList(items), List.of(states), watch);
    }

    /**
     * A transactional read's second round: stops watching and tells, per item of the first round, whether a write
     * to it was evaluated since (it may have changed).
     */
    public boolean[] validate(TransactionWatch transactionWatch) {
        if (!(transactionWatch instanceof ReadWatch watch)) {
            throw new IllegalArgumentException("not a watch of this partition: " + transactionWatch);
        }
        for (Bytes key : watch.keys) {
            List<ReadWatch> watching = watches.get(key);
            if (watching != null) {
                watching.remove(watch);
                if (watching.isEmpty()) {
                    watches.remove(key);
                }
            }
        }
        return watch.changed.clone();
    }

    /** Whether a transaction holds the item (readable from any thread, for transactional reads). */
    public boolean isHeld(byte[] itemKey) {
        return !locks.isEmpty() && locks.containsKey(Bytes.wrap(itemKey));
    }

    /** A write evaluated against its item's latest image, not yet applied. */
    public record Staged(byte[] itemKey, ItemOperation operation, StoredItem current, WriteOutcome outcome) {
    }

    private Staged stage(byte[] itemKey, Bytes overlayKey, ItemOperation operation) {
        // What the request alone tells of its index keys is checked before the condition, as DynamoDB does.
        boolean checked = !indexes.isEmpty() && IndexKeyPrechecks.check(indexes.byName(), operation);
        StoredItem current = latestImage(overlayKey, itemKey);
        WriteOutcome outcome = operation.evaluate(current);
        Item newItem = outcome.newItem();
        if (newItem != null && !checked && !indexes.isEmpty() && !(operation instanceof ConditionCheckOperation)) {
            boolean byUpdateExpression = current != null && operation instanceof UpdateItemOperation;
            UpdateExpression expression = operation instanceof UpdateItemOperation update
                    && update.update() instanceof ExpressionItemUpdate byExpression ? byExpression.expression() : null;
            for (SecondaryIndex index : indexes.byName()) {
                IndexEntries.checkKeys(index, newItem, outcome.oldItem(), byUpdateExpression, expression);
            }
        }
        return new Staged(itemKey, operation, current, outcome);
    }

    /**
     * Applies staged writes as the next log entry: one atomic batch, one metadata update, one change record (and,
     * when {@code forgetPrepare}, the removal of {@code transaction}'s prepare record).
     */
    private List<EvaluatedWrite> apply(List<Staged> writes, long transaction, boolean forgetPrepare) {
        long logIndex = metadata.appliedIndex() + 1;
        // First everything that can refuse the entry (the item collection limit), with no side effect yet.
        boolean local = !indexes.local().isEmpty();
        List<List<IndexDelta>> localChanges = new ArrayList<>(writes.size());
        Map<Bytes, Long> collections = local ? new HashMap<>() : Map.of();
        long[] collectionSizes = new long[writes.size()];
        long[][] sizes = new long[writes.size()][];
        for (int i = 0; i < writes.size(); i++) {
            Staged staged = writes.get(i);
            StoredItem stored = staged.current();
            Item current = local ? staged.outcome().oldItem() : null;
            Item newItem = staged.outcome().newItem();
            sizes[i] = new long[] {stored == null ? 0 : stored.size(),
                newItem == null ? 0 : ItemSize.of(newItem)};
            collectionSizes[i] = -1;
            List<IndexDelta> changes = local ? new ArrayList<>(indexes.local().size()) : List.of();
            if (local) {
                long collectionDelta = sizes[i][1] - sizes[i][0];
                for (IndexMaintainer maintainer : localMaintainers) {
                    IndexDelta change = maintainer.delta(current, newItem);
                    collectionDelta += change.sizeDelta();
                    changes.add(change);
                }
                collectionSizes[i] = collectionSize(staged.operation(), collectionDelta, collections);
            }
            localChanges.add(changes);
        }

        OperationList.Builder batch = OperationList.builder(
                writes.size() * (1 + 2 * indexes.local().size()) + collections.size() + indexes.local().size() + 3);
        long countDelta = 0;
        long sizeDelta = 0;
        List<byte[]> images = indexes.recordsChanges() ? new ArrayList<>(writes.size() * 2) : null;
        List<IndexWrite>[] allIndexWrites = newIndexWritesArray(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            Staged staged = writes.get(i);
            StoredItem current = staged.current();
            Item newItem = staged.outcome().newItem();
            countDelta += (newItem != null ? 1 : 0) - (current != null ? 1 : 0);
            sizeDelta += sizes[i][1] - sizes[i][0];
            byte[] encodedNew = null;
            if (newItem != null) {
                encodedNew = ItemCodec.encode(newItem, sizes[i][1]);
                batch.put(staged.itemKey(), encodedNew);
            } else if (current != null) {
                batch.delete(staged.itemKey());
            }
            List<IndexWrite> indexWrites = List.of();
            if (!indexes.isEmpty()) {
                indexWrites = new ArrayList<>(indexes.local().size() + indexes.global().size());
                for (int j = 0; j < indexes.local().size(); j++) {
                    SecondaryIndex index = indexes.local().get(j);
                    IndexDelta change = localChanges.get(i).get(j);
                    localStates.put(index.id(), localStates.get(index.id()).plus(change.countDelta(),
                            change.sizeDelta()));
                    change.writeTo(batch);
                    indexWrites.add(new IndexWrite(index.name(), false, change.units()));
                }
                for (IndexMaintainer maintainer : globalMaintainers) {
                    indexWrites.add(new IndexWrite(maintainer.index().name(), true,
                            maintainer.delta(staged.outcome().oldItem(), newItem).units()));
                }
            }
            if (images != null) {
                images.add(current == null ? null : current.encoded());
                images.add(encodedNew);
            }
            Bytes overlayKey = Bytes.wrap(staged.itemKey());
            inFlight.put(overlayKey, new Pending(logIndex, newItem == null ? null
                    : StoredItem.of(encodedNew, newItem, sizes[i][1]), 0));
            if (!watches.isEmpty()) {
                List<ReadWatch> watching = watches.get(overlayKey);
                if (watching != null) {
                    watching.forEach(watch -> watch.changed(overlayKey));
                }
            }
            allIndexWrites[i] = indexWrites;
        }
        for (Map.Entry<Bytes, Long> collection : collections.entrySet()) {
            byte[] key = collection.getKey().unsafeArray();
            long size = collection.getValue();
            if (size == 0) {
                batch.delete(key);
            } else {
                batch.put(key, new ByteWriter(10).writeVarLong(size).toByteArray());
            }
            inFlightCollections.put(collection.getKey(), new Pending(logIndex, null, size));
        }
        for (SecondaryIndex index : indexes.local()) {
            batch.put(KeyLayout.indexStateKey(tableId, id, index.id()), localStates.get(index.id()).encode());
        }
        long now = clock.getAsLong();
        if (images != null) {
            changeLog.append(batch, logIndex, now, images);
        }
        if (forgetPrepare) {
            batch.delete(KeyLayout.preparedKey(tableId, id, transaction));
        }
        PartitionMetadata next = metadata.next(countDelta, sizeDelta);
        batch.put(metadataKey, PartitionRecord.encode(encodedDescriptor, next));
        metadata = next;
        PartitionEntry entry = new PartitionEntry(id, tableId, logIndex, LOCAL_NONCE, now, batch.build());
        List<EvaluatedWrite> evaluated = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            evaluated.add(new EvaluatedWrite(writes.get(i).outcome(), entry, sizes[i][0], sizes[i][1],
                    allIndexWrites[i], collectionSizes[i]));
        }
        return evaluated;
    }

    @SuppressWarnings("unchecked")
    private static List<IndexWrite>[] newIndexWritesArray(int size) {
        return (List<IndexWrite>[]) new List<?>[size];
    }

    /**
     * The size of the written item's collection after adding {@code delta} (sizes computed earlier in the same
     * entry in {@code collections}, which receives the new size), refusing a write that would take it past
     * DynamoDB's limit.
     */
    private long collectionSize(ItemOperation operation, long delta, Map<Bytes, Long> collections) {
        Bytes key = Bytes.wrap(KeyLayout.itemCollectionKey(tableId, operation.key().partitionValue()));
        Long current = collections.get(key);
        if (current == null) {
            Pending pending = inFlightCollections.get(key);
            if (pending != null) {
                current = pending.size();
            } else {
                byte[] stored = storage.get(key.unsafeArray());
                current = stored == null ? 0 : new ByteReader(stored).readVarLong();
            }
        }
        long size = Math.max(0, current + delta);
        if (delta > 0 && size > MAX_ITEM_COLLECTION_BYTES) {
            throw new BasaltException(ErrorCode.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, "Collection size exceeded.");
        }
        collections.put(key, size);
        return size;
    }

    /** Forgets the overlay image of {@code itemKey} once the entry at {@code index} is applied to storage. */
    public void applied(byte[] itemKey, long index) {
        forget(inFlight, Bytes.wrap(itemKey), index);
        if (!inFlightCollections.isEmpty()) {
            inFlightCollections.values().removeIf(pending -> pending.index() <= index);
        }
    }

    private static void forget(Map<Bytes, Pending> overlay, Bytes key, long index) {
        Pending pending = overlay.get(key);
        if (pending != null && pending.index() == index) {
            overlay.remove(key);
        }
    }

    /**
     * Rolls back to storage's state after a log append failed: later entries of this partition were evaluated on
     * top of the failed one, so the leader must fail them too and start over from what is durable.
     */
    public void reset() {
        // Writes evaluated since the last durable entry are gone; whatever a transactional read took may be too.
        watches.values().forEach(watching -> watching.forEach(watch -> Arrays.fill(watch.changed, true)));
        inFlight.clear();
        inFlightCollections.clear();
        metadata = PartitionRecord.metadataOf(storage.get(metadataKey));
        localStates.clear();
        configure(indexes);
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    private StoredItem latestImage(Bytes overlayKey, byte[] itemKey) {
        Pending pending = inFlight.get(overlayKey);
        if (pending != null) {
            return pending.item();
        }
        byte[] stored = storage.get(itemKey);
        return stored == null ? null : StoredItem.of(stored);
    }
}

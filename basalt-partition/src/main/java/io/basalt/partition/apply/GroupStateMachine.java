package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication group's state machine: the only way a log entry changes partition state (docs/design/cluster.md
 * §6). Each call writes one atomic storage batch holding the operations of the entries it accepts and the group's
 * applied (term, index) ({@code 0x12}), so storage is always a consistent prefix of the log:
 * <ul>
 * <li>an entry at or below the applied index is skipped (a replay);</li>
 * <li>a partition entry applies only if its sequence is the partition's stored sequence + 1 and every key it writes
 * belongs to the partition; otherwise it is rejected, deterministically on every member, and only the applied
 * index moves. An entry evaluated on top of one that never applied carries a later sequence, so "a failed entry
 * fails every later entry" falls out of this check.</li>
 * </ul>
 *
 * <p>Until partitions have stable ids and records (step 2) the state machine is told which partitions the group
 * holds ({@link #openPartition}) and reads their sequence from the partition record ({@code 0x03}).
 *
 * <p>Thread-safe: every method locks the state machine, so applies are serialized in log order (Ratis calls apply
 * from one thread per group; the single-node log may call it from several partitions' sequencers).
 */
public final class GroupStateMachine {
    /** The group id of the single-node log (docs/design/cluster.md §3). */
    public static final long LOCAL_GROUP_ID = 1;
    /** Batches up to this many operations reuse one list; larger groups get their own. */
    private static final int REUSED_BATCH_OPERATIONS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GroupStateMachine.class);

    private final WritableStorage storage;
    private final long groupId;
    private final byte[] stateKey;
    private final Map<PartitionId, OpenPartition> partitions = new HashMap<>();
    private final List<ApplyListener> listeners = new CopyOnWriteArrayList<>();
    /** Told about applied metadata entries only, so that partition entries pay nothing for them. */
    private final List<Consumer<MetaEntry>> metaListeners = new CopyOnWriteArrayList<>();
    /**
     * Reused by every apply of up to {@link #REUSED_BATCH_OPERATIONS} operations (under the lock): engines read a
     * batch only while writing it. Emptied after each write, so it pins no values.
     */
    private final WriteBatch reusedBatch = new WriteBatch(64);
    private long appliedTerm;
    private long appliedIndex;
    /** Set when a storage write failed: the in-memory sequences may be ahead of storage, so nothing applies again. */
    private Throwable failure;

    /** A partition the group holds: its sequence as of the last applied entry, and where its keys live. */
    private static final class OpenPartition {
        private final int partitionCount;
        private long sequence;

        private OpenPartition(int partitionCount, long sequence) {
            this.partitionCount = partitionCount;
            this.sequence = sequence;
        }
    }

    public GroupStateMachine(WritableStorage storage, long groupId) {
        this.storage = requireNonNull(storage, "storage is null");
        this.groupId = groupId;
        this.stateKey = KeyLayout.groupStateKey(groupId);
        GroupApplyState state = GroupApplyState.decode(storage.get(stateKey));
        this.appliedTerm = state.term();
        this.appliedIndex = state.index();
    }

    public long groupId() {
        return groupId;
    }

    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    public synchronized long appliedTerm() {
        return appliedTerm;
    }

    /** Starts accepting entries of {@code partition} (one of {@code partitionCount} of its table), from its record. */
    public synchronized void openPartition(PartitionId partition, int partitionCount) {
        long sequence = PartitionMetadata.decode(storage.get(KeyLayout.partitionMetadataKey(partition)))
                .appliedIndex();
        partitions.put(partition, new OpenPartition(partitionCount, sequence));
    }

    /** Stops accepting entries of {@code partition} (its table is being dropped): later ones are rejected. */
    public synchronized void closePartition(PartitionId partition) {
        partitions.remove(partition);
    }

    /** The sequence of the last entry applied to {@code partition}, or -1 when the group does not hold it. */
    public synchronized long sequence(PartitionId partition) {
        OpenPartition open = partitions.get(partition);
        return open == null ? -1 : open.sequence;
    }

    public void addListener(ApplyListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * Tells {@code listener} about every metadata entry applied from now on, after its batch is in storage and
     * before any other listener hears of it (so a catalog cache is current before a waiting command returns).
     * Runs on the applying thread under the state machine's lock: keep it short, never block.
     */
    public void addMetaListener(Consumer<MetaEntry> listener) {
        metaListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Applies one entry at Raft position (term, index), unsynced: the Raft log is the durable copy (§6.3). */
    public List<ApplyOutcome> apply(long term, long index, LogEntry entry) {
        return applyAll(term, index, List.of(entry), false);
    }

    /**
     * Applies one encoded entry at Raft position (term, index), as a follower receives it ({@link LogEntryCodec}).
     *
     * @throws IllegalArgumentException when the bytes are not an entry this code can decode (nothing is applied)
     */
    public List<ApplyOutcome> apply(long term, long index, byte[] encoded) {
        return apply(term, index, LogEntryCodec.decode(encoded));
    }

    /**
     * Applies the entries of the single-node log at the next positions (the storage engine's write-ahead log is
     * that log, so the next position is the one after the applied index), as one batch.
     */
    public synchronized List<ApplyOutcome> applyNext(List<? extends LogEntry> entries, boolean sync) {
        return applyAll(0, appliedIndex + 1, entries, sync);
    }

    /**
     * Applies {@code entries} at consecutive log positions from {@code firstIndex} (all of term {@code term}) as one
     * storage batch.
     *
     * @return one outcome per partition entry, in order (a multi entry contributes one per inner entry)
     * @throws RuntimeException when storage fails; the state machine then refuses every later call (fail-stop)
     */
    public synchronized List<ApplyOutcome> applyAll(long term, long firstIndex, List<? extends LogEntry> entries,
            boolean sync) {
        if (failure != null) {
            throw new IllegalStateException("group " + groupId + " stopped applying after a storage failure",
                    failure);
        }
        int operations = 1;
        for (int i = 0; i < entries.size(); i++) {
            operations += operationCount(entries.get(i));
        }
        WriteBatch batch = operations > REUSED_BATCH_OPERATIONS ? new WriteBatch(operations) : reusedBatch;
        List<ApplyOutcome> outcomes = new ArrayList<>(entries.size());
        long lastIndex = appliedIndex;
        List<MetaEntry> appliedMeta = null;
        for (int i = 0; i < entries.size(); i++) {
            LogEntry entry = entries.get(i);
            long index = firstIndex + i;
            if (index <= appliedIndex) {
                int count = outcomeCount(entry);
                for (int j = 0; j < count; j++) {
                    outcomes.add(ApplyOutcome.SKIPPED);
                }
                continue;
            }
            lastIndex = index;
            if (entry instanceof PartitionEntry partitionEntry) {
                outcomes.add(stage(partitionEntry, batch));
            } else if (entry instanceof MetaEntry meta) {
                ApplyOutcome outcome = stage(meta, batch);
                outcomes.add(outcome);
                if (outcome == ApplyOutcome.APPLIED) {
                    appliedMeta = appliedMeta == null ? new ArrayList<>(1) : appliedMeta;
                    appliedMeta.add(meta);
                }
            } else {
                for (PartitionEntry inner : ((MultiEntry) entry).entries()) {
                    outcomes.add(stage(inner, batch));
                }
            }
        }
        if (lastIndex == appliedIndex) {
            return outcomes;
        }
        batch.put(stateKey, GroupApplyState.encode(term, lastIndex));
        try {
            storage.write(batch, sync);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            batch.clear();
        }
        appliedTerm = term;
        appliedIndex = lastIndex;
        if (appliedMeta != null) {
            for (MetaEntry meta : appliedMeta) {
                for (Consumer<MetaEntry> listener : metaListeners) {
                    listener.accept(meta);
                }
            }
        }
        if (!listeners.isEmpty()) {
            notifyListeners(term, firstIndex, entries, outcomes);
        }
        return outcomes;
    }

    private void notifyListeners(long term, long firstIndex, List<? extends LogEntry> entries,
            List<ApplyOutcome> outcomes) {
        int position = 0;
        for (int i = 0; i < entries.size(); i++) {
            LogEntry entry = entries.get(i);
            int count = outcomeCount(entry);
            List<ApplyOutcome> own = outcomes.subList(position, position + count);
            position += count;
            if (own.get(0) != ApplyOutcome.SKIPPED) {
                for (ApplyListener listener : listeners) {
                    listener.applied(term, firstIndex + i, entry, own);
                }
            }
        }
    }

    /** One outcome per partition entry (a multi entry has several) and one for a metadata entry. */
    private static int outcomeCount(LogEntry entry) {
        return entry instanceof MultiEntry multi ? multi.entries().size() : 1;
    }

    private static int operationCount(LogEntry entry) {
        if (entry instanceof PartitionEntry partitionEntry) {
            return partitionEntry.operations().size();
        }
        if (entry instanceof MetaEntry meta) {
            return meta.operations().size();
        }
        int count = 0;
        for (PartitionEntry inner : ((MultiEntry) entry).entries()) {
            count += inner.operations().size();
        }
        return count;
    }

    /** Checks one partition entry and adds its operations to {@code batch} when it applies. */
    private ApplyOutcome stage(PartitionEntry entry, WriteBatch batch) {
        OpenPartition partition = partitions.get(entry.partition());
        if (partition == null) {
            LOG.warn("Rejected entry {} of partition {}: the group does not hold the partition", entry.sequence(),
                    entry.partition());
            return ApplyOutcome.REJECTED;
        }
        if (entry.sequence() != partition.sequence + 1) {
            LOG.debug("Rejected entry {} of partition {}: its sequence is {}", entry.sequence(), entry.partition(),
                    partition.sequence);
            return ApplyOutcome.REJECTED;
        }
        List<WriteBatch.Operation> operations = entry.operations();
        for (int i = 0; i < operations.size(); i++) {
            if (!belongs(entry.partition(), partition.partitionCount, operations.get(i))) {
                // Only a defect in the leader's evaluation can get here; never apply half an entry.
                LOG.error("Rejected entry {} of partition {}: operation {} writes outside the partition",
                        entry.sequence(), entry.partition(), i);
                return ApplyOutcome.REJECTED;
            }
        }
        for (int i = 0; i < operations.size(); i++) {
            batch.add(operations.get(i));
        }
        partition.sequence = entry.sequence();
        return ApplyOutcome.APPLIED;
    }

    /**
     * Checks a metadata entry and adds its operations to {@code batch} when it applies: it may write the metadata
     * key spaces ({@code 0x00} node counters, {@code 0x01} catalog) and drop the whole data of a table (DeleteTable
     * on one node, where the local group holds both the catalog and the partitions; a cluster drops partitions with
     * group-admin entries instead, docs/design/cluster.md §11). Dropping a table closes its partitions here, from the
     * entry, so a replay of the log closes them at the same point.
     */
    private ApplyOutcome stage(MetaEntry entry, WriteBatch batch) {
        List<WriteBatch.Operation> operations = entry.operations();
        for (int i = 0; i < operations.size(); i++) {
            if (!metadataMayWrite(operations.get(i))) {
                LOG.error("Rejected a metadata entry: operation {} writes outside the metadata key spaces", i);
                return ApplyOutcome.REJECTED;
            }
        }
        for (int i = 0; i < operations.size(); i++) {
            WriteBatch.Operation operation = operations.get(i);
            if (operation instanceof WriteBatch.DeleteRange range) {
                long tableId = readLong(range.fromInclusive(), 1);
                partitions.keySet().removeIf(partition -> partition.tableId() == tableId);
            }
            batch.add(operation);
        }
        return ApplyOutcome.APPLIED;
    }

    private static boolean metadataMayWrite(WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return isMetadataKey(put.key());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return isMetadataKey(delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        byte[] from = range.fromInclusive();
        return from.length == 9 && isTableDataSpace(from[0])
                && Arrays.equals(range.toExclusive(), KeyLayout.tableEnd(from[0], readLong(from, 1)));
    }

    private static boolean isMetadataKey(byte[] key) {
        return key.length > 1 && (key[0] == KeyLayout.NODE || key[0] == KeyLayout.CATALOG);
    }

    private static boolean isTableDataSpace(byte keySpace) {
        return switch (keySpace) {
            case KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE,
                    KeyLayout.COLLECTIONS, KeyLayout.PREPARED -> true;
            default -> false;
        };
    }

    private static boolean belongs(PartitionId partition, int partitionCount, WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return ownsKey(partition, partitionCount, put.key());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return ownsKey(partition, partitionCount, delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        // The end is exclusive and may be the next partition's first key: it must stay in the same table's space.
        return ownsKey(partition, partitionCount, range.fromInclusive()) && range.toExclusive().length >= 9
                && Arrays.equals(range.fromInclusive(), 0, 9, range.toExclusive(), 0, 9);
    }

    /**
     * Whether {@code key} is one a partition's entry may write (today's key layout, see {@link KeyLayout}): every
     * such key space carries the table id after its first byte; item and collection keys must hash into the
     * partition's range, partition-scoped keys must name the partition. Index ids are not checked yet: the state
     * machine learns which indexes a partition owns with the partition records of step 2.
     */
    static boolean ownsKey(PartitionId partition, int partitionCount, byte[] key) {
        if (key.length < 9 || readLong(key, 1) != partition.tableId()) {
            return false;
        }
        switch (key[0]) {
            case KeyLayout.ITEMS:
                return key.length >= 19
                        && PartitionHash.partitionIndex(readLong(key, 11), partitionCount) == partition.index();
            case KeyLayout.COLLECTIONS:
                return key.length >= 17
                        && PartitionHash.partitionIndex(readLong(key, 9), partitionCount) == partition.index();
            case KeyLayout.PARTITIONS:
            case KeyLayout.CHANGES:
            case KeyLayout.PREPARED:
                return key.length >= 13 && readInt(key, 9) == partition.index();
            case KeyLayout.INDEX_STATE:
                return key.length >= 15 && readInt(key, 11) == partition.index();
            default:
                return false;
        }
    }

    private static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8
                | (bytes[offset + 3] & 0xFF);
    }
}

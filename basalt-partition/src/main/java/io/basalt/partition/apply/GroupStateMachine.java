package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.log.ClosePartitionsEntry;
import io.basalt.partition.log.DropPartitionsEntry;
import io.basalt.partition.log.GroupAdminEntry;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.OpenPartitionsEntry;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * <p>The state machine is told which partitions the group holds ({@link #openPartition}, with their descriptors and
 * the local indexes that live with them) and reads each one's sequence from its partition record ({@code 0x0A});
 * a stored record must describe the same partition. The key check uses the descriptor: table id, hash range, the
 * index ids the partition owns, and its stable id in partition-scoped keys.
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
    /** Told about applied group-admin entries only. */
    private final List<PartitionsListener> partitionsListeners = new CopyOnWriteArrayList<>();
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
        private final PartitionDescriptor descriptor;
        /** The index ids whose item-space keys the partition writes besides its descriptor's own. */
        private final int[] localIndexIds;
        private long sequence;
        /** Whether storage holds staged parts of the partition (docs/design/cluster.md §5.3). */
        private boolean staged;
        /** The sequence of the staged parts, and their chunks in part order (consecutive from part 1). */
        private long stagedSequence;
        private List<byte[]> stagedChunks = List.of();

        private OpenPartition(PartitionDescriptor descriptor, int[] localIndexIds, long sequence) {
            this.descriptor = descriptor;
            this.localIndexIds = localIndexIds;
            this.sequence = sequence;
        }

        private boolean ownsIndex(int indexId) {
            if (indexId == descriptor.indexId()) {
                return true;
            }
            for (int local : localIndexIds) {
                if (local == indexId) {
                    return true;
                }
            }
            return false;
        }
    }

    public GroupStateMachine(WritableStorage storage, long groupId) {
        this.storage = requireNonNull(storage, "storage is null");
        this.groupId = groupId;
        this.stateKey = KeyLayout.groupStateKey(groupId);
        GroupApplyState state = GroupApplyState.decode(storage.get(stateKey));
        this.appliedTerm = state.term();
        this.appliedIndex = state.index();
        // The partitions the group's own log opened (a data group of a cluster): reopened from storage alone,
        // after a restart or a snapshot install (§6.2 step 4). The single-node log stores none.
        for (GroupPartition partition : GroupPartitions.read(storage, groupId)) {
            openPartition(partition.descriptor(), partition.localIndexIds());
        }
    }

    public long groupId() {
        return groupId;
    }

    /**
     * What this machine writes, as a read view: for the owner of a group member that builds read caches (the
     * catalog of the metadata group) when the member's state machine is opened, before anything else reads it.
     */
    public StorageReader reader() {
        return storage;
    }

    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    public synchronized long appliedTerm() {
        return appliedTerm;
    }

    /**
     * Starts accepting entries of the partition {@code descriptor} describes, from its stored record (sequence 0
     * when it has none yet).
     *
     * @param localIndexIds the ids of the table's local secondary indexes, whose entries live with a base-table
     *     partition's items (empty for a global index partition)
     * @throws IllegalStateException when the stored record describes another partition
     */
    public synchronized void openPartition(PartitionDescriptor descriptor, Collection<Integer> localIndexIds) {
        requireNonNull(descriptor, "descriptor is null");
        byte[] stored = storage.get(KeyLayout.partitionRecordKey(descriptor.tableId(), descriptor.id()));
        long sequence = 0;
        if (stored != null) {
            PartitionRecord record = PartitionRecord.decode(stored);
            if (!record.descriptor().equals(descriptor)) {
                throw new IllegalStateException("partition record " + record.descriptor() + " does not match "
                        + descriptor);
            }
            sequence = record.metadata().appliedIndex();
        }
        int[] locals = localIndexIds.stream().mapToInt(Integer::intValue).toArray();
        OpenPartition open = new OpenPartition(descriptor, locals, sequence);
        loadStagedParts(descriptor.id(), open);
        partitions.put(descriptor.id(), open);
    }

    /** Rebuilds what the partition has staged from storage, so that every member knows the same after a restart. */
    private void loadStagedParts(PartitionId partition, OpenPartition open) {
        List<byte[]> chunks = new ArrayList<>();
        try (StorageIterator iterator = storage.iterator(PartStaging.start(partition), PartStaging.end(partition))) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (!open.staged) {
                    open.staged = true;
                    open.stagedSequence = PartStaging.sequenceOf(key);
                }
                // Only a run of consecutive parts of one sequence can be continued; anything else is discarded
                // by the partition's next entry.
                if (PartStaging.sequenceOf(key) == open.stagedSequence
                        && PartStaging.partOf(key) == chunks.size() + 1) {
                    chunks.add(iterator.value());
                }
            }
        }
        open.stagedChunks = chunks;
    }

    /** The partitions the group holds now, in no particular order (for the owner's epochs). */
    public synchronized List<GroupPartition> partitions() {
        List<GroupPartition> open = new ArrayList<>(partitions.size());
        for (OpenPartition partition : partitions.values()) {
            open.add(new GroupPartition(partition.descriptor,
                    Arrays.stream(partition.localIndexIds).boxed().toList()));
        }
        return open;
    }

    /** Whether the group holds {@code partition}. */
    public synchronized boolean holds(PartitionId partition) {
        return partitions.containsKey(partition);
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

    /**
     * Tells {@code listener} about every group-admin entry applied from now on (which partitions it opened or
     * dropped), after its batch is in storage, on the applying thread under the state machine's lock.
     */
    public void addPartitionsListener(PartitionsListener listener) {
        partitionsListeners.add(requireNonNull(listener, "listener is null"));
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
        // What listeners are told: the entries, except that a last part is replaced by the entry it completed.
        List<LogEntry> applied = null;
        long lastIndex = appliedIndex;
        List<MetaEntry> appliedMeta = null;
        List<Runnable> adminNotices = null;
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
            } else if (entry instanceof GroupAdminEntry admin) {
                adminNotices = adminNotices == null ? new ArrayList<>(1) : adminNotices;
                outcomes.add(stage(admin, batch, adminNotices));
            } else if (entry instanceof PartEntry part) {
                PartitionEntry completed = stagePart(part, batch, outcomes);
                if (completed != null) {
                    applied = applied == null ? new ArrayList<LogEntry>(entries) : applied;
                    applied.set(i, completed);
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
        if (adminNotices != null) {
            adminNotices.forEach(Runnable::run);
        }
        if (appliedMeta != null) {
            for (MetaEntry meta : appliedMeta) {
                for (Consumer<MetaEntry> listener : metaListeners) {
                    listener.accept(meta);
                }
            }
        }
        if (!listeners.isEmpty()) {
            notifyListeners(term, firstIndex, applied == null ? entries : applied, outcomes);
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
        if (entry instanceof OpenPartitionsEntry open) {
            return 2 * open.partitions().size();
        }
        if (entry instanceof DropPartitionsEntry) {
            return 16;
        }
        if (entry instanceof ClosePartitionsEntry close) {
            return 2 * close.partitions().size();
        }
        if (entry instanceof PartEntry part) {
            // A last part adds a whole large entry: give it a batch of its own rather than grow the reused one.
            return part.isLast() ? REUSED_BATCH_OPERATIONS + 1 : 2;
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
        if (partition.staged) {
            // An entry that does not continue the staged parts ends them (§5.3): deterministic on every member, and
            // free for the common case (no staged parts, no range delete).
            discardStagedParts(entry.partition(), partition, batch);
        }
        if (entry.sequence() != partition.sequence + 1) {
            LOG.debug("Rejected entry {} of partition {}: its sequence is {}", entry.sequence(), entry.partition(),
                    partition.sequence);
            return ApplyOutcome.REJECTED;
        }
        if (entry.tableId() != partition.descriptor.tableId()) {
            LOG.error("Rejected entry {} of partition {}: it names table {}, the partition is of table {}",
                    entry.sequence(), entry.partition(), entry.tableId(), partition.descriptor.tableId());
            return ApplyOutcome.REJECTED;
        }
        List<WriteBatch.Operation> operations = entry.operations();
        for (int i = 0; i < operations.size(); i++) {
            if (!belongs(partition, operations.get(i))) {
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
     * Stages one part of an oversized entry (§5.3): parts 1 to k−1 are put into the {@code 0x0E} space when their
     * sequence is the partition's next one and they continue what is staged; the last part reassembles the entry,
     * drops the staged parts and applies the entry as {@link #stage} does. Adds one outcome.
     *
     * @return the completed entry when this was the last part and the parts decoded to it, else null
     */
    private PartitionEntry stagePart(PartEntry part, WriteBatch batch, List<ApplyOutcome> outcomes) {
        OpenPartition partition = partitions.get(part.partition());
        if (partition == null || part.sequence() != partition.sequence + 1) {
            outcomes.add(ApplyOutcome.REJECTED);
            return null;
        }
        boolean continues = partition.staged && partition.stagedSequence == part.sequence()
                && partition.stagedChunks.size() == part.part() - 1;
        if (!continues && partition.staged) {
            discardStagedParts(part.partition(), partition, batch);
        }
        if (!continues && part.part() != 1) {
            outcomes.add(ApplyOutcome.REJECTED);
            return null;
        }
        if (!part.isLast()) {
            batch.put(PartStaging.key(part.partition(), part.sequence(), part.part()), part.chunk());
            List<byte[]> chunks = new ArrayList<>(partition.stagedChunks);
            chunks.add(part.chunk());
            partition.staged = true;
            partition.stagedSequence = part.sequence();
            partition.stagedChunks = chunks;
            outcomes.add(ApplyOutcome.APPLIED);
            return null;
        }
        List<byte[]> chunks = new ArrayList<>(partition.stagedChunks);
        chunks.add(part.chunk());
        discardStagedParts(part.partition(), partition, batch);
        PartitionEntry whole = reassemble(part, chunks);
        if (whole == null) {
            outcomes.add(ApplyOutcome.REJECTED);
            return null;
        }
        outcomes.add(stage(whole, batch));
        return whole;
    }

    private static PartitionEntry reassemble(PartEntry last, List<byte[]> chunks) {
        int length = 0;
        for (byte[] chunk : chunks) {
            length += chunk.length;
        }
        byte[] encoded = new byte[length];
        int offset = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, encoded, offset, chunk.length);
            offset += chunk.length;
        }
        try {
            if (LogEntryCodec.decode(encoded) instanceof PartitionEntry whole
                    && whole.partition().equals(last.partition()) && whole.sequence() == last.sequence()) {
                return whole;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("Rejected entry {} of partition {}: its {} parts do not decode", last.sequence(),
                    last.partition(), last.parts(), e);
            return null;
        }
        LOG.error("Rejected entry {} of partition {}: its parts hold another entry", last.sequence(),
                last.partition());
        return null;
    }

    private static void discardStagedParts(PartitionId id, OpenPartition partition, WriteBatch batch) {
        batch.deleteRange(PartStaging.start(id), PartStaging.end(id));
        partition.staged = false;
        partition.stagedSequence = 0;
        partition.stagedChunks = List.of();
    }

    /**
     * Checks a metadata entry and adds its operations to {@code batch} when it applies: it may write the metadata
     * key spaces ({@code 0x00} node counters, {@code 0x01} catalog, {@code 0x10} groups and {@code 0x11} nodes of
     * the cluster's registry) and drop the whole data of a table (DeleteTable
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
                long tableId = KeyLayout.readLong(range.fromInclusive(), 1);
                partitions.values().removeIf(partition -> partition.descriptor.tableId() == tableId);
            }
            batch.add(operation);
        }
        return ApplyOutcome.APPLIED;
    }

    /**
     * Stages a group-admin entry (§6.2 step 4). Opening stores each partition new to the group ({@link
     * GroupPartitions}) with an empty partition record unless one is stored, and starts accepting its entries; a
     * partition the group holds is skipped, and one whose stored record describes another partition is refused (a
     * defect: logged, the rest still open). Dropping range-deletes the table's key spaces and closes its
     * partitions: a group's storage holds only its own partitions, so the table's ranges in this storage are
     * exactly theirs.
     */
    private ApplyOutcome stage(GroupAdminEntry entry, WriteBatch batch, List<Runnable> notices) {
        if (entry instanceof OpenPartitionsEntry open) {
            List<GroupPartition> opened = new ArrayList<>(open.partitions().size());
            for (GroupPartition partition : open.partitions()) {
                PartitionDescriptor descriptor = partition.descriptor();
                if (partitions.containsKey(descriptor.id())) {
                    continue;
                }
                byte[] recordKey = KeyLayout.partitionRecordKey(descriptor.tableId(), descriptor.id());
                byte[] stored = storage.get(recordKey);
                long sequence = 0;
                if (stored != null) {
                    PartitionRecord record = PartitionRecord.decode(stored);
                    if (!record.descriptor().equals(descriptor)) {
                        LOG.error("Not opening partition {}: its stored record describes {}", descriptor,
                                record.descriptor());
                        continue;
                    }
                    sequence = record.metadata().appliedIndex();
                } else {
                    batch.put(recordKey, new PartitionRecord(descriptor, PartitionMetadata.EMPTY)
                            .encode());
                }
                batch.put(GroupPartitions.key(groupId, descriptor.id()), partition.encode());
                int[] locals = partition.localIndexIds().stream().mapToInt(Integer::intValue).toArray();
                partitions.put(descriptor.id(), new OpenPartition(descriptor, locals, sequence));
                opened.add(partition);
            }
            if (!opened.isEmpty()) {
                List<GroupPartition> told = List.copyOf(opened);
                notices.add(() -> partitionsListeners.forEach(listener -> listener.opened(told)));
            }
            return ApplyOutcome.APPLIED;
        }
        if (entry instanceof ClosePartitionsEntry close) {
            return close(close, batch, notices);
        }
        long tableId = ((DropPartitionsEntry) entry).tableId();
        List<PartitionId> dropped = new ArrayList<>();
        for (OpenPartition partition : partitions.values()) {
            if (partition.descriptor.tableId() == tableId) {
                dropped.add(partition.descriptor.id());
            }
        }
        if (dropped.isEmpty()) {
            return ApplyOutcome.APPLIED;
        }
        for (PartitionId id : dropped) {
            partitions.remove(id);
            batch.delete(GroupPartitions.key(groupId, id));
            batch.deleteRange(PartStaging.start(id), PartStaging.end(id));
        }
        for (byte keySpace : DROPPED_SPACES) {
            batch.deleteRange(KeyLayout.tableStart(keySpace, tableId), KeyLayout.tableEnd(keySpace, tableId));
        }
        List<PartitionId> told = List.copyOf(dropped);
        notices.add(() -> partitionsListeners.forEach(listener -> listener.dropped(tableId, told)));
        return ApplyOutcome.APPLIED;
    }

    /**
     * Closes the listed partitions of a live table the group holds (a dropped global index's, whose data its drop
     * entries removed): their stored {@link GroupPartition}s and staging go, and the listeners are told as for a drop.
     */
    private ApplyOutcome close(ClosePartitionsEntry close, WriteBatch batch, List<Runnable> notices) {
        List<PartitionId> closed = new ArrayList<>();
        for (PartitionId id : close.partitions()) {
            OpenPartition partition = partitions.get(id);
            if (partition == null || partition.descriptor.tableId() != close.tableId()) {
                continue;
            }
            partitions.remove(id);
            batch.delete(GroupPartitions.key(groupId, id));
            batch.deleteRange(PartStaging.start(id), PartStaging.end(id));
            closed.add(id);
        }
        if (!closed.isEmpty()) {
            List<PartitionId> told = List.copyOf(closed);
            notices.add(() -> partitionsListeners.forEach(listener -> listener.dropped(close.tableId(), told)));
        }
        return ApplyOutcome.APPLIED;
    }

    /** The key spaces of a partition's data, each beginning with the table id (§4.1). */
    private static final byte[] DROPPED_SPACES = {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
        KeyLayout.INDEX_STATE, KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS};

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
                && Arrays.equals(range.toExclusive(), KeyLayout.tableEnd(from[0], KeyLayout.readLong(from, 1)));
    }

    private static boolean isMetadataKey(byte[] key) {
        return key.length > 1 && (key[0] == KeyLayout.NODE || key[0] == KeyLayout.CATALOG
                || key[0] == KeyLayout.GROUPS || key[0] == KeyLayout.NODES);
    }

    private static boolean isTableDataSpace(byte keySpace) {
        return switch (keySpace) {
            case KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE,
                    KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS -> true;
            default -> false;
        };
    }

    private static boolean belongs(OpenPartition partition, WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return ownsKey(partition, put.key());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return ownsKey(partition, delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        // The end is exclusive and may be the next partition's first key: it must stay in the same table's space.
        return ownsKey(partition, range.fromInclusive()) && range.toExclusive().length >= 9
                && Arrays.equals(range.fromInclusive(), 0, 9, range.toExclusive(), 0, 9);
    }

    /**
     * Whether {@code key} is one the partition's entry may write (key layout v2, see {@link KeyLayout}): every such
     * key space carries the table id after its first byte; item keys must be of an index the partition owns (its
     * own, and for a base-table partition its table's local indexes) and hash into its range, collection keys must
     * hash into the range of a base-table partition, and partition-scoped keys (a global index partition's positions
     * in {@code 0x13} among them) must name the partition's id.
     */
    private static boolean ownsKey(OpenPartition partition, byte[] key) {
        PartitionDescriptor descriptor = partition.descriptor;
        if (key.length < 9 || KeyLayout.readLong(key, 1) != descriptor.tableId()) {
            return false;
        }
        long id = descriptor.id().value();
        switch (key[0]) {
            case KeyLayout.ITEMS:
                return key.length >= 19 && partition.ownsIndex(indexIdAt(key, 9))
                        && descriptor.owns(KeyLayout.readLong(key, 11));
            case KeyLayout.COLLECTIONS:
                return key.length >= 17 && descriptor.indexId() == KeyLayout.BASE_TABLE_INDEX
                        && descriptor.owns(KeyLayout.readLong(key, 9));
            case KeyLayout.PARTITIONS:
            case KeyLayout.CHANGES:
            case KeyLayout.PREPARED:
                return key.length >= 17 && KeyLayout.readLong(key, 9) == id;
            case KeyLayout.INDEX_STATE:
                return key.length >= 19 && partition.ownsIndex(indexIdAt(key, 9)) && KeyLayout.readLong(key, 11) == id;
            case KeyLayout.GSI_POSITIONS:
                // A global index partition's positions per source partition (cluster.md §15), named by its id.
                return key.length == 27 && descriptor.indexId() != KeyLayout.BASE_TABLE_INDEX
                        && indexIdAt(key, 9) == descriptor.indexId() && KeyLayout.readLong(key, 11) == id;
            default:
                return false;
        }
    }

    private static int indexIdAt(byte[] key, int offset) {
        return (key[offset] & 0xFF) << 8 | (key[offset + 1] & 0xFF);
    }
}

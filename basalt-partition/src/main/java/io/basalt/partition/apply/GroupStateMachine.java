package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
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
 * <p>Which keys an entry may write is {@link EntryKeyChecks}'; the group-admin entries (which partitions a data group
 * holds) are staged by {@link GroupAdminStaging}; an oversized entry's parts are kept in {@link OpenPartition} and
 * reassembled by {@link PartStaging}.
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
    /** Applies the group-admin entries to {@link #partitions}, under this machine's lock. */
    private final GroupAdminStaging adminStaging;
    /**
     * Reused by every apply of up to {@link #REUSED_BATCH_OPERATIONS} operations (under the lock): engines read a
     * batch only while writing it. Emptied after each write, so it pins no values.
     */
    private final WriteBatch reusedBatch = new WriteBatch(64);
    private long appliedTerm;
    private long appliedIndex;
    /** Set when a storage write failed: the in-memory sequences may be ahead of storage, so nothing applies again. */
    private Throwable failure;

    public GroupStateMachine(WritableStorage storage, long groupId) {
        this.storage = requireNonNull(storage, "storage is null");
        this.groupId = groupId;
        this.stateKey = KeyLayout.groupStateKey(groupId);
        this.adminStaging = new GroupAdminStaging(groupId, storage, partitions, partitionsListeners);
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
        open.loadStagedParts(storage);
        partitions.put(descriptor.id(), open);
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
                outcomes.add(adminStaging.stage(admin, batch, adminNotices));
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
            partition.discardStagedParts(batch);
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
            if (!EntryKeyChecks.belongs(partition, operations.get(i))) {
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
            partition.discardStagedParts(batch);
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
        partition.discardStagedParts(batch);
        PartitionEntry whole = PartStaging.reassemble(part, chunks);
        if (whole == null) {
            outcomes.add(ApplyOutcome.REJECTED);
            return null;
        }
        outcomes.add(stage(whole, batch));
        return whole;
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
            if (!EntryKeyChecks.metadataMayWrite(operations.get(i))) {
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
}

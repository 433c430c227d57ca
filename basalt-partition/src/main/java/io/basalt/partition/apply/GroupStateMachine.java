package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private final StorageEngine storage;
    private final long groupId;
    private final byte[] stateKey;
    private final Map<PartitionId, OpenPartition> partitions = new HashMap<>();
    private final List<ApplyListener> listeners = new CopyOnWriteArrayList<>();
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
        /** Whether storage holds staged parts of the partition (docs/design/cluster.md §5.3). */
        private boolean staged;
        /** The sequence of the staged parts, and their chunks in part order (consecutive from part 1). */
        private long stagedSequence;
        private List<byte[]> stagedChunks = List.of();

        private OpenPartition(int partitionCount, long sequence) {
            this.partitionCount = partitionCount;
            this.sequence = sequence;
        }
    }

    public GroupStateMachine(StorageEngine storage, long groupId) {
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
        OpenPartition open = new OpenPartition(partitionCount, sequence);
        loadStagedParts(partition, open);
        partitions.put(partition, open);
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
        for (int i = 0; i < entries.size(); i++) {
            LogEntry entry = entries.get(i);
            long index = firstIndex + i;
            if (index <= appliedIndex) {
                int count = entry instanceof MultiEntry multi ? multi.entries().size() : 1;
                for (int j = 0; j < count; j++) {
                    outcomes.add(ApplyOutcome.SKIPPED);
                }
                continue;
            }
            lastIndex = index;
            if (entry instanceof PartitionEntry partitionEntry) {
                outcomes.add(stage(partitionEntry, batch));
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
            int count = entry instanceof MultiEntry multi ? multi.entries().size() : 1;
            List<ApplyOutcome> own = outcomes.subList(position, position + count);
            position += count;
            if (own.get(0) != ApplyOutcome.SKIPPED) {
                for (ApplyListener listener : listeners) {
                    listener.applied(term, firstIndex + i, entry, own);
                }
            }
        }
    }

    private static int operationCount(LogEntry entry) {
        if (entry instanceof PartitionEntry partitionEntry) {
            return partitionEntry.operations().size();
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

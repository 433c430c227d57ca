package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.ApplyListener;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.apply.PartitionsListener;
import io.basalt.storage.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group member's Ratis state machine (docs/design/cluster.md §6): decodes each committed entry with the log
 * entry codec and applies it through the partition layer's {@link GroupStateMachine}, synchronously, so that the
 * applied index in storage and Ratis' last applied index move together and {@link #takeSnapshot} (called by Ratis
 * between applies) sees exactly the applied state. Snapshots are storage checkpoints ({@link CheckpointSnapshots}).
 *
 * <p>Threads: Ratis applies and snapshots on one updater thread per group; an install ({@link #pause}, then
 * {@link #reinitialize}) runs on a server thread and takes the storage write lock, which applies and
 * {@link #readStorage readers} hold shared. Leadership notifications go to the {@link LeadershipListener}s on the
 * node's leadership thread, never on the Ratis thread that gives them: Ratis calls them holding its server's lock
 * (a step-down in {@code changeToFollower}), and a listener that waits for a lock held by a thread inside Ratis'
 * own submission (which needs that server lock) deadlocked the member — seen after a SIGSTOPped leader resumed
 * (docs/design/cluster.md, step 14 as built).
 */
public final class RatisGroupStateMachine extends BaseStateMachine {
    /** The reply of an applied entry: one byte per partition entry, 1 applied, 0 rejected (informational only). */
    private static final byte APPLIED = 1;
    private static final byte REJECTED = 0;

    /** How long closing waits for the leadership listeners to close the open epoch. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(RatisGroupStateMachine.class);

    private final long groupId;
    private final GroupStorageFactory storageFactory;
    private final Consumer<GroupStateMachine> partitionOpener;
    private final Executor leadershipThread;
    private final List<ApplyListener> applyListeners = new CopyOnWriteArrayList<>();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final List<LeadershipListener> leadershipGuards = new CopyOnWriteArrayList<>();
    private final List<PartitionsListener> partitionsListeners = new CopyOnWriteArrayList<>();
    private final ReentrantReadWriteLock storageLock = new ReentrantReadWriteLock();
    private final SnapshotStorage snapshotStorage = new SnapshotStorage();
    private volatile CheckpointSnapshots snapshots;
    private volatile StorageEngine storage;
    private volatile GroupStateMachine machine;
    private final AtomicLong installs = new AtomicLong();
    private volatile GroupProposer proposer;

    /**
     * @param groupId Basalt's id of the group (the applied-state key is per group)
     * @param partitionOpener tells each freshly opened {@link GroupStateMachine} which partitions the group holds
     *     (until partition records and {@code OPEN_PARTITION} entries exist, step 2; it runs again after every
     *     snapshot install)
     * @param leadershipThread runs the leadership listeners, one notification after another in the order Ratis gave
     *     them (a single thread); never a Ratis thread
     */
    public RatisGroupStateMachine(long groupId, GroupStorageFactory storageFactory,
            Consumer<GroupStateMachine> partitionOpener, Executor leadershipThread) {
        this.groupId = groupId;
        this.leadershipThread = requireNonNull(leadershipThread, "leadershipThread is null");
        this.storageFactory = requireNonNull(storageFactory, "storageFactory is null");
        this.partitionOpener = requireNonNull(partitionOpener, "partitionOpener is null");
    }

    public long basaltGroupId() {
        return groupId;
    }

    public void addApplyListener(ApplyListener listener) {
        applyListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Told about the group-admin entries every state machine of this member applies (§6.2 step 4). */
    public void addPartitionsListener(PartitionsListener listener) {
        partitionsListeners.add(requireNonNull(listener, "listener is null"));
    }

    public void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * Adds a listener told on Ratis' own thread, while Ratis holds the division's lock (as it does when it appends and
     * calls {@link #preAppendTransaction}), before the {@link #addLeadershipListener listeners}: for the append
     * guard's generation, which must move exactly at the leadership change. A guard must never wait for anything a
     * thread inside Ratis may hold (it takes at most a short lock of its own and hands everything else off).
     */
    public void addLeadershipGuard(LeadershipListener guard) {
        leadershipGuards.add(requireNonNull(guard, "guard is null"));
    }

    /** The member's proposer, whose append guard every entry this member appends as leader passes. */
    public void guardAppendsWith(GroupProposer groupProposer) {
        this.proposer = requireNonNull(groupProposer, "groupProposer is null");
    }

    /**
     * Ratis calls this under the division's lock, in log order, before a leader appends a client's entry: an entry
     * its proposer submitted in an earlier leadership generation is refused here ({@link GroupProposer#checkAppend}),
     * atomically with respect to leadership changes, which hold the same lock.
     */
    @Override
    public TransactionContext preAppendTransaction(TransactionContext transaction) throws IOException {
        GroupProposer current = proposer;
        if (current != null && transaction.getClientRequest() != null) {
            current.checkAppend(transaction.getClientRequest());
        }
        return transaction;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId raftGroupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, raftGroupId, raftStorage);
        Path stateMachineDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
        snapshots = new CheckpointSnapshots(stateMachineDir);
        getLifeCycle().startAndTransition(() -> {
            snapshots.repair();
            SnapshotInfo latest = snapshots.latest();
            openStorage(latest);
            if (!storage.isPersistent() && latest != null) {
                // An in-memory member kept nothing across the restart but its checkpoints: start from the latest,
                // and Ratis replays the log after it.
                closeStorage();
                snapshots.replaceDatabase(latest);
                openStorage(latest);
            }
        });
    }

    /** Opens {@code sm/db} and sets the applied position: the later of storage's and the latest snapshot's (§6.5). */
    private void openStorage(SnapshotInfo latest) {
        StorageEngine opened = storageFactory.open(snapshots.databaseDirectory());
        GroupStateMachine opening = new GroupStateMachine(opened, groupId);
        opening.addListener(this::forwardApplied);
        opening.addPartitionsListener(new PartitionsListener() {
            @Override
            public void opened(List<GroupPartition> partitions) {
                partitionsListeners.forEach(listener -> listener.opened(partitions));
            }

            @Override
            public void dropped(long tableId, List<PartitionId> partitions) {
                partitionsListeners.forEach(listener -> listener.dropped(tableId, partitions));
            }
        });
        partitionOpener.accept(opening);
        storage = opened;
        machine = opening;
        TermIndex applied = TermIndex.valueOf(opening.appliedTerm(), opening.appliedIndex());
        if (opening.appliedIndex() == 0) {
            applied = null;
        }
        if (latest != null && (applied == null || latest.getIndex() > applied.getIndex())) {
            // A checkpoint holds every entry up to its index; later entries Ratis had not applied were no state
            // machine entries (leader no-ops, configurations), so storage is that state.
            applied = latest.getTermIndex();
        }
        if (applied != null) {
            setLastAppliedTermIndex(applied);
        }
    }

    private void forwardApplied(long term, long index, io.basalt.partition.log.LogEntry entry,
            List<ApplyOutcome> outcomes) {
        for (ApplyListener listener : applyListeners) {
            listener.applied(term, index, entry, outcomes);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto logEntry = transaction.getLogEntry();
        long term = logEntry.getTerm();
        long index = logEntry.getIndex();
        byte[] encoded = logEntry.getStateMachineLogEntry().getLogData().toByteArray();
        List<ApplyOutcome> outcomes;
        storageLock.readLock().lock();
        try {
            // A storage failure or an entry this code cannot decode throws: Ratis then stops the server
            // (fail-stop, StateMachine.applyTransaction's contract), as the single-node log stops.
            outcomes = machine.apply(term, index, encoded);
            updateLastAppliedTermIndex(term, index);
        } finally {
            storageLock.readLock().unlock();
        }
        byte[] reply = new byte[outcomes.size()];
        for (int i = 0; i < reply.length; i++) {
            reply[i] = outcomes.get(i) == ApplyOutcome.APPLIED ? APPLIED : REJECTED;
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    /**
     * Keeps the applied position from moving back. After a restart without a snapshot at stop (a SIGKILL, a crash),
     * storage has applied more than the latest checkpoint holds, and Ratis replays its log from the checkpoint: the
     * replayed entries at or below storage's position are skipped by {@link GroupStateMachine#apply} and Ratis'
     * own entries (configurations, leader no-ops) change nothing, so the position stays where storage is until the
     * replay passes it. Without this, Ratis' check that the position never decreases stops every group of the node.
     */
    @Override
    protected boolean updateLastAppliedTermIndex(TermIndex newTermIndex) {
        TermIndex current = getLastAppliedTermIndex();
        if (current != null && newTermIndex.getIndex() <= current.getIndex()) {
            return false;
        }
        return super.updateLastAppliedTermIndex(newTermIndex);
    }

    /**
     * The read barrier's query (§10): Ratis calls it once the read index is applied; the read itself is local. On the
     * leader, a follower's barrier on Netty asks for the applied index ({@link LeaderAppliedIndex#QUERY}).
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        if (request.getContent().equals(LeaderAppliedIndex.QUERY)) {
            return CompletableFuture.completedFuture(LeaderAppliedIndex.answer(lastAppliedIndex()));
        }
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public long takeSnapshot() throws IOException {
        storageLock.readLock().lock();
        try {
            TermIndex applied = getLastAppliedTermIndex();
            if (applied == null || applied.getIndex() <= 0 || storage == null) {
                return -1;
            }
            return snapshots.take(storage, applied);
        } finally {
            storageLock.readLock().unlock();
        }
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        CheckpointSnapshots current = snapshots;
        return current == null ? null : current.latest();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshotStorage;
    }

    /** Ratis is about to install a snapshot from the leader: close storage (waits for applies and readers). */
    @Override
    public void pause() {
        if (getLifeCycleState() != LifeCycle.State.RUNNING) {
            return;
        }
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        storageLock.writeLock().lock();
        try {
            closeStorage();
        } finally {
            storageLock.writeLock().unlock();
        }
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** The leader's checkpoint is installed: it becomes this member's database (§6.5). */
    @Override
    public void reinitialize() throws IOException {
        storageLock.writeLock().lock();
        try {
            closeStorage();
            snapshots.rescan();
            SnapshotInfo installed = snapshots.latest();
            if (installed != null) {
                snapshots.replaceDatabase(installed);
            }
            setLastAppliedTermIndex(null);
            openStorage(installed);
            installs.incrementAndGet();
            LOG.info("Group {}: installed the snapshot at {}", groupId, installed);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            storageLock.writeLock().unlock();
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void closeStorage() {
        StorageEngine open = storage;
        storage = null;
        machine = null;
        if (open != null) {
            open.close();
        }
    }

    /**
     * Runs {@code read} against this member's storage with the storage read lock held (an install waits for it).
     *
     * @throws IllegalStateException when the member is installing a snapshot or closed (try another replica)
     */
    public <T> T readStorage(Function<StorageEngine, T> read) {
        storageLock.readLock().lock();
        try {
            StorageEngine open = storage;
            if (open == null) {
                throw new IllegalStateException("group " + groupId + " has no storage open (installing or closed)");
            }
            return read.apply(open);
        } finally {
            storageLock.readLock().unlock();
        }
    }

    /**
     * The member's storage as now open (a leader's partitions read it; a follower's may be replaced by an install).
     *
     * @throws IllegalStateException while installing a snapshot or closed
     */
    public StorageEngine storage() {
        StorageEngine open = storage;
        if (open == null) {
            throw new IllegalStateException("group " + groupId + " has no storage open (installing or closed)");
        }
        return open;
    }

    /** The partition layer's state machine of this member (changes after a snapshot install). */
    public GroupStateMachine groupStateMachine() {
        GroupStateMachine current = machine;
        if (current == null) {
            throw new IllegalStateException("group " + groupId + " has no storage open (installing or closed)");
        }
        return current;
    }

    /** How many snapshots from a leader this member installed since it started. */
    public long installedSnapshots() {
        return installs.get();
    }

    /** The index of the latest snapshot this member holds; -1 when none. */
    public long latestSnapshotIndex() {
        SnapshotInfo latest = getLatestSnapshot();
        return latest == null ? -1 : latest.getIndex();
    }

    /** Ratis' last applied index of this member (leader no-ops and configurations included); -1 before any. */
    public long lastAppliedIndex() {
        TermIndex applied = getLastAppliedTermIndex();
        return applied == null ? -1 : applied.getIndex();
    }

    /** The applied index in storage; 0 while storage is closed. */
    public long appliedIndex() {
        GroupStateMachine current = machine;
        return current == null ? 0 : current.appliedIndex();
    }

    @Override
    public void notifyLeaderReady() {
        long commitIndex;
        try {
            commitIndex = getServer().get().getDivision(getGroupId()).getRaftLog().getLastCommittedIndex();
        } catch (Exception e) {
            LOG.warn("Group {}: leader ready but its commit index is unknown", groupId, e);
            return;
        }
        leadershipGuards.forEach(guard -> guard.leaderReady(commitIndex));
        tellListeners(listener -> listener.leaderReady(commitIndex));
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        notLeader();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (!groupMemberId.getPeerId().equals(newLeaderId)) {
            notLeader();
        }
    }

    @Override
    public void notifyGroupRemove() {
        notLeader();
    }

    private void notLeader() {
        leadershipGuards.forEach(LeadershipListener::notLeader);
        tellListeners(LeadershipListener::notLeader);
    }

    /** Hands a notification to the leadership thread (see the class comment: never run on Ratis' thread). */
    private CompletableFuture<Void> tellListeners(Consumer<LeadershipListener> notification) {
        CompletableFuture<Void> told = new CompletableFuture<>();
        Runnable telling = () -> {
            try {
                leadershipListeners.forEach(notification);
            } catch (RuntimeException e) {
                LOG.error("Group {}: a leadership listener failed", groupId, e);
            } finally {
                told.complete(null);
            }
        };
        try {
            leadershipThread.execute(telling);
        } catch (RejectedExecutionException e) {
            telling.run(); // the node has closed its leadership thread: nothing else runs any more
        }
        return told;
    }

    @Override
    public void close() throws IOException {
        // The epoch closes before storage does; bounded, so that a stuck listener cannot hold the node's shutdown.
        try {
            leadershipGuards.forEach(LeadershipListener::notLeader);
            tellListeners(LeadershipListener::notLeader).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Group {}: its leaders did not close within {} s before its storage", groupId,
                    CLOSE_WAIT_SECONDS);
        }
        storageLock.writeLock().lock();
        try {
            closeStorage();
        } finally {
            storageLock.writeLock().unlock();
        }
        super.close();
    }

    /** Where Ratis writes an installed snapshot: {@code sm/snapshot}, never the whole state-machine directory. */
    private final class SnapshotStorage implements StateMachineStorage {
        @Override
        public void init(RaftStorage raftStorage) {
        }

        @Override
        public SnapshotInfo getLatestSnapshot() {
            return RatisGroupStateMachine.this.getLatestSnapshot();
        }

        @Override
        public void format() {
        }

        @Override
        public void cleanupOldSnapshots(org.apache.ratis.statemachine.SnapshotRetentionPolicy policy) {
            // CheckpointSnapshots keeps only the latest checkpoint.
        }

        @Override
        public java.io.File getSnapshotDir() {
            CheckpointSnapshots current = snapshots;
            return current == null ? null : current.snapshotsDirectory().toFile();
        }
    }
}
